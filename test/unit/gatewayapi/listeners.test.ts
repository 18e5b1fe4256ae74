import { analyzeListeners } from '../../../src/gatewayapi/listeners';
import type { Gateway } from '../../../src/gatewayapi/types';
import { gateway } from '../../support/objects';

const GW = 'gateway.networking.k8s.io';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

function analyze(listeners: unknown[]) {
  return analyzeListeners(gateway('infra', 'edge', 'lattice', listeners) as Gateway);
}

describe('listener analysis', () => {
  it('maps HTTP, HTTPS (terminate) and TLS passthrough onto Lattice protocols with default kinds', () => {
    const [http, https, tls] = analyze([
      { name: 'http', protocol: 'HTTP', port: 80 },
      { name: 'https', protocol: 'HTTPS', port: 443, tls: { options: { 'application-networking.k8s.aws/certificate-arn': CERT } } },
      { name: 'tls', protocol: 'TLS', port: 8443, tls: { mode: 'Passthrough' } },
    ]);
    expect(http).toMatchObject({ latticeProtocol: 'HTTP', usable: true, supportedKinds: [{ group: GW, kind: 'HTTPRoute' }] });
    expect(https).toMatchObject({
      latticeProtocol: 'HTTPS',
      certificateArn: CERT,
      supportedKinds: [
        { group: GW, kind: 'HTTPRoute' },
        { group: GW, kind: 'GRPCRoute' },
      ],
    });
    expect(tls).toMatchObject({ latticeProtocol: 'TLS_PASSTHROUGH', supportedKinds: [{ group: GW, kind: 'TLSRoute' }] });
  });

  it.each([
    [{ name: 'tcp', protocol: 'TCP', port: 9000 }, 'UnsupportedProtocol'],
    [{ name: 'inv', protocol: 'INVALID', port: 9000 }, 'UnsupportedProtocol'],
    [{ name: 'tls', protocol: 'TLS', port: 443, tls: { mode: 'Terminate' } }, 'UnsupportedValue'],
    [{ name: 'https', protocol: 'HTTPS', port: 443, tls: { mode: 'Passthrough' } }, 'UnsupportedValue'],
    // Outside the schema's 1–65535 (a Lattice listener would be named http-1e+308).
    [{ name: 'huge', protocol: 'HTTP', port: 1e308 }, 'PortUnavailable'],
    [{ name: 'zero', protocol: 'HTTP', port: 0 }, 'PortUnavailable'],
    [{ name: 'high', protocol: 'HTTP', port: 65536 }, 'PortUnavailable'],
    [{ name: 'half', protocol: 'HTTP', port: 80.5 }, 'PortUnavailable'],
    [{ name: 'text', protocol: 'HTTP', port: '80' }, 'PortUnavailable'],
  ])('refuses %j with %s and no supported kinds', (listener, reason) => {
    const [analysis] = analyze([listener]);
    expect(analysis?.accepted).toMatchObject({ status: 'False', reason });
    expect(analysis?.supportedKinds).toEqual([]);
    expect(analysis?.usable).toBe(false);
  });

  it('lists only supported kinds and reports the others as InvalidRouteKinds', () => {
    const [onlyInvalid, mixed, grpcOnHttp, tlsOnHttp] = analyze([
      { name: 'a', protocol: 'HTTP', port: 80, allowedRoutes: { kinds: [{ kind: 'InvalidRoute' }] } },
      { name: 'b', protocol: 'HTTP', port: 81, allowedRoutes: { kinds: [{ kind: 'InvalidRoute' }, { kind: 'HTTPRoute' }] } },
      { name: 'c', protocol: 'HTTP', port: 82, allowedRoutes: { kinds: [{ kind: 'GRPCRoute' }] } },
      {
        name: 'd',
        protocol: 'HTTP',
        port: 83,
        allowedRoutes: { kinds: [{ kind: 'TLSRoute' }, { group: 'example.com', kind: 'HTTPRoute' }] },
      },
    ]);
    expect(onlyInvalid).toMatchObject({ supportedKinds: [], resolvedRefs: { status: 'False', reason: 'InvalidRouteKinds' } });
    expect(mixed).toMatchObject({
      supportedKinds: [{ group: GW, kind: 'HTTPRoute' }],
      resolvedRefs: { status: 'False', reason: 'InvalidRouteKinds' },
    });
    expect(grpcOnHttp).toMatchObject({ supportedKinds: [{ group: GW, kind: 'GRPCRoute' }], resolvedRefs: { status: 'True' } });
    expect(tlsOnHttp?.resolvedRefs.message).toContain('TLSRoute, example.com/HTTPRoute');
  });

  it('marks listeners sharing a port with different protocols Conflicted, all of them', () => {
    const analyses = analyze([
      { name: 'http', protocol: 'HTTP', port: 443 },
      { name: 'https', protocol: 'HTTPS', port: 443 },
      { name: 'other', protocol: 'HTTP', port: 80, hostname: 'a.example.com' },
      { name: 'other2', protocol: 'HTTP', port: 80, hostname: 'b.example.com' },
    ]);
    expect(analyses.map((a) => [a.listener.name, a.conflicted?.reason, a.usable])).toEqual([
      ['http', 'ProtocolConflict', false],
      ['https', 'ProtocolConflict', false],
      ['other', undefined, true],
      ['other2', undefined, true],
    ]);
  });

  it('refuses a malformed certificate ARN; the ARN option wins over certificateRefs, said so', () => {
    const [bad, both] = analyze([
      { name: 'bad', protocol: 'HTTPS', port: 443, tls: { options: { 'application-networking.k8s.aws/certificate-arn': 'not-an-arn' } } },
      {
        name: 'both',
        protocol: 'HTTPS',
        port: 8443,
        tls: { certificateRefs: [{ name: 'tls-secret' }], options: { 'application-networking.k8s.aws/certificate-arn': CERT } },
      },
    ]);
    expect(bad?.resolvedRefs).toMatchObject({ status: 'False', reason: 'InvalidCertificateRef' });
    expect(both).toMatchObject({
      certificateArn: CERT,
      resolvedRefs: { status: 'True', message: expect.stringContaining('certificateRefs are not used') },
    });
  });

  it('takes the certificate of a certificateRefs listener from the ARN the Gateway recorded when it imported the Secret', () => {
    const listeners = [{ name: 'secrets', protocol: 'HTTPS', port: 8443, tls: { certificateRefs: [{ name: 'tls-secret' }] } }];
    const annotations = {
      'application-networking.k8s.aws/imported-certificates': JSON.stringify({ 'infra/tls-secret': { arn: CERT, fingerprint: 'f' } }),
    };
    const [before] = analyze(listeners);
    const [after] = analyzeListeners({
      ...gateway('infra', 'edge', 'lattice', listeners),
      metadata: { name: 'edge', namespace: 'infra', annotations },
    } as unknown as Gateway);
    expect(before?.certificateArn).toBeUndefined();
    expect(after).toMatchObject({ certificateArn: CERT, resolvedRefs: { status: 'True' } });
  });
});
