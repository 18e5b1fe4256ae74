import { ORPHAN_SWEEP_REQUEST_ANNOTATION } from '../../src/controllers/orphans';
import { GW } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { endpointSlice, httpRoute, service } from '../support/routeFixtures';

const ROUTE = { group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' };
const CLASS = { group: GW, kind: 'GatewayClass', name: 'amazon-vpc-lattice' };
const SPEC = { parentRefs: [{ name: 'edge', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'api', port: 80 }] }] };

/**
 * A pass that creates target groups and then ends in a retry (429: the hook answers nothing, so
 * nothing is recorded on the route) must not leak them when the route is deleted before its next
 * successful pass: teardown finds them by name and tags.
 */
describe('target groups of an interrupted pass', () => {
  let h: Harness;

  async function setUp(env: Record<string, string> = {}): Promise<void> {
    h = await startHarness({ env: { DRIFT_CHECK_SECONDS: '0', ...env } });
    installGatewayApi(h.cluster);
    await sharedNetworkGateway(h, 'infra', 'edge');
    h.cluster.apply(service('apps', 'api'));
    h.cluster.apply(service('apps', 'web'));
    h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1']));
    h.cluster.apply(endpointSlice('apps', 'web', ['10.0.2.1']));
  }
  beforeEach(async () => setUp());
  afterEach(async () => h.close());

  const routeSyncs = () => h.driver.calls.filter((c) => c.hook === 'sync' && c.object.includes('apps/shop'));
  const lastSyncFailed = () => routeSyncs().at(-1)?.statusCode === 429;

  async function deleteAndExpectNothingLeft(others: unknown[] = []): Promise<void> {
    await h.admin.request('DELETE', 'faults');
    h.cluster.delete(ROUTE);
    await h.driver.runUntil(() => h.cluster.get(ROUTE) === undefined);
    const state = await h.admin.state();
    expect(state.targetGroups.map((g) => g.name)).toEqual(others);
    expect(state.services.map((s) => s.name)).toEqual(others.length > 0 ? ['shop-other'] : []);
  }

  it('removes the groups of a first pass that failed before the service existed, and only those', async () => {
    // Another route named shop: its groups share the name prefix, not the tags.
    h.cluster.apply(service('other', 'api'));
    h.cluster.apply(endpointSlice('other', 'api', ['10.0.3.1']));
    h.cluster.apply(httpRoute('other', 'shop', { ...SPEC, rules: [{ backendRefs: [{ name: 'api', namespace: 'other', port: 80 }] }] }));
    await h.driver.runUntilStable();
    const others = (await h.admin.state()).targetGroups.map((g) => g.name);
    expect(others).toEqual([expect.stringMatching(/^k8s-shop-other-api-80-/)]);

    // Every attempt of CreateService fails, SDK retries included: the pass ends in 429.
    await h.admin.addFault({ operation: 'CreateService', error: 'ThrottlingException', times: 1000 });
    h.cluster.apply(httpRoute('apps', 'shop', SPEC));
    await h.driver.runUntil(lastSyncFailed);
    expect(h.cluster.mustGet(ROUTE).metadata.annotations ?? {}).toEqual({});
    expect((await h.admin.state()).targetGroups).toHaveLength(2);
    await deleteAndExpectNothingLeft(others);
  });

  it('removes a group a later pass created and could not record, on a programmed route', async () => {
    h.cluster.apply(httpRoute('apps', 'shop', SPEC));
    await h.driver.runUntil(
      () => (h.cluster.mustGet(ROUTE).metadata.annotations ?? {})['application-networking.k8s.aws/lattice-target-group-arns'] !== undefined,
    );
    await h.driver.runUntilStable();
    // A second backend: its group is created, but every answer to CreateTargetGroup is lost (SDK retries included).
    await h.admin.addFault({ operation: 'CreateTargetGroup', error: 'InternalServerException', commit: true, times: 1000 });
    h.cluster.apply(
      httpRoute('apps', 'shop', {
        ...SPEC,
        rules: [
          {
            backendRefs: [
              { name: 'api', port: 80 },
              { name: 'web', port: 80 },
            ],
          },
        ],
      }),
    );
    await h.driver.runUntil(lastSyncFailed);
    const recorded = h.cluster.mustGet(ROUTE).metadata.annotations?.['application-networking.k8s.aws/lattice-target-group-arns'] ?? '';
    const groups = (await h.admin.state()).targetGroups;
    expect(groups).toHaveLength(2);
    expect(groups.filter((g) => !recorded.includes(g.arn as string))).toHaveLength(1);
    await deleteAndExpectNothingLeft();
  });

  it('leaves a group the lagging tagging index did not show to the orphan collector, which removes it', async () => {
    await h.close();
    await setUp({ ORPHAN_GRACE_SECONDS: '0' });
    // AWS's index shows a new resource seconds later; here, not within the test.
    await h.admin.config({ taggingLagMs: 3_600_000 });
    await h.admin.addFault({ operation: 'CreateService', error: 'ThrottlingException', times: 1000 });
    h.cluster.apply(httpRoute('apps', 'shop', SPEC));
    await h.driver.runUntil(lastSyncFailed);
    await h.admin.request('DELETE', 'faults');
    h.cluster.delete(ROUTE);
    await h.driver.runUntil(() => h.cluster.get(ROUTE) === undefined);
    // The search asked the index, which did not know the group yet: the route went, its group stayed.
    expect((await h.admin.calls()).byOperation.GetResources).toBeGreaterThanOrEqual(1);
    expect((await h.admin.state()).targetGroups.map((g) => g.name)).toEqual([expect.stringMatching(/^k8s-shop-apps-api-80-/)]);

    // The next sweep of the orphan collector (asked for now, as `kubectl annotate` does) lists Lattice itself.
    const sweeps = () => h.logs.filter((l) => l.event === 'orphan-sweep' && l.msg === 'orphan sweep complete').length;
    const before = sweeps();
    const gatewayClass = h.cluster.mustGet(CLASS);
    h.cluster.update({
      ...gatewayClass,
      metadata: {
        ...gatewayClass.metadata,
        annotations: { ...gatewayClass.metadata.annotations, [ORPHAN_SWEEP_REQUEST_ANNOTATION]: 'now' },
      },
    });
    await h.driver.runUntil(() => sweeps() > before, { timeoutMs: 60_000 });
    await h.driver.runUntilStable();
    expect((await h.admin.state()).targetGroups).toEqual([]);
  }, 120_000);
});
