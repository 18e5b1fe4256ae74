import { MAX_CERTIFICATE_BYTES, pemCertificates, referencedSecrets, resolveCertificateRefs } from '../../../src/gatewayapi/certificateRefs';
import { analyzeListeners } from '../../../src/gatewayapi/listeners';
import type { Gateway } from '../../../src/gatewayapi/types';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import type { KubeObject } from '../../../src/metacontroller/types';
import { CERT_ONE, KEY_ONE, KEY_TWO, tlsSecret } from '../../support/certificates';
import { gateway, objectMap } from '../../support/objects';

const GW = 'gateway.networking.k8s.io';
const INFRA = 'gateway-conformance-infra';
const WEB = 'gateway-conformance-web-backend';

function httpsGateway(ref: Record<string, unknown>): Gateway {
  return gateway(INFRA, 'gw', 'lattice', [{ name: 'https', protocol: 'HTTPS', port: 443, tls: { certificateRefs: [ref] } }]) as Gateway;
}

function grant(namespace: string, name: string, from: Record<string, string>, to: Record<string, string>): KubeObject {
  return {
    apiVersion: `${GW}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: { name, namespace },
    spec: { from: [from], to: [to] },
  } as KubeObject;
}

function resolvedRefs(gw: Gateway, related: KubeObject[]) {
  const index = ObjectIndex.of(gw, objectMap(...related));
  const [analysis] = analyzeListeners(gw, (l) => resolveCertificateRefs(l, gw, index));
  return analysis?.resolvedRefs;
}

const fromGateway = { group: GW, kind: 'Gateway', namespace: INFRA };

describe('listener certificateRefs (upstream GatewayInvalidTLSConfiguration, GatewaySecret*ReferenceGrant*)', () => {
  it.each([
    ['a nonexistent Secret', { group: '', kind: 'Secret', name: 'nonexistent-certificate' }, []],
    ['an unsupported group', { group: 'wrong.group.company.io', kind: 'Secret', name: 'certificate' }, [tlsSecret(INFRA, 'certificate')]],
    ['an unsupported kind', { group: '', kind: 'WrongKind', name: 'certificate' }, [tlsSecret(INFRA, 'certificate')]],
    ['a malformed Secret (tls.crt not PEM)', { name: 'malformed-certificate' }, [tlsSecret(INFRA, 'malformed-certificate', 'Hello world')]],
    ['a Secret whose key does not match its certificate', { name: 'mismatch' }, [tlsSecret(INFRA, 'mismatch', CERT_ONE, KEY_TWO)]],
    ['a Secret that is not kubernetes.io/tls', { name: 'opaque' }, [tlsSecret(INFRA, 'opaque', CERT_ONE, KEY_ONE, 'Opaque')]],
  ])('%s → ResolvedRefs=False/InvalidCertificateRef, listener not Programmed-able', (_, ref, related) => {
    expect(resolvedRefs(httpsGateway(ref), related as KubeObject[])).toMatchObject({ status: 'False', reason: 'InvalidCertificateRef' });
  });

  it('a Secret in another namespace without a matching ReferenceGrant → RefNotPermitted, whether or not it exists', () => {
    const ref = { group: '', kind: 'Secret', name: 'certificate', namespace: WEB };
    const wrong = [
      grant('gateway-conformance-app-backend', 'wrong-namespace', fromGateway, { group: '', kind: 'Secret', name: 'certificate' }),
      grant(WEB, 'wrong-from-group', { ...fromGateway, group: 'not-the-group' }, { group: '', kind: 'Secret', name: 'certificate' }),
      grant(WEB, 'wrong-from-kind', { ...fromGateway, kind: 'HTTPRoute' }, { group: '', kind: 'Secret', name: 'certificate' }),
      grant(WEB, 'wrong-from-namespace', { ...fromGateway, namespace: 'elsewhere' }, { group: '', kind: 'Secret', name: 'certificate' }),
      grant(WEB, 'wrong-to-kind', fromGateway, { group: '', kind: 'Service', name: 'certificate' }),
      grant(WEB, 'wrong-to-name', fromGateway, { group: '', kind: 'Secret', name: 'other' }),
    ];
    const withSecret = resolvedRefs(httpsGateway(ref), [tlsSecret(WEB, 'certificate'), ...wrong]);
    const withoutSecret = resolvedRefs(httpsGateway({ ...ref, name: 'nonexistent-certificate' }), wrong);
    expect(withSecret).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    expect(withoutSecret).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    // The message does not reveal whether the Secret exists.
    expect(withSecret?.message).not.toMatch(/not found/);
  });

  it.each([
    ['every Secret of the namespace', { group: '', kind: 'Secret' }],
    ['that specific Secret', { group: '', kind: 'Secret', name: 'certificate' }],
  ])('a ReferenceGrant for %s → ResolvedRefs=True', (_, to) => {
    const ref = { group: '', kind: 'Secret', name: 'certificate', namespace: WEB };
    expect(
      resolvedRefs(httpsGateway(ref), [tlsSecret(WEB, 'certificate'), grant(WEB, 'g', fromGateway, to as Record<string, string>)]),
    ).toMatchObject({
      status: 'True',
      reason: 'ResolvedRefs',
    });
  });

  it('decodes a valid Secret: leaf, fingerprint and domain; no message ever holds the key', () => {
    const gw = httpsGateway({ name: 'certificate' });
    const index = ObjectIndex.of(gw, objectMap(tlsSecret(INFRA, 'certificate')));
    const resolution = resolveCertificateRefs(gw.spec.listeners[0] as Gateway['spec']['listeners'][number], gw, index);
    expect(resolution).toMatchObject({
      state: 'resolved',
      material: { secret: `${INFRA}/certificate`, domainName: 'shop.example.com', chain: undefined },
    });
    expect(resolution.state === 'resolved' && resolution.material.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const bad = resolveCertificateRefs(
      gw.spec.listeners[0] as Gateway['spec']['listeners'][number],
      gw,
      ObjectIndex.of(gw, objectMap(tlsSecret(INFRA, 'certificate', CERT_ONE, KEY_TWO))),
    );
    expect(JSON.stringify(bad)).not.toContain(KEY_TWO.split('\n')[1]);
  });

  it('finds the PEM blocks of a tls.crt, and none in a run of BEGIN markers', () => {
    expect(pemCertificates(`junk\n${CERT_ONE}\n${CERT_ONE}`)).toEqual([CERT_ONE.trim(), CERT_ONE.trim()]);
    expect(pemCertificates('-----BEGIN CERTIFICATE-----\nno end')).toEqual([]);
    expect(pemCertificates('-----BEGIN CERTIFICATE-----'.repeat(20_000))).toEqual([]);
  });

  it('refuses a tls.crt over the size cap unread, as InvalidCertificateRef', () => {
    const gw = httpsGateway({ name: 'certificate' });
    const huge = `${CERT_ONE}\n${'A'.repeat(MAX_CERTIFICATE_BYTES)}`;
    const resolution = resolveCertificateRefs(
      gw.spec.listeners[0] as Gateway['spec']['listeners'][number],
      gw,
      ObjectIndex.of(gw, objectMap(tlsSecret(INFRA, 'certificate', huge))),
    );
    expect(resolution).toMatchObject({ state: 'invalid', reason: 'InvalidCertificateRef' });
    expect(JSON.stringify(resolution)).toContain('larger than 64 KiB');
  });

  it('asks for exactly the referenced Secrets, by namespace and name', () => {
    const gw = gateway(INFRA, 'gw', 'lattice', [
      { name: 'a', protocol: 'HTTPS', port: 443, tls: { certificateRefs: [{ name: 'one' }, { name: 'two', namespace: WEB }] } },
      {
        name: 'b',
        protocol: 'HTTPS',
        port: 8443,
        tls: { certificateRefs: [{ name: 'one' }, { group: 'x.io', kind: 'Secret', name: 'ignored' }] },
      },
    ]) as Gateway;
    expect(referencedSecrets(gw)).toEqual([
      { namespace: INFRA, name: 'one' },
      { namespace: WEB, name: 'two' },
    ]);
  });
});
