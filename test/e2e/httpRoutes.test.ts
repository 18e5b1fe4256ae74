import { CreateTargetGroupCommand, CreateServiceCommand, GetTargetGroupCommand } from '@aws-sdk/client-vpc-lattice';
import { SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { PROGRAMMED_CONDITION } from '../../src/gatewayapi/ourKeys';
import { GW, statusOf, summary, writeCalls } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { gateway, gatewayClass } from '../support/objects';
import { counts, endpointSlice, httpRoute, latticeView, service, targetsOf } from '../support/routeFixtures';

const routeRef = (namespace: string, name: string) => ({ group: GW, kind: 'HTTPRoute', namespace, name });

function parentConditions(h: Harness, namespace: string, name: string): Record<string, string> {
  const parents = (statusOf(h.cluster.get(routeRef(namespace, name))).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions);
}

function programmed(h: Harness, namespace: string, name: string): boolean {
  return parentConditions(h, namespace, name)[PROGRAMMED_CONDITION] === 'True/Programmed';
}

const THREE_RULES = {
  parentRefs: [{ name: 'edge', namespace: 'infra' }],
  rules: [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
      backendRefs: [
        { name: 'api', port: 80, weight: 80 },
        { name: 'web', port: 80, weight: 20 },
      ],
    },
    {
      matches: [{ path: { type: 'Exact', value: '/healthz' } }, { method: 'POST', path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ name: 'web', port: 80 }],
    },
    { backendRefs: [{ name: 'web', port: 80 }] },
  ],
};

describe('HTTPRoute → VPC Lattice, end to end (driver + emulator over HTTP)', () => {
  let h: Harness;
  let networkArn: string;

  beforeEach(async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
    networkArn = await sharedNetworkGateway(h, 'infra', 'edge');
    h.cluster.apply(service('apps', 'api'));
    h.cluster.apply(service('apps', 'web'));
    h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1', '10.0.1.2']));
    h.cluster.apply(endpointSlice('apps', 'web', ['10.0.2.1']));
  });
  afterEach(async () => h.close());

  async function converge(name = 'shop', namespace = 'apps') {
    await h.driver.runUntil(() => programmed(h, namespace, name));
    await h.driver.runUntilStable();
  }

  function serviceArn(name = 'shop', namespace = 'apps'): string {
    return h.cluster.mustGet(routeRef(namespace, name)).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
  }

  async function targetGroupIdsByName(): Promise<Record<string, string>> {
    const state = await h.admin.state();
    return Object.fromEntries(state.targetGroups.map((tg) => [tg.name as string, tg.id as string]));
  }

  it('programs a route with 3 rules and 2 backends, follows its changes, and leaves nothing behind', async () => {
    h.cluster.apply(httpRoute('apps', 'shop', THREE_RULES));
    await converge();
    expect(parentConditions(h, 'apps', 'shop')).toEqual({
      Accepted: 'True/Accepted',
      ResolvedRefs: 'True/ResolvedRefs',
      [PROGRAMMED_CONDITION]: 'True/Programmed',
    });
    const route = h.cluster.mustGet(routeRef('apps', 'shop'));
    expect(route.metadata.annotations?.['application-networking.k8s.aws/lattice-assigned-domain-name']).toMatch(
      /^shop-apps-svc-[0-9a-z]{17}\.[0-9a-f]{7}\.vpc-lattice-svcs\.us-west-2\.on\.aws$/,
    );

    // Exactly one service, one association, one listener, 2 target groups, and the rules by precedence.
    const state = await h.admin.state();
    expect(counts(state)).toMatchObject({
      services: 1,
      serviceNetworkServiceAssociations: 1,
      listeners: 1,
      targetGroups: 2,
      serviceNetworks: 1,
    });
    const tgs = await targetGroupIdsByName();
    const api = Object.entries(tgs).find(([name]) => name.includes('-api-'))?.[1] ?? '';
    const web = Object.entries(tgs).find(([name]) => name.includes('-web-'))?.[1] ?? '';
    const view = await latticeView(h.lattice, serviceArn());
    expect(view.associations.map((a) => [a.serviceNetworkArn, a.status])).toEqual([[networkArn, 'ACTIVE']]);
    expect(view.listeners).toEqual([
      {
        port: 80,
        protocol: 'HTTP',
        rules: [
          {
            priority: 1,
            match: { pathMatch: { match: { exact: '/healthz' }, caseSensitive: true } },
            action: { forward: { targetGroups: [{ targetGroupIdentifier: web, weight: 1 }] } },
          },
          {
            priority: 2,
            match: { pathMatch: { match: { exact: '/api' }, caseSensitive: true } },
            action: {
              forward: {
                targetGroups: [
                  { targetGroupIdentifier: api, weight: 80 },
                  { targetGroupIdentifier: web, weight: 20 },
                ],
              },
            },
          },
          {
            priority: 3,
            match: { pathMatch: { match: { prefix: '/api/' }, caseSensitive: true } },
            action: {
              forward: {
                targetGroups: [
                  { targetGroupIdentifier: api, weight: 80 },
                  { targetGroupIdentifier: web, weight: 20 },
                ],
              },
            },
          },
          {
            priority: 4,
            match: { method: 'POST', pathMatch: { match: { prefix: '/' }, caseSensitive: true } },
            action: { forward: { targetGroups: [{ targetGroupIdentifier: web, weight: 1 }] } },
          },
          {
            priority: 5,
            match: { pathMatch: { match: { prefix: '/' }, caseSensitive: true } },
            action: { forward: { targetGroups: [{ targetGroupIdentifier: web, weight: 1 }] } },
          },
        ],
      },
    ]);
    expect(await targetsOf(h.lattice, api)).toEqual(['10.0.1.1:8080', '10.0.1.2:8080']);
    expect(await targetsOf(h.lattice, web)).toEqual(['10.0.2.1:8080']);

    // Add a rule: only new rules are created, the rest is moved.
    const withRule = {
      ...THREE_RULES,
      rules: [{ matches: [{ path: { type: 'Exact', value: '/login' } }], backendRefs: [{ name: 'web', port: 80 }] }, ...THREE_RULES.rules],
    };
    await h.admin.resetCalls();
    h.cluster.apply(httpRoute('apps', 'shop', withRule));
    await converge();
    let calls = (await h.admin.calls()).byOperation;
    expect(calls.CreateRule).toBe(1);
    expect(calls.DeleteRule).toBeUndefined();
    expect((await latticeView(h.lattice, serviceArn())).listeners[0]?.rules.map((r) => r.priority)).toEqual([1, 2, 3, 4, 5, 6]);

    // Change weights: the two /api rules are updated in place, nothing else is written.
    const reweighted = {
      ...withRule,
      rules: withRule.rules.map((r, i) =>
        i === 1
          ? {
              ...r,
              backendRefs: [
                { name: 'api', port: 80, weight: 50 },
                { name: 'web', port: 80, weight: 50 },
              ],
            }
          : r,
      ),
    };
    await h.admin.resetCalls();
    h.cluster.apply(httpRoute('apps', 'shop', reweighted));
    await converge();
    calls = (await h.admin.calls()).byOperation;
    expect(writeCalls(calls)).toEqual({ BatchUpdateRule: 1 });
    const apiRules = (await latticeView(h.lattice, serviceArn())).listeners[0]?.rules.filter((r) =>
      JSON.stringify(r.match).includes('/api'),
    );
    for (const r of apiRules ?? [])
      expect(r.action).toEqual({
        forward: {
          targetGroups: [
            { targetGroupIdentifier: api, weight: 50 },
            { targetGroupIdentifier: web, weight: 50 },
          ],
        },
      });

    // Scale the api EndpointSlice: targets follow, nothing else is written.
    await h.admin.resetCalls();
    h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.2', '10.0.1.3', '10.0.1.4']));
    await h.driver.runUntilStable();
    expect(await targetsOf(h.lattice, api)).toEqual(['10.0.1.2:8080', '10.0.1.3:8080', '10.0.1.4:8080']);
    expect(writeCalls((await h.admin.calls()).byOperation)).toEqual({ RegisterTargets: 1, DeregisterTargets: 1 });

    // Move web to another namespace without a grant: RefNotPermitted, the rules that only had web answer 500.
    h.cluster.apply(service('shared', 'web'));
    h.cluster.apply(endpointSlice('shared', 'web', ['10.0.3.1']));
    const moved = {
      ...reweighted,
      rules: reweighted.rules.map((r) => ({
        ...r,
        backendRefs: r.backendRefs.map((b) => (b.name === 'web' ? { ...b, namespace: 'shared' } : b)),
      })),
    };
    h.cluster.apply(httpRoute('apps', 'shop', moved));
    await h.driver.runUntil(() => parentConditions(h, 'apps', 'shop').ResolvedRefs === 'False/RefNotPermitted');
    await h.driver.runUntilStable();
    let rules = (await latticeView(h.lattice, serviceArn())).listeners[0]?.rules ?? [];
    expect(rules.find((r) => JSON.stringify(r.match).includes('/login'))?.action).toEqual({ fixedResponse: { statusCode: 500 } });
    expect(rules.find((r) => JSON.stringify(r.match).includes('/api/'))?.action).toEqual({
      forward: { targetGroups: [{ targetGroupIdentifier: api, weight: 50 }] },
    });
    expect(await targetGroupIdsByName()).not.toHaveProperty(Object.keys(tgs).find((n) => n.includes('-web-')) ?? 'x');

    // With a ReferenceGrant the shared web is a new target group with its own targets.
    h.cluster.apply({
      apiVersion: `${GW}/v1beta1`,
      kind: 'ReferenceGrant',
      metadata: { name: 'allow-apps', namespace: 'shared' },
      spec: { from: [{ group: GW, kind: 'HTTPRoute', namespace: 'apps' }], to: [{ group: '', kind: 'Service', name: 'web' }] },
    });
    await h.driver.runUntil(
      () => parentConditions(h, 'apps', 'shop').ResolvedRefs === 'True/ResolvedRefs' && programmed(h, 'apps', 'shop'),
    );
    await h.driver.runUntilStable();
    const sharedWeb = Object.entries(await targetGroupIdsByName()).find(([name]) => name.includes('-shared-web-'))?.[1] ?? '';
    expect(await targetsOf(h.lattice, sharedWeb)).toEqual(['10.0.3.1:8080']);
    rules = (await latticeView(h.lattice, serviceArn())).listeners[0]?.rules ?? [];
    expect(rules.find((r) => JSON.stringify(r.match).includes('/login'))?.action).toEqual({
      forward: { targetGroups: [{ targetGroupIdentifier: sharedWeb, weight: 1 }] },
    });

    // Delete: Lattice holds nothing of the route any more.
    h.cluster.delete(routeRef('apps', 'shop'));
    await h.driver.runUntil(() => h.cluster.get(routeRef('apps', 'shop')) === undefined);
    expect(counts(await h.admin.state())).toEqual({
      serviceNetworks: 1,
      services: 0,
      listeners: 0,
      rules: 0,
      targetGroups: 0,
      serviceNetworkServiceAssociations: 0,
      serviceNetworkVpcAssociations: 0,
      authPolicies: 0,
      resourcePolicies: 0,
      accessLogSubscriptions: 0,
      certificates: 0,
      lambdaFunctions: 0,
    });
  });

  it('makes zero write calls on a repeated sync, with reads independent of 300 unrelated services and target groups', async () => {
    h.cluster.apply(httpRoute('apps', 'shop', THREE_RULES));
    await converge();
    const steadyCalls = async () => {
      await h.admin.resetCalls();
      const route = h.cluster.mustGet(routeRef('apps', 'shop'));
      h.cluster.apply({ ...route, metadata: { ...route.metadata, labels: { ...route.metadata.labels, touch: String(Date.now()) } } });
      await h.driver.runUntilStable();
      return (await h.admin.calls()).byOperation;
    };
    const alone = await steadyCalls();
    expect(writeCalls(alone)).toEqual({});
    for (let i = 0; i < 300; i += 1) {
      await h.lattice.send(new CreateServiceCommand({ name: `unrelated-${i}` }));
      await h.lattice.send(
        new CreateTargetGroupCommand({
          name: `unrelated-${i}`,
          type: 'IP',
          config: { port: 80, protocol: 'HTTP', vpcIdentifier: 'vpc-0fedcba9876543210' },
        }),
      );
    }
    const crowded = await steadyCalls();
    expect(crowded).toEqual(alone);
    expect(writeCalls(crowded)).toEqual({});
  });

  it('recovers from a failure on any create call with no duplicate and nothing left over', async () => {
    const operations = [
      'CreateTargetGroup',
      'RegisterTargets',
      'CreateService',
      'CreateListener',
      'CreateRule',
      'CreateServiceNetworkServiceAssociation',
    ];
    // Three failures in a row exhaust the SDK's own retries, so the hook itself must recover.
    for (const operation of operations) await h.admin.addFault({ operation, error: 'InternalServerException', times: 3 });
    const names = operations.map((op) => `r-${op.toLowerCase()}`);
    for (const name of names) h.cluster.apply(httpRoute('apps', name, THREE_RULES));
    await h.driver.runUntil(() => names.every((n) => programmed(h, 'apps', n)), { timeoutMs: 60_000 });
    await h.driver.runUntilStable();
    expect(h.driver.calls.filter((c) => c.statusCode === 429).length).toBeGreaterThan(0);
    expect((await h.admin.calls()).byOperation.CreateService).toBeGreaterThan(6);
    const state = await h.admin.state();
    expect(counts(state)).toMatchObject({
      services: 6,
      listeners: 6,
      rules: 6 * 6,
      targetGroups: 12,
      serviceNetworkServiceAssociations: 6,
    });
    expect(new Set(state.services.map((s) => s.name)).size).toBe(6);
    for (const name of ['r-createtargetgroup', 'r-createservice', 'r-createrule']) {
      h.cluster.delete(routeRef('apps', name));
    }
    await h.driver.runUntil(() =>
      ['r-createtargetgroup', 'r-createservice', 'r-createrule'].every((n) => h.cluster.get(routeRef('apps', n)) === undefined),
    );
    expect(counts(await h.admin.state())).toMatchObject({ services: 3, targetGroups: 6 });
  });

  it('reuses the service it created when the answer was lost (deterministic client tokens)', async () => {
    // CreateService succeeds, then the hook fails before it can record the service ARN.
    await h.admin.addFault({ operation: 'CreateListener', error: 'InternalServerException', times: 3 });
    h.cluster.apply(httpRoute('apps', 'shop', THREE_RULES));
    await h.driver.runUntil(() => h.driver.calls.some((c) => c.statusCode === 429));
    await h.admin.ok('DELETE', 'faults');
    await converge();
    const state = await h.admin.state();
    expect(state.services).toHaveLength(1);
    expect((await h.admin.calls()).byOperation.CreateService).toBeGreaterThanOrEqual(2);
  });

  it('reports a service name held by another owner as Conflicted and leaves it alone', async () => {
    await h.lattice.send(
      new CreateServiceCommand({
        name: 'shop-apps',
        tags: { 'application-networking.k8s.aws/ManagedBy': '999999999999/other/vpc-0aaaaaaaaaaaaaaaa' },
      }),
    );
    h.cluster.apply(httpRoute('apps', 'shop', THREE_RULES));
    await h.driver.runUntil(() => parentConditions(h, 'apps', 'shop').Accepted === 'False/Conflicted');
    const state = await h.admin.state();
    expect(state.services).toHaveLength(1);
    expect(state.listeners).toHaveLength(0);
    // allow-takeover-from hands it over.
    h.cluster.apply(
      httpRoute('apps', 'shop', THREE_RULES, {
        'application-networking.k8s.aws/allow-takeover-from': '999999999999/other/vpc-0aaaaaaaaaaaaaaaa',
      }),
    );
    await converge();
    expect((await h.admin.state()).services[0]?.tags).toMatchObject({ 'application-networking.k8s.aws/ManagedBy': h.identity.managedBy });
  });

  it('drops its Programmed condition when the route stops being accepted: every condition of ours is of this generation', async () => {
    h.cluster.apply(httpRoute('apps', 'shop', THREE_RULES));
    await converge();
    // Not one rule of the new generation can be programmed: not accepted, so not programmed either.
    const regex = { matches: [{ path: { type: 'RegularExpression', value: '/a.*' } }], backendRefs: [{ name: 'web', port: 80 }] };
    h.cluster.apply(httpRoute('apps', 'shop', { ...THREE_RULES, rules: [regex] }));
    await h.driver.runUntil(() => parentConditions(h, 'apps', 'shop').Accepted === 'False/UnsupportedValue');
    // Nothing of the route stays in Lattice once its last target group is drained and deleted.
    await h.driver.runUntil(
      () => !h.cluster.mustGet(routeRef('apps', 'shop')).metadata.annotations?.['application-networking.k8s.aws/lattice-target-group-arns'],
    );
    const route = h.cluster.mustGet(routeRef('apps', 'shop'));
    const [ours] = statusOf(route).parents as { conditions: { type: string; observedGeneration: number }[] }[];
    expect(ours?.conditions.map((c) => c.type)).toEqual(['Accepted', 'ResolvedRefs']);
    expect(ours?.conditions.map((c) => c.observedGeneration)).toEqual([route.metadata.generation, route.metadata.generation]);
    expect(counts(await h.admin.state())).toMatchObject({ services: 0, targetGroups: 0 });
  });

  it('cleans Lattice up when the route leaves our Gateways, and writes no status for foreign parents', async () => {
    h.cluster.apply(gatewayClass('envoy', 'gateway.envoyproxy.io/gatewayclass-controller'));
    h.cluster.apply(gateway('infra', 'eg', 'envoy'));
    h.cluster.apply(httpRoute('apps', 'shop', THREE_RULES));
    await converge();
    const tgArn = (await h.admin.state()).targetGroups[0]?.arn as string;
    h.cluster.apply(httpRoute('apps', 'shop', { ...THREE_RULES, parentRefs: [{ name: 'eg', namespace: 'infra' }] }));
    await h.driver.runUntil(() => (h.cluster.mustGet(routeRef('apps', 'shop')).metadata.finalizers ?? []).length === 0);
    const state = await h.admin.state();
    expect(counts(state)).toMatchObject({ services: 0, targetGroups: 0, listeners: 0 });
    await expect(h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: tgArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(statusOf(h.cluster.get(routeRef('apps', 'shop'))).parents ?? []).toEqual([]);
  });
});
