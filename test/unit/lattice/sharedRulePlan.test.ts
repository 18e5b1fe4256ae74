import { planRoute, type Sharing } from '../../../src/lattice/routePlan';
import type { ObservedListener, ObservedRoute, ObservedRule } from '../../../src/lattice/routeState';
import type { RouteModel } from '../../../src/model/routeModel';

/** Plans of a route that shares its service with other routes of its hostname (model/hostnameGroup). */

const forwardTo = (id: string) => ({ forward: { targetGroups: [{ targetGroupIdentifier: id, weight: 1 }] } });
const rule = (name: string, priority: number, path: string, tg = 'tg-mine'): ObservedRule => ({
  id: `id-${name}`,
  name,
  priority,
  isDefault: false,
  match: { pathMatch: { match: { prefix: path } } },
  action: forwardTo(tg),
});
const listener = (rules: ObservedRule[]): ObservedListener => ({
  id: 'l-1',
  arn: 'arn:l',
  name: 'http-80',
  port: 80,
  protocol: 'HTTP',
  rules: [{ id: 'default', name: 'default', priority: undefined, isDefault: true, match: undefined, action: undefined }, ...rules],
  defaultAction: undefined,
});

function model(rules: { name: string; priority: number; path: string }[]): RouteModel {
  return {
    service: { name: 'leader-svc', tags: {}, customDomainName: 'example.com' },
    listeners: [{ name: 'http-80', port: 80, protocol: 'HTTP', defaultAction: { fixedResponse: 404 } }],
    rules: rules.map((r, i) => ({
      name: r.name,
      priority: r.priority,
      ruleIndex: i,
      match: { pathMatch: { match: { prefix: r.path } } },
      action: { forward: [{ key: 'web', weight: 1 }] },
    })),
    targetGroups: [
      { key: 'web', name: 'k8s-web', config: { port: 80, protocol: 'HTTP', healthCheck: { enabled: false } }, tags: {}, targets: [] },
    ],
    networks: ['arn:sn'],
    externalTargetGroups: {},
  };
}

function observed(rules: ObservedRule[], overrides: Partial<ObservedRoute> = {}): ObservedRoute {
  return {
    service: {
      arn: 'arn:svc',
      id: 'svc-1',
      name: 'leader-svc',
      status: 'ACTIVE',
      dnsName: 'svc.on.aws',
      customDomainName: 'example.com',
      certificateArn: undefined,
      tags: {},
    },
    listeners: [listener(rules)],
    targetGroups: [
      {
        arn: 'arn:tg/tg-mine',
        id: 'tg-mine',
        name: 'k8s-web',
        status: 'ACTIVE',
        config: { healthCheck: { enabled: false } },
        serviceArns: [],
        targets: [],
      },
    ],
    associations: [{ id: 'a-1', arn: 'arn:a', serviceNetworkArn: 'arn:sn', status: 'ACTIVE' }],
    ...overrides,
  };
}

const follower: Sharing = { follower: true, ownsRule: (name) => name.startsWith('k8s-f0000000-') };

describe('route plan of a route sharing its service', () => {
  it("a follower leaves the leader's rules, service, listener and associations alone", () => {
    const plan = planRoute(
      model([{ name: 'k8s-f0000000-0000000000000002', priority: 1, path: '/v2' }]),
      observed([rule('k8s-0000000000000001', 2, '/', 'tg-leader')]),
      new Set(),
      follower,
    );
    expect(plan.ops).toEqual([
      { kind: 'createRule', port: 80, priority: 1, rule: expect.objectContaining({ name: 'k8s-f0000000-0000000000000002' }) },
    ]);
    expect(plan.waits).toEqual([]);
    expect(plan.refusals).toEqual([]);
  });

  it('a rule whose priority another route holds is created elsewhere and waits for that route to move', () => {
    const plan = planRoute(
      model([{ name: 'k8s-f0000000-0000000000000002', priority: 1, path: '/v2' }]),
      observed([rule('k8s-0000000000000001', 1, '/', 'tg-leader')]),
      new Set(),
      follower,
    );
    expect(plan.ops).toEqual([expect.objectContaining({ kind: 'createRule', priority: 2000 })]);
    expect(plan.waits.join()).toContain('priority 1 on port 80 is held by rule k8s-0000000000000001 of another route');
  });

  it("a follower removes only its own stale rules, and waits for the leader's listener and association", () => {
    const stale = rule('k8s-f0000000-00000000000000aa', 5, '/old');
    const plan = planRoute(
      model([{ name: 'k8s-f0000000-0000000000000002', priority: 1, path: '/v2' }]),
      observed([stale, rule('k8s-0000000000000001', 2, '/', 'tg-leader'), rule('k8s-e0000000-00000000000000bb', 3, '/x', 'tg-other')], {
        associations: [{ id: 'a-1', arn: 'arn:a', serviceNetworkArn: 'arn:sn', status: 'CREATE_IN_PROGRESS' }],
      }),
      new Set(),
      follower,
    );
    expect(plan.ops.filter((o) => o.kind === 'deleteRule')).toEqual([{ kind: 'deleteRule', port: 80, ruleName: stale.name }]);
    expect(plan.waits).toContain("the shared Lattice service's association with arn:sn is CREATE_IN_PROGRESS");

    const noListener = planRoute(
      model([{ name: 'k8s-f0000000-0000000000000002', priority: 1, path: '/v2' }]),
      observed([], { listeners: [] }),
      new Set(),
      follower,
    );
    expect(noListener.ops.map((o) => o.kind)).toEqual([]);
    expect(noListener.waits).toContain('the shared Lattice service has no HTTP listener on port 80 yet');
  });

  it("a leader keeps its service and never deletes a follower's rules; an inherited service may carry another name", () => {
    const leader: Sharing = { follower: false, ownsRule: (name) => !/^k8s-[0-9a-f]{8}-/.test(name) };
    const plan = planRoute(
      {
        ...model([{ name: 'k8s-0000000000000001', priority: 2, path: '/' }]),
        service: { name: 'my-own-name', tags: {}, customDomainName: 'example.com' },
      },
      observed([rule('k8s-0000000000000001', 2, '/'), rule('k8s-f0000000-0000000000000002', 1, '/v2', 'tg-f')], {
        service: { ...observed([]).service!, tags: { 'application-networking.k8s.aws/HostnameGroup': 'key' } },
      }),
      new Set(),
      leader,
    );
    expect(plan).toEqual({ ops: [], waits: [], refusals: [] });
  });
});
