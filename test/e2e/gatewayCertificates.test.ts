import { ACMClient, ListTagsForCertificateCommand } from '@aws-sdk/client-acm';
import { CreateServiceNetworkCommand, GetServiceCommand } from '@aws-sdk/client-vpc-lattice';
import { IMPORTED_CERTIFICATES_ANNOTATION } from '../../src/gatewayapi/importedCertificates';
import { PROGRAMMED_CONDITION, SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { GW, statusOf, summary } from '../support/assertions';
import { CERT_TWO, KEY_ONE, KEY_TWO, tlsSecret } from '../support/certificates';
import { type Harness, installGatewayApi, startHarness } from '../support/harness';
import { gateway } from '../support/objects';
import { endpointSlice, service } from '../support/routeFixtures';

const INFRA = 'gateway-conformance-infra';
const WEB = 'gateway-conformance-web-backend';
const gwRef = (name: string) => ({ group: GW, kind: 'Gateway', namespace: INFRA, name });

interface ListenerView {
  name: string;
  supportedKinds: { group: string; kind: string }[];
  attachedRoutes: number;
  conditions: unknown;
}

function listeners(h: Harness, name: string): Record<string, ListenerView & { summary: Record<string, string> }> {
  const status = statusOf(h.cluster.get(gwRef(name)));
  const entries = (status.listeners as ListenerView[] | undefined) ?? [];
  return Object.fromEntries(entries.map((l) => [l.name, { ...l, summary: summary(l.conditions) }]));
}

function httpsGateway(name: string, certificateRefs: unknown[], extra: Record<string, unknown> = {}) {
  return gateway(INFRA, name, 'amazon-vpc-lattice', [
    { name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } }, tls: { certificateRefs }, ...extra },
  ]);
}

function grant(name: string, to: Record<string, string>) {
  return {
    apiVersion: `${GW}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: { name, namespace: WEB },
    spec: { from: [{ group: GW, kind: 'Gateway', namespace: INFRA }], to: [to] },
  };
}

describe('listener certificateRefs, end to end (driver + emulator)', () => {
  let h: Harness;
  let acm: ACMClient;

  beforeEach(async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
    acm = new ACMClient({
      endpoint: h.emulator.endpoint,
      region: 'us-west-2',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    for (const name of [
      'gateway-secret-missing-reference-grant',
      'gateway-certificate-nonexistent-secret',
      'gateway-secret-reference-grant-specific',
      'tls-gw',
    ]) {
      await h.lattice.send(new CreateServiceNetworkCommand({ name }));
    }
  });
  afterEach(async () => {
    acm.destroy();
    await h.close();
  });

  it('GatewayInvalidTLSConfiguration / GatewaySecretMissingReferenceGrant: listener ResolvedRefs=False, not programmed, nothing read into ACM', async () => {
    h.cluster.apply(
      httpsGateway('gateway-certificate-nonexistent-secret', [{ group: '', kind: 'Secret', name: 'nonexistent-certificate' }]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-secret-missing-reference-grant', 'amazon-vpc-lattice', [
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          allowedRoutes: { namespaces: { from: 'All' } },
          tls: { certificateRefs: [{ group: '', kind: 'Secret', name: 'certificate', namespace: WEB }] },
        },
        {
          name: 'https-nonexistent-secret',
          port: 8443,
          protocol: 'HTTPS',
          allowedRoutes: { namespaces: { from: 'All' } },
          tls: { certificateRefs: [{ group: '', kind: 'Secret', name: 'nonexistent', namespace: WEB }] },
        },
      ]),
    );
    h.cluster.apply(tlsSecret(WEB, 'certificate'));
    await h.driver.runUntilStable();

    const invalid = listeners(h, 'gateway-certificate-nonexistent-secret').https;
    expect(invalid).toMatchObject({
      supportedKinds: [
        { group: GW, kind: 'HTTPRoute' },
        { group: GW, kind: 'GRPCRoute' },
      ],
      attachedRoutes: 0,
    });
    expect(invalid?.summary).toMatchObject({ ResolvedRefs: 'False/InvalidCertificateRef', Programmed: 'False/Invalid' });
    const missing = listeners(h, 'gateway-secret-missing-reference-grant');
    expect(missing.https?.summary.ResolvedRefs).toBe('False/RefNotPermitted');
    expect(missing['https-nonexistent-secret']?.summary.ResolvedRefs).toBe('False/RefNotPermitted');
    expect(missing.https?.attachedRoutes).toBe(0);
    const conditions =
      (statusOf(h.cluster.get(gwRef('gateway-secret-missing-reference-grant'))).conditions as { observedGeneration: number }[]) ?? [];
    expect(conditions.every((c) => c.observedGeneration === 1)).toBe(true);
    const calls = (await h.admin.calls()).byOperation;
    expect(calls.ImportCertificate).toBeUndefined();
  });

  it('GatewaySecretReferenceGrantSpecific: a granted Secret resolves, is imported once (tagged as ours), and the listener is Programmed', async () => {
    h.cluster.apply(
      httpsGateway('gateway-secret-reference-grant-specific', [{ group: '', kind: 'Secret', name: 'certificate', namespace: WEB }]),
    );
    h.cluster.apply(tlsSecret(WEB, 'certificate'));
    await h.driver.runUntilStable();
    expect(listeners(h, 'gateway-secret-reference-grant-specific').https?.summary.ResolvedRefs).toBe('False/RefNotPermitted');
    expect((await h.admin.calls()).byOperation.ImportCertificate).toBeUndefined();

    h.cluster.apply(grant('reference-grant', { group: '', kind: 'Secret', name: 'certificate' }));
    await h.driver.runUntilStable();
    const https = listeners(h, 'gateway-secret-reference-grant-specific').https;
    expect(https?.summary).toMatchObject({ Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs', Programmed: 'True/Programmed' });
    expect(https?.attachedRoutes).toBe(0);
    const recorded = JSON.parse(
      h.cluster.mustGet(gwRef('gateway-secret-reference-grant-specific')).metadata.annotations?.[IMPORTED_CERTIFICATES_ANNOTATION] ?? '{}',
    );
    const arn = recorded[`${WEB}/certificate`]?.arn as string;
    expect(arn).toMatch(/^arn:aws:acm:us-west-2:\d{12}:certificate\//);
    const tags = (await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags ?? [];
    expect(Object.fromEntries(tags.map((t) => [t.Key, t.Value]))).toEqual({
      'application-networking.k8s.aws/ManagedBy': h.identity.managedBy,
      'application-networking.k8s.aws/Gateway': `${INFRA}/gateway-secret-reference-grant-specific`,
      'application-networking.k8s.aws/CertificateSecret': `${WEB}/certificate`,
    });
    expect((await h.admin.calls()).byOperation.ImportCertificate).toBe(1);
    // No log line carries the private key.
    const keyLine = KEY_ONE.split('\n')[1] as string;
    expect(JSON.stringify(h.logs)).not.toContain(keyLine);
  });

  it('serves the routes of the listener with the imported certificate, re-imports in place on rotation, deletes it when no listener uses it', async () => {
    h.cluster.apply(httpsGateway('tls-gw', [{ name: 'shop-tls' }]));
    h.cluster.apply(tlsSecret(INFRA, 'shop-tls'));
    h.cluster.apply(service(INFRA, 'web', [{ port: 80, name: 'http' }]));
    h.cluster.apply(endpointSlice(INFRA, 'web', ['10.0.0.1']));
    const routeRef = { group: GW, kind: 'HTTPRoute', namespace: INFRA, name: 'shop' };
    h.cluster.apply({
      apiVersion: `${GW}/v1`,
      kind: 'HTTPRoute',
      metadata: { name: 'shop', namespace: INFRA },
      spec: { parentRefs: [{ name: 'tls-gw' }], hostnames: ['shop.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    });
    const routeProgrammed = () =>
      summary(((statusOf(h.cluster.get(routeRef)).parents as { conditions: unknown }[] | undefined) ?? [])[0]?.conditions)[
        PROGRAMMED_CONDITION
      ] === 'True/Programmed';
    await h.driver.runUntil(routeProgrammed);
    await h.driver.runUntilStable();
    const arnOf = () =>
      JSON.parse(h.cluster.mustGet(gwRef('tls-gw')).metadata.annotations?.[IMPORTED_CERTIFICATES_ANNOTATION] ?? '{}')[`${INFRA}/shop-tls`]
        ?.arn as string | undefined;
    const arn = arnOf();
    const serviceArn = h.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
    expect(await h.lattice.send(new GetServiceCommand({ serviceIdentifier: serviceArn }))).toMatchObject({
      customDomainName: 'shop.example.com',
      certificateArn: arn,
    });
    // One list: the first import looks for a copy a crashed pass may have left; routes never discover.
    expect((await h.admin.calls()).byOperation.ListCertificates).toBe(1);

    // Unchanged Secret: no ACM call.
    await h.admin.resetCalls();
    const gw = h.cluster.mustGet(gwRef('tls-gw'));
    h.cluster.apply({ ...gw, metadata: { ...gw.metadata, labels: { ...gw.metadata.labels, touched: 'yes' } } });
    await h.driver.runUntilStable();
    expect((await h.admin.calls()).byOperation.ImportCertificate).toBeUndefined();

    // Rotation (cert-manager renewal): same ARN, new certificate.
    const before = await h.admin.state();
    h.cluster.apply(tlsSecret(INFRA, 'shop-tls', CERT_TWO, KEY_TWO));
    await h.driver.runUntilStable();
    expect(arnOf()).toBe(arn);
    expect((await h.admin.calls()).byOperation.ImportCertificate).toBe(1);
    expect(JSON.stringify(await h.admin.state())).not.toEqual(JSON.stringify(before));

    // The route goes, then the listener stops naming the Secret: the certificate is deleted.
    h.cluster.delete(routeRef);
    await h.driver.runUntilStable();
    h.cluster.apply({
      ...h.cluster.mustGet(gwRef('tls-gw')),
      spec: { gatewayClassName: 'amazon-vpc-lattice', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
    await h.driver.runUntilStable();
    expect(arnOf()).toBeUndefined();
    expect((await h.admin.calls()).byOperation.DeleteCertificate).toBe(1);
    const state = (await h.admin.state()) as { acmCertificates?: { CertificateArn: string }[] };
    expect(JSON.stringify(state)).not.toContain(arn);
  });
});
