import { routeParents } from '../../../src/gatewayapi/routeParents';
import type { AnyRoute } from '../../../src/gatewayapi/types';
import type { AwsIdentity } from '../../../src/model/identity';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import type { KubeObject } from '../../../src/metacontroller/types';
import { buildRouteModel } from '../../../src/model/routeModel';
import { httpRouteAdapter } from '../../../src/model/routeKinds';
import { defaultHealthCheck } from '../../../src/model/targetGroups';
import { gateway, gatewayClass, objectMap, OUR_CONTROLLER, route } from '../../support/objects';

const identity: AwsIdentity = {
  accountId: '123456789012',
  clusterName: 'c',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  managedBy: '123456789012/c/vpc-0a1b2c3d4e5f60718',
};
const SN = 'arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdef0';
const GW = 'gateway.networking.k8s.io';

function service(
  namespace: string,
  name: string,
  ports: { port: number; name?: string; appProtocol?: string }[] = [{ port: 80, name: 'http' }],
  extra: Record<string, unknown> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports, ...extra } };
}

function slice(namespace: string, serviceName: string, addresses: string[], port = 8080): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${serviceName}-x`, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
    ports: [{ name: 'http', port }],
  };
}

const edge = gateway('default', 'edge', 'lattice', [{ name: 'http', protocol: 'HTTP', port: 80 }]);
edge.metadata.annotations = { 'application-networking.k8s.aws/service-network-arn': SN };

function httpRoute(
  rules: unknown[],
  extra: { annotations?: Record<string, string>; namespace?: string; hostnames?: string[] } = {},
): AnyRoute {
  const r = route('HTTPRoute', extra.namespace ?? 'default', 'service1', [{ name: 'edge', namespace: 'default' }], {
    rules,
    ...(extra.hostnames ? { hostnames: extra.hostnames } : {}),
  });
  if (extra.annotations) r.metadata.annotations = extra.annotations;
  return r as AnyRoute;
}

function build(r: AnyRoute, objects: KubeObject[] = [], options: { maxRules?: number; unavailable?: Map<string, string> } = {}) {
  const index = ObjectIndex.of(
    r,
    objectMap(
      edge,
      gatewayClass('lattice', OUR_CONTROLLER),
      service('default', 'targetgroup1'),
      slice('default', 'targetgroup1', ['10.0.0.1']),
      ...objects,
    ),
  );
  return buildRouteModel(r, httpRouteAdapter, routeParents(r, index, OUR_CONTROLLER), index, {
    identity,
    maxRulesPerListener: options.maxRules ?? 10,
    maxListenersPerService: 2,
    ...(options.unavailable ? { unavailableTargetGroups: options.unavailable } : {}),
  });
}

const backend = (name = 'targetgroup1', weight?: number, extra: Record<string, unknown> = {}) => ({
  name,
  port: 80,
  ...(weight !== undefined ? { weight } : {}),
  ...extra,
});

describe('route model: rules', () => {
  it('a rule without matches is prefix / with its backend weight', () => {
    const { model } = build(httpRoute([{ backendRefs: [backend('targetgroup1', 10)] }]));
    expect(model?.rules).toEqual([
      {
        name: expect.stringMatching(/^k8s-/),
        priority: 1,
        ruleIndex: 0,
        match: { pathMatch: { match: { prefix: '/' }, caseSensitive: true } },
        action: { forward: [{ key: 'default/targetgroup1:80', weight: 10 }] },
      },
    ]);
  });

  it('Exact and PathPrefix (element-wise: exact + prefix with a slash)', () => {
    const { model } = build(
      httpRoute([
        { matches: [{ path: { type: 'Exact', value: '/ver1' } }], backendRefs: [backend()] },
        { matches: [{ path: { type: 'PathPrefix', value: '/ver2' } }], backendRefs: [backend()] },
      ]),
    );
    expect(model?.rules.map((r) => [r.priority, r.match.pathMatch?.match])).toEqual([
      [1, { exact: '/ver1' }],
      [2, { exact: '/ver2' }],
      [3, { prefix: '/ver2/' }],
    ]);
  });

  it('method matches', () => {
    const { model } = build(
      httpRoute([
        { matches: [{ method: 'GET' }], backendRefs: [backend()] },
        { matches: [{ method: 'POST' }], backendRefs: [backend()] },
      ]),
    );
    expect(model?.rules.map((r) => [r.priority, r.match])).toEqual([
      [1, { method: 'GET' }],
      [2, { method: 'POST' }],
    ]);
  });

  it('header matches, exact and case-sensitive, with paths', () => {
    const { model } = build(
      httpRoute([
        {
          matches: [
            {
              path: { type: 'Exact', value: '/ver1' },
              headers: [
                { name: 'env1', value: 'test1' },
                { name: 'env2', value: 'test2' },
              ],
            },
          ],
          backendRefs: [backend()],
        },
        { matches: [{ headers: [{ name: 'env1', value: 'test1' }] }], backendRefs: [backend()] },
      ]),
    );
    expect(model?.rules[0]?.match).toEqual({
      pathMatch: { match: { exact: '/ver1' }, caseSensitive: true },
      headerMatches: [
        { name: 'env1', match: { exact: 'test1' }, caseSensitive: true },
        { name: 'env2', match: { exact: 'test2' }, caseSensitive: true },
      ],
    });
    expect(model?.rules[1]?.match).toEqual({ headerMatches: [{ name: 'env1', match: { exact: 'test1' }, caseSensitive: true }] });
  });

  it('six header matches drop the rule with a reason, the others stay', () => {
    const headers = Array.from({ length: 6 }, (_, i) => ({ name: `h${i}`, value: 'v' }));
    const built = build(httpRoute([{ name: 'too-many', matches: [{ headers }], backendRefs: [backend()] }, { backendRefs: [backend()] }]));
    expect(built.dropped).toEqual([
      { ruleIndex: 0, ruleName: 'too-many', message: 'rule 0 (too-many): 6 header matches (VPC Lattice allows at most 5)' },
    ]);
    expect(built.model?.rules).toHaveLength(1);
    expect(built.noValidRule).toBe(false);
  });

  it('two matches become two Lattice rules (OR), not an error', () => {
    const { model, dropped } = build(httpRoute([{ matches: [{ method: 'GET' }, { method: 'POST' }], backendRefs: [backend()] }]));
    expect(dropped).toEqual([]);
    expect(model?.rules.map((r) => r.match.method)).toEqual(['GET', 'POST']);
    expect(new Set(model?.rules.map((r) => r.name)).size).toBe(2);
  });

  it('invalid backends leave the forward action; none valid → fixed 500', () => {
    const { model, resolvedRefs } = build(
      httpRoute([
        { matches: [{ path: { type: 'PathPrefix', value: '/a' } }], backendRefs: [backend('invalid', 90)] },
        { matches: [{ path: { type: 'PathPrefix', value: '/b' } }], backendRefs: [backend('invalid', 90), backend('targetgroup1', 10)] },
      ]),
    );
    expect(resolvedRefs).toMatchObject({
      status: 'False',
      reason: 'BackendNotFound',
      message: 'Service default/invalid:80: Service not found; Service default/invalid:80: Service not found',
    });
    const byRule = (i: number) => model?.rules.filter((r) => r.ruleIndex === i).map((r) => r.action);
    expect(byRule(0)).toEqual([{ fixedResponse: 500 }, { fixedResponse: 500 }]);
    expect(byRule(1)?.[0]).toEqual({ forward: [{ key: 'default/targetgroup1:80', weight: 10 }] });
  });

  it('rule-N-priority annotations order the rules (Go controller compatibility); bad values are ignored', () => {
    const rules = [
      { matches: [{ path: { type: 'Exact', value: '/zero' } }], backendRefs: [backend()] },
      { matches: [{ path: { type: 'Exact', value: '/one' } }], backendRefs: [backend()] },
    ];
    const annotated = build(
      httpRoute(rules, {
        annotations: { 'application-networking.k8s.aws/rule-0-priority': '100', 'application-networking.k8s.aws/rule-1-priority': '50' },
      }),
    );
    expect(annotated.model?.rules.map((r) => r.match.pathMatch?.match)).toEqual([{ exact: '/one' }, { exact: '/zero' }]);
    const invalid = build(httpRoute(rules, { annotations: { 'application-networking.k8s.aws/rule-0-priority': 'invalid' } }));
    expect(invalid.model?.rules.map((r) => r.match.pathMatch?.match)).toEqual([{ exact: '/zero' }, { exact: '/one' }]);
  });

  it('places a rule without a priority annotation at its index + 1, as the Go controller does, not after the highest annotated one', () => {
    const rules = ['/zero', '/one', '/two'].map((value) => ({ matches: [{ path: { type: 'Exact', value } }], backendRefs: [backend()] }));
    const mixed = build(
      httpRoute(rules, {
        annotations: { 'application-networking.k8s.aws/rule-0-priority': '10', 'application-networking.k8s.aws/rule-1-priority': '5' },
      }),
    );
    // Effective priorities 10, 5 and 3 (index 2 + 1): the unannotated rule comes first.
    expect(mixed.model?.rules.map((r) => [r.priority, r.match.pathMatch?.match])).toEqual([
      [1, { exact: '/two' }],
      [2, { exact: '/one' }],
      [3, { exact: '/zero' }],
    ]);
  });
});

describe('route model: Gateway API precedence and Lattice limits', () => {
  it('orders matches by precedence (exact, longest prefix, method, headers), not by rule order', () => {
    const { model } = build(
      httpRoute([
        { name: 'catch-all', backendRefs: [backend()] },
        {
          name: 'headers',
          matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x', value: '1' }] }],
          backendRefs: [backend()],
        },
        { name: 'method', matches: [{ path: { type: 'PathPrefix', value: '/api' }, method: 'GET' }], backendRefs: [backend()] },
        { name: 'long', matches: [{ path: { type: 'PathPrefix', value: '/api/v2' } }], backendRefs: [backend()] },
        { name: 'exact', matches: [{ path: { type: 'Exact', value: '/' } }], backendRefs: [backend()] },
      ]),
    );
    expect(
      model?.rules.map(
        (r) => `${r.ruleIndex}:${JSON.stringify(r.match.pathMatch?.match)}${r.match.method ?? ''}${r.match.headerMatches ? 'H' : ''}`,
      ),
    ).toEqual([
      '4:{"exact":"/"}',
      '3:{"exact":"/api/v2"}',
      '3:{"prefix":"/api/v2/"}',
      '2:{"exact":"/api"}GET',
      '2:{"prefix":"/api/"}GET',
      '1:{"exact":"/api"}H',
      '1:{"prefix":"/api/"}H',
      '0:{"prefix":"/"}',
    ]);
    expect(model?.rules.map((r) => r.priority)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('drops what Lattice cannot do, whole rules only, and says so', () => {
    const built = build(
      httpRoute([
        { matches: [{ queryParams: [{ name: 'q', value: '1' }] }], backendRefs: [backend()] },
        { matches: [{ path: { type: 'RegularExpression', value: '/a.*' } }], backendRefs: [backend()] },
        { filters: [{ type: 'RequestHeaderModifier' }], backendRefs: [backend()] },
        { timeouts: { request: '10s' }, backendRefs: [backend()] },
        {
          matches: [{ path: { type: 'Exact', value: '/ok' } }, { headers: [{ type: 'RegularExpression', name: 'x', value: '.*' }] }],
          backendRefs: [backend()],
        },
        { matches: [{ path: { type: 'Exact', value: '/fine' } }], backendRefs: [backend()] },
      ]),
    );
    expect(built.dropped.map((d) => d.message)).toEqual([
      'rule 0: query parameter matches are not supported by VPC Lattice',
      'rule 1: path match type RegularExpression is not supported by VPC Lattice',
      'rule 2: filters (RequestHeaderModifier) are not supported by VPC Lattice',
      'rule 3: timeouts are not supported by VPC Lattice',
      'rule 4: header match type RegularExpression (only Exact is supported)',
    ]);
    expect(built.model?.rules.map((r) => r.match.pathMatch?.match)).toEqual([{ exact: '/fine' }]);
  });

  it('drops the lowest-precedence rules beyond the rules-per-listener quota', () => {
    const rules = ['/a', '/bb', '/ccc'].map((value) => ({ matches: [{ path: { type: 'PathPrefix', value } }], backendRefs: [backend()] }));
    const built = build(httpRoute(rules), [], { maxRules: 4 });
    expect(built.model?.rules.map((r) => r.match.pathMatch?.match)).toEqual([
      { exact: '/ccc' },
      { prefix: '/ccc/' },
      { exact: '/bb' },
      { prefix: '/bb/' },
    ]);
    expect(built.dropped).toEqual([
      { ruleIndex: 0, ruleName: undefined, message: expect.stringContaining('more than 4 Lattice rules per listener') },
    ]);
  });

  it('reports a route whose every rule is dropped', () => {
    expect(build(httpRoute([{ matches: [{ queryParams: [{ name: 'q', value: '1' }] }], backendRefs: [backend()] }])).noValidRule).toBe(
      true,
    );
  });

  it('scales weights into Lattice’s 0-999 and merges refs to one Service port', () => {
    build(httpRoute([]));
    const { model } = build(
      httpRoute([{ backendRefs: [backend('targetgroup1', 1000000), backend('other', 1000), backend('targetgroup1', 1000000)] }]),
      [service('default', 'other')],
    );
    expect(model?.rules[0]?.action).toEqual({
      forward: [
        { key: 'default/targetgroup1:80', weight: 999 },
        { key: 'default/other:80', weight: 1 },
      ],
    });
  });
});

describe('route model: backends and references', () => {
  const grant = (to: { group: string; kind: string; name?: string }) => ({
    apiVersion: `${GW}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: { name: 'g', namespace: 'backend' },
    spec: { from: [{ group: GW, kind: 'HTTPRoute', namespace: 'default' }], to: [to] },
  });
  const crossRef = [{ backendRefs: [backend('api', undefined, { namespace: 'backend' })] }];

  it('refuses a cross-namespace backend without a ReferenceGrant, without revealing whether it exists', () => {
    const withService = build(httpRoute(crossRef), [service('backend', 'api')]);
    const without = build(httpRoute(crossRef));
    expect(withService.resolvedRefs).toEqual(without.resolvedRefs);
    expect(withService.resolvedRefs).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    expect(withService.model?.rules[0]?.action).toEqual({ fixedResponse: 500 });
  });

  it('allows it with a grant for the Service (by name or for all Services)', () => {
    for (const to of [
      { group: '', kind: 'Service', name: 'api' },
      { group: '', kind: 'Service' },
    ]) {
      const built = build(httpRoute(crossRef), [service('backend', 'api'), grant(to)]);
      expect(built.resolvedRefs.status).toBe('True');
      expect(built.model?.targetGroups.map((g) => g.key)).toEqual(['backend/api:80']);
    }
    expect(
      build(httpRoute(crossRef), [service('backend', 'api'), grant({ group: '', kind: 'Service', name: 'other' })]).resolvedRefs.reason,
    ).toBe('RefNotPermitted');
  });

  it.each([
    [{ name: 'targetgroup1', kind: 'Unknown', group: 'example.com', port: 80 }, 'InvalidKind'],
    [{ name: 'missing', kind: 'ServiceImport', group: 'application-networking.k8s.aws', port: 80 }, 'BackendNotFound'],
    [{ name: 'targetgroup1', port: 81 }, 'BackendNotFound'],
    [{ name: 'targetgroup1' }, 'BackendNotFound'],
  ])('%j → %s', (ref, reason) => {
    expect(build(httpRoute([{ backendRefs: [ref] }])).resolvedRefs.reason).toBe(reason);
  });

  it('refuses ExternalName Services and unknown appProtocols', () => {
    expect(
      build(httpRoute([{ backendRefs: [backend('ext')] }]), [
        service('default', 'ext', undefined, { type: 'ExternalName', externalName: 'x.io' }),
      ]).resolvedRefs.reason,
    ).toBe('InvalidKind');
    expect(
      build(httpRoute([{ backendRefs: [backend('ws')] }]), [service('default', 'ws', [{ port: 80, appProtocol: 'kubernetes.io/wss' }])])
        .resolvedRefs.reason,
    ).toBe('UnsupportedProtocol');
  });
});

describe('route model: target groups, service, listeners', () => {
  it('builds one IP target group per backend Service port with targets and default health checks', () => {
    const { model } = build(httpRoute([{ backendRefs: [backend()] }]));
    expect(model?.targetGroups).toEqual([
      {
        key: 'default/targetgroup1:80',
        name: expect.stringMatching(/^k8s-service1-default-targetgroup1-80-[0-9a-f]{12}$/),
        type: 'IP',
        config: {
          port: 80,
          protocol: 'HTTP',
          protocolVersion: 'HTTP1',
          ipAddressType: 'IPV4',
          vpcIdentifier: identity.vpcId,
          healthCheck: defaultHealthCheck('HTTP', 'HTTP1'),
        },
        tags: expect.objectContaining({
          'application-networking.k8s.aws/ManagedBy': identity.managedBy,
          'application-networking.k8s.aws/RouteType': 'http',
        }),
        targets: [{ id: '10.0.0.1', port: 8080 }],
      },
    ]);
    expect(defaultHealthCheck('HTTP', 'HTTP1')).toEqual({
      enabled: true,
      healthCheckIntervalSeconds: 30,
      healthCheckTimeoutSeconds: 5,
      healthyThresholdCount: 5,
      unhealthyThresholdCount: 2,
      matcher: { httpCode: '200' },
      path: '/',
      protocol: 'HTTP',
      protocolVersion: 'HTTP1',
    });
    expect(defaultHealthCheck('HTTP', 'HTTP2').enabled).toBe(false);
    expect(defaultHealthCheck('HTTP', 'GRPC')).toMatchObject({ enabled: false, protocolVersion: 'HTTP1' });
    expect(defaultHealthCheck('TCP', undefined)).toEqual({ enabled: false });
  });

  it('h2c backends get HTTP/2 target groups; IPv6 Services IPV6 ones', () => {
    const { model } = build(httpRoute([{ backendRefs: [backend('h2')] }]), [
      service('default', 'h2', [{ port: 80, appProtocol: 'kubernetes.io/h2c' }], { ipFamilies: ['IPv6'] }),
    ]);
    expect(model?.targetGroups[0]?.config).toMatchObject({ protocolVersion: 'HTTP2', ipAddressType: 'IPV6' });
  });

  it('names the service, tags it, and associates it with the accepted parents’ networks unless standalone', () => {
    const built = build(httpRoute([{ backendRefs: [backend()] }], { annotations: { 'application-networking.k8s.aws/tags': 'team=a' } }));
    expect(built.model?.service).toEqual({
      name: 'service1-default',
      tags: {
        team: 'a',
        'application-networking.k8s.aws/ManagedBy': identity.managedBy,
        'application-networking.k8s.aws/RouteName': 'service1',
        'application-networking.k8s.aws/RouteNamespace': 'default',
        'application-networking.k8s.aws/RouteType': 'http',
      },
    });
    expect(built.model?.networks).toEqual([SN]);
    expect(built.model?.listeners).toEqual([{ name: 'http-80', port: 80, protocol: 'HTTP', defaultAction: { fixedResponse: 404 } }]);
    expect(build(httpRoute([], { annotations: { 'application-networking.k8s.aws/standalone': 'true' } })).model?.networks).toEqual([]);
  });

  it('honours and validates service-name-override', () => {
    expect(
      build(httpRoute([], { annotations: { 'application-networking.k8s.aws/service-name-override': 'my-svc' } })).model?.service.name,
    ).toBe('my-svc');
    const bad = build(httpRoute([], { annotations: { 'application-networking.k8s.aws/service-name-override': 'svc-bad' } }));
    expect(bad.model).toBeUndefined();
    expect(bad.routeProblem).toContain('must not start with "svc-"');
  });

  it('builds nothing for a route no listener accepts', () => {
    const r = httpRoute([{ backendRefs: [backend()] }], { namespace: 'elsewhere' });
    expect(build(r).model).toBeUndefined();
  });
});

describe('route model: ServiceImport backends and TargetGroupPolicy', () => {
  const OURS = 'application-networking.k8s.aws';
  const importOf = (name: string, targetGroups: unknown[]): KubeObject => ({
    apiVersion: `${OURS}/v1alpha1`,
    kind: 'ServiceImport',
    metadata: { name, namespace: 'default' },
    spec: { type: 'ClusterSetIP', ports: [{ port: 80 }] },
    status: { targetGroups },
  });
  const exported = (id: string, cluster: string, extra: Record<string, unknown> = {}) => ({
    arn: `arn:aws:vpc-lattice:us-west-2:123456789012:targetgroup/${id}`,
    id,
    port: 80,
    protocol: 'HTTP',
    protocolVersion: 'HTTP1',
    clusterName: cluster,
    ...extra,
  });
  const importRef = (name: string, weight?: number) => ({
    group: OURS,
    kind: 'ServiceImport',
    name,
    port: 80,
    ...(weight !== undefined ? { weight } : {}),
  });

  it('forwards to the exported target group its ServiceImport resolved, split with a local Service', () => {
    const built = build(httpRoute([{ backendRefs: [backend('targetgroup1', 80), importRef('reviews', 20)] }]), [
      importOf('reviews', [exported('tg-0123456789abcdef0', 'cluster-b')]),
    ]);
    expect(built.resolvedRefs.status).toBe('True');
    expect(built.model?.rules[0]?.action).toEqual({
      forward: [
        { key: 'default/targetgroup1:80', weight: 80 },
        { key: 'import:default/reviews:80', weight: 20 },
      ],
    });
    expect(built.model?.externalTargetGroups).toEqual({
      'import:default/reviews:80': { arn: exported('tg-0123456789abcdef0', 'c').arn, id: 'tg-0123456789abcdef0' },
    });
    expect(built.model?.targetGroups.map((g) => g.key)).toEqual(['default/targetgroup1:80']);
  });

  it('names every candidate instead of picking one when several clusters export it (Go controller issue #665)', () => {
    const built = build(httpRoute([{ backendRefs: [backend('targetgroup1'), importRef('reviews')] }]), [
      importOf('reviews', [exported('tg-b', 'cluster-b'), exported('tg-c', 'cluster-c')]),
    ]);
    expect(built.resolvedRefs).toMatchObject({
      status: 'False',
      reason: 'BackendNotFound',
      message: expect.stringContaining('2 exported target groups match (tg-b (cluster cluster-b), tg-c (cluster cluster-c))'),
    });
    expect(built.model?.rules[0]?.action).toEqual({ forward: [{ key: 'default/targetgroup1:80', weight: 1 }] });
  });

  it('refuses an exported target group speaking another protocol than the route', () => {
    const built = build(httpRoute([{ backendRefs: [importRef('reviews')] }]), [
      importOf('reviews', [exported('tg-b', 'b', { protocol: 'TCP', protocolVersion: undefined })]),
    ]);
    expect(built.resolvedRefs.reason).toBe('UnsupportedProtocol');
  });

  it('picks the group of its protocol when an export offers HTTP and TLS on one port', () => {
    const built = build(httpRoute([{ backendRefs: [importRef('reviews')] }]), [
      importOf('reviews', [exported('tg-tls', 'b', { protocol: 'TCP', protocolVersion: undefined }), exported('tg-http', 'b')]),
    ]);
    expect(built.resolvedRefs.status).toBe('True');
    expect(built.model?.externalTargetGroups['import:default/reviews:80']?.id).toBe('tg-http');
  });

  it('reports an imported group Lattice says it cannot use (deleted, used by another service) and forwards without it', () => {
    const objects = [importOf('reviews', [exported('tg-gone', 'cluster-b')])];
    const unavailable = new Map([[exported('tg-gone', 'b').arn, 'target group tg-gone no longer exists']]);
    const split = build(httpRoute([{ backendRefs: [backend('targetgroup1', 80), importRef('reviews', 20)] }]), objects, { unavailable });
    expect(split.resolvedRefs).toMatchObject({
      status: 'False',
      reason: 'BackendNotFound',
      message: 'application-networking.k8s.aws/ServiceImport default/reviews:80: target group tg-gone no longer exists',
    });
    expect(split.model?.rules[0]?.action).toEqual({ forward: [{ key: 'default/targetgroup1:80', weight: 80 }] });
    expect(split.model?.externalTargetGroups).toEqual({});
    const only = build(httpRoute([{ backendRefs: [importRef('reviews')] }]), objects, { unavailable });
    expect(only.model?.rules[0]?.action).toEqual({ fixedResponse: 500 });
  });

  it('applies the oldest valid TargetGroupPolicy of a Service: health check fields in place, protocol version in the identity', () => {
    const policy = (name: string, created: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: `${OURS}/v1alpha1`,
      kind: 'TargetGroupPolicy',
      metadata: { name, namespace: 'default', creationTimestamp: created },
      spec: { targetRef: { group: '', kind: 'Service', name: 'targetgroup1' }, ...spec },
    });
    const plain = build(httpRoute([{ backendRefs: [backend()] }])).model?.targetGroups[0];
    const tuned = build(httpRoute([{ backendRefs: [backend()] }]), [
      policy('older', '2026-01-01T00:00:00Z', {
        protocolVersion: 'HTTP2',
        healthCheck: { enabled: true, path: '/ready', intervalSeconds: 10, statusMatch: '200-299' },
      }),
      policy('younger', '2026-02-01T00:00:00Z', { protocol: 'HTTPS' }),
    ]).model?.targetGroups[0];
    expect(tuned?.config).toMatchObject({
      protocol: 'HTTP',
      protocolVersion: 'HTTP2',
      healthCheck: { enabled: true, path: '/ready', healthCheckIntervalSeconds: 10, matcher: { httpCode: '200-299' } },
    });
    expect(tuned?.name).not.toBe(plain?.name);
    const invalid = build(httpRoute([{ backendRefs: [backend()] }]), [policy('bad', '2026-01-01T00:00:00Z', { protocolVersion: 'HTTP3' })])
      .model?.targetGroups[0];
    expect(invalid?.name).toBe(plain?.name);
  });
});
