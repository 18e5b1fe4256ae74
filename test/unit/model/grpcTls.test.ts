import { routeParents } from '../../../src/gatewayapi/routeParents';
import type { AnyRoute } from '../../../src/gatewayapi/types';
import type { AwsIdentity } from '../../../src/model/identity';
import { certificateMatch, wildcardCovers } from '../../../src/lattice/certificates';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import type { KubeObject } from '../../../src/metacontroller/types';
import { buildRouteModel } from '../../../src/model/routeModel';
import { grpcRouteAdapter, tlsRouteAdapter, type RouteKindAdapter } from '../../../src/model/routeKinds';
import { gateway, gatewayClass, objectMap, OUR_CONTROLLER, route } from '../../support/objects';

const identity: AwsIdentity = {
  accountId: '123456789012',
  clusterName: 'c',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  managedBy: '123456789012/c/vpc-0a1b2c3d4e5f60718',
};
const CERT = 'arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555';

const gw = gateway('default', 'edge', 'lattice', [
  {
    name: 'https',
    protocol: 'HTTPS',
    port: 443,
    tls: { mode: 'Terminate', options: { 'application-networking.k8s.aws/certificate-arn': CERT } },
  },
  { name: 'tls', protocol: 'TLS', port: 8443, tls: { mode: 'Passthrough' } },
]);
gw.metadata.annotations = {
  'application-networking.k8s.aws/service-network-arn': 'arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdef0',
};

function svc(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
}

function build(adapter: RouteKindAdapter, spec: Record<string, unknown>) {
  const r = route(adapter.kind, 'default', 'service1', [{ name: 'edge' }], spec) as AnyRoute;
  const index = ObjectIndex.of(
    r,
    objectMap(gw, gatewayClass('lattice', OUR_CONTROLLER), svc('service'), svc('k8s-service1'), svc('k8s-service2')),
  );
  return buildRouteModel(r, adapter, routeParents(r, index, OUR_CONTROLLER), index, {
    identity,
    maxRulesPerListener: 10,
    maxListenersPerService: 2,
  });
}

const to = (name = 'service', weight?: number) => ({ name, port: 80, ...(weight !== undefined ? { weight } : {}) });

describe('GRPCRoute', () => {
  it('no matches → POST, prefix /', () => {
    expect(build(grpcRouteAdapter, { rules: [{ backendRefs: [to()] }] }).model?.rules[0]?.match).toEqual({
      method: 'POST',
      pathMatch: { match: { prefix: '/' }, caseSensitive: true },
    });
  });

  it('cases 8 and 14: service and method → exact /service/method, in precedence order', () => {
    const { model } = build(grpcRouteAdapter, {
      rules: ['method1', 'method2', 'method3'].map((method) => ({
        matches: [{ method: { service: 'service', method } }],
        backendRefs: [to()],
      })),
    });
    expect(model?.rules.map((r) => [r.priority, r.match])).toEqual(
      ['method1', 'method2', 'method3'].map((m, i) => [
        i + 1,
        { method: 'POST', pathMatch: { match: { exact: `/service/${m}` }, caseSensitive: true } },
      ]),
    );
  });

  it('cases 15 and 17: service only → prefix /service/, with up to 5 exact headers', () => {
    const headers = [1, 2, 3, 4, 5].map((i) => ({ name: `foo${i}`, value: `bar${i}` }));
    const { model } = build(grpcRouteAdapter, { rules: [{ matches: [{ method: { service: 'service' }, headers }], backendRefs: [to()] }] });
    expect(model?.rules[0]?.match).toEqual({
      method: 'POST',
      pathMatch: { match: { prefix: '/service/' }, caseSensitive: true },
      headerMatches: headers.map((h) => ({ name: h.name, match: { exact: h.value }, caseSensitive: true })),
    });
  });

  it('a header-only match (where the Go controller can crash): POST, prefix /', () => {
    const { model } = build(grpcRouteAdapter, { rules: [{ matches: [{ headers: [{ name: 'x', value: 'y' }] }], backendRefs: [to()] }] });
    expect(model?.rules[0]?.match).toEqual({
      method: 'POST',
      pathMatch: { match: { prefix: '/' }, caseSensitive: true },
      headerMatches: [{ name: 'x', match: { exact: 'y' }, caseSensitive: true }],
    });
  });

  it('drops a method without a service, and RegularExpression method matches, with a reason', () => {
    const built = build(grpcRouteAdapter, {
      rules: [
        { matches: [{ method: { method: 'Get' } }], backendRefs: [to()] },
        { matches: [{ method: { type: 'RegularExpression', service: 'a.*' } }], backendRefs: [to()] },
        { backendRefs: [to()] },
      ],
    });
    expect(built.dropped.map((d) => d.message)).toEqual([
      'rule 0: a method match without a service (Get) is not supported by VPC Lattice',
      'rule 1: method match type RegularExpression is not supported by VPC Lattice',
    ]);
    expect(built.model?.rules).toHaveLength(1);
  });

  it('puts gRPC backends in GRPC target groups with health checks off', () => {
    const tg = build(grpcRouteAdapter, { rules: [{ backendRefs: [to()] }] }).model?.targetGroups[0];
    expect(tg?.config).toMatchObject({ protocol: 'HTTP', protocolVersion: 'GRPC', healthCheck: { enabled: false } });
    expect(tg?.tags['application-networking.k8s.aws/RouteType']).toBe('grpc');
  });
});

describe('TLSRoute', () => {
  it('the passthrough listener forwards to the weighted TCP target groups', () => {
    const { model } = build(tlsRouteAdapter, {
      hostnames: ['tls.example.com'],
      rules: [{ backendRefs: [to('k8s-service1'), to('k8s-service2', 10)] }],
    });
    expect(model?.listeners).toEqual([
      {
        name: 'tls-8443',
        port: 8443,
        protocol: 'TLS_PASSTHROUGH',
        defaultAction: {
          forward: [
            { key: 'default/k8s-service1:80', weight: 1 },
            { key: 'default/k8s-service2:80', weight: 10 },
          ],
        },
      },
    ]);
    expect(model?.rules).toEqual([]);
    expect(model?.targetGroups.map((g) => g.config)).toEqual([
      expect.objectContaining({ protocol: 'TCP', healthCheck: { enabled: false } }),
      expect.objectContaining({ protocol: 'TCP', healthCheck: { enabled: false } }),
    ]);
    expect(model?.targetGroups[0]?.config.protocolVersion).toBeUndefined();
    expect(model?.service.customDomainName).toBe('tls.example.com');
  });

  it('more than one rule is refused with a clear condition', () => {
    const built = build(tlsRouteAdapter, { hostnames: ['tls.example.com'], rules: [{ backendRefs: [to()] }, { backendRefs: [to()] }] });
    expect(built.model).toBeUndefined();
    expect(built.routeProblem).toContain('exactly one rule');
  });

  it('a TLSRoute without hostname is refused', () => {
    const built = build(tlsRouteAdapter, { rules: [{ backendRefs: [to()] }] });
    expect(built.model).toBeUndefined();
    expect(built.routeProblem).toContain('needs at least one hostname');
  });
});

describe('custom domains and certificates', () => {
  it('uses the first non-wildcard hostname as custom domain, with the listener certificate, and reports the rest', () => {
    const built = build(grpcRouteAdapter, {
      hostnames: ['*.example.com', 'A.example.com', 'b.example.com'],
      rules: [{ backendRefs: [to()] }],
    });
    expect(built.model?.service).toMatchObject({ customDomainName: 'a.example.com', certificateArn: CERT });
    expect(built.notes).toEqual([
      'VPC Lattice serves one custom domain per service: a.example.com is used; *.example.com, b.example.com are not',
    ]);
  });

  it('matches certificate names exactly or by one wildcard label, case-insensitively', () => {
    expect(wildcardCovers('*.example.com', 'foo.example.com')).toBe(true);
    expect(wildcardCovers('*.example.com', 'foo.bar.example.com')).toBe(false);
    expect(wildcardCovers('*.example.com', 'example.com')).toBe(false);
    expect(wildcardCovers('*.*.example.com', 'foo.bar.example.com')).toBe(false);
    expect(wildcardCovers('*.Example.COM', 'foo.example.com')).toBe(true);
    expect(certificateMatch(['*.example.com', 'Shop.Example.com'], 'shop.example.com')).toBe('exact');
    expect(certificateMatch(['*.example.com'], 'shop.example.com')).toBe('wildcard');
    expect(certificateMatch(['other.example.com'], 'shop.example.com')).toBeUndefined();
  });
});
