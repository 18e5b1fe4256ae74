import {
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeregisterTargetsCommand,
  ListListenersCommand,
  ListRulesCommand,
} from '@aws-sdk/client-vpc-lattice';
import { ASSIGNED_DOMAIN_ANNOTATION, SERVICE_ARN_ANNOTATION, VERIFIED_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import type { KubeObject } from '../../src/metacontroller/types';
import { conditionsOf, GW, OURS, statusOf } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { ROUTE_SPEC, routeProgrammed, routeWorld, waitFor } from '../support/routeWorld';
import { counts, httpRoute, service, targetsOf } from '../support/routeFixtures';

/**
 * What a change costs as the fleet grows: Metacontroller re-syncs every route of a Gateway when the
 * Gateway's status changes, and each of those syncs must cost no AWS call (the drift check).
 */

const routeRef = (name: string) => ({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name });
const gatewayRef = { group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' };

const programmed = routeProgrammed;

async function fleet(env: Record<string, string> = {}): Promise<Harness> {
  // Lattice resources are ACTIVE at once: the number of polls does not depend on timing.
  return routeWorld({ transitionMs: 0, env });
}

async function addRoutes(h: Harness, names: string[]): Promise<void> {
  for (const name of names) h.cluster.apply(httpRoute('apps', name, ROUTE_SPEC));
  await h.driver.runUntil(() => names.every((n) => programmed(h, n)), { timeoutMs: 120_000 });
  await h.driver.runUntilStable({ timeoutMs: 120_000 });
}

const READ_ONLY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
});

function policy(kind: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: `${OURS}/v1alpha1`, kind, metadata: { namespace: 'infra', name: `edge-${kind.toLowerCase()}` }, spec };
}

/** AWS calls (by operation) and route syncs made while one more route joins a Gateway that carries `n`. */
async function costOfOneMoreRoute(n: number): Promise<{ calls: Record<string, number>; routeSyncs: number }> {
  const h = await fleet();
  try {
    await addRoutes(
      h,
      Array.from({ length: n }, (_, i) => `r${i}`),
    );
    await h.admin.resetCalls();
    const before = h.driver.calls.length;
    await addRoutes(h, ['newcomer']);
    const routeSyncs = h.driver.calls.slice(before).filter((c) => c.controller === 'lattice-httproute' && c.hook === 'sync').length;
    return { calls: (await h.admin.calls()).byOperation, routeSyncs };
  } finally {
    await h.close();
  }
}

describe('fleet scale: AWS calls per change do not grow with the fleet (driver + emulator)', () => {
  it('adding route N+1 costs the same AWS calls at N = 5 and at N = 50, though every route is synced again', async () => {
    const small = await costOfOneMoreRoute(5);
    const large = await costOfOneMoreRoute(50);
    // The Gateway's attachedRoutes changed: Metacontroller re-synced the whole fleet…
    expect(small.routeSyncs).toBeGreaterThan(5);
    expect(large.routeSyncs).toBeGreaterThan(50);
    // …and only the newcomer called AWS.
    expect(large.calls).toEqual(small.calls);
    expect(small.calls.CreateService).toBe(1);
    // The service and each of its two groups are read once, in transition, by the next pass; no full
    // observation follows (the pass that finds nothing left reports from its picture). What a
    // create answered is not read back: the writes built on it check it.
    expect([small.calls.GetService, small.calls.GetTargetGroup]).toEqual([1, 2]);
    expect([small.calls.ListListeners, small.calls.ListTargets]).toEqual([undefined, undefined]);
    // Nor are its rules: listed unchanged since, they are as their creates answered (ContentMemory).
    expect(small.calls.GetRule).toBeUndefined();
    const total = Object.values(large.calls).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(15);
  }, 240_000);

  describe('a converged fleet', () => {
    let h: Harness;
    const names = Array.from({ length: 12 }, (_, i) => `r${i}`);
    afterEach(async () => h.close());

    it('re-syncs every route, the ServiceNetwork and the policies on a Gateway label change with no AWS call and no write back', async () => {
      h = await fleet();
      // Every controller that calls AWS and is re-synced by a Gateway change: the network object, policies on the Gateway and a route.
      h.cluster.apply({ apiVersion: `${OURS}/v1alpha1`, kind: 'ServiceNetwork', metadata: { name: 'edge' }, spec: {} });
      h.cluster.apply(policy('IAMAuthPolicy', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, policy: READ_ONLY }));
      h.cluster.apply(policy('VpcAssociationPolicy', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, associateWithVpc: true }));
      await addRoutes(h, names);
      h.cluster.apply({
        ...policy('IAMAuthPolicy', { targetRef: { group: GW, kind: 'HTTPRoute', name: 'r0' }, policy: READ_ONLY }),
        metadata: { namespace: 'apps', name: 'r0-auth' },
      });
      await h.driver.runUntilStable();
      for (const kind of ['IAMAuthPolicy', 'VpcAssociationPolicy']) {
        expect(conditionsOf(h.cluster, { group: OURS, kind, namespace: 'infra', name: `edge-${kind.toLowerCase()}` })).toMatchObject({
          Accepted: 'True/Accepted',
          Programmed: 'True/Programmed',
        });
      }
      const resynced = [
        'lattice-servicenetwork',
        'lattice-iamauthpolicy',
        'lattice-vpcassociationpolicy',
        'lattice-gateway',
        'lattice-httproute',
      ];
      await h.admin.resetCalls();
      const before = h.driver.calls.length;
      const gateway = h.cluster.mustGet(gatewayRef);
      h.cluster.apply({ ...gateway, metadata: { ...gateway.metadata, labels: { ...gateway.metadata.labels, team: 'edge' } } });
      await h.driver.runUntilStable();
      const calls = h.driver.calls.slice(before);
      const routeSyncs = calls.filter((c) => c.controller === 'lattice-httproute' && c.hook === 'sync');
      expect(new Set(routeSyncs.map((c) => c.object)).size).toBe(names.length);
      expect(resynced.filter((controller) => !calls.some((c) => c.controller === controller))).toEqual([]);
      expect(calls.filter((c) => c.wrote)).toEqual([]);
      expect((await h.admin.calls()).total).toBe(0);
    }, 120_000);

    it("lists the oldest routes' DNS names in the Gateway's addresses, so that a route added later does not change them", async () => {
      h = await fleet();
      // Created one after the other against the order of their names (and of their DNS names).
      const oldestFirst = Array.from({ length: 17 }, (_, i) => `r${String(16 - i).padStart(2, '0')}`);
      for (const name of oldestFirst) {
        h.cluster.apply(httpRoute('apps', name, ROUTE_SPEC));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await h.driver.runUntil(() => oldestFirst.every((n) => programmed(h, n)), { timeoutMs: 120_000 });
      await h.driver.runUntilStable({ timeoutMs: 120_000 });
      const addresses = () => (statusOf(h.cluster.mustGet(gatewayRef)).addresses as { value: string }[]).map((a) => a.value);
      const dnsName = (name: string) => h.cluster.mustGet(routeRef(name)).metadata.annotations?.[ASSIGNED_DOMAIN_ANNOTATION];
      expect(addresses()).toEqual(oldestFirst.slice(0, 16).map(dnsName));
      // The youngest route, whose name (and DNS name) comes first.
      await addRoutes(h, ['a-newcomer']);
      expect(addresses()).toEqual(oldestFirst.slice(0, 16).map(dnsName));
    }, 120_000);

    it("deletes a route of the fleet reading neither its listener nor its rules, and each target group's tags once", async () => {
      h = await fleet();
      await addRoutes(h, names.slice(0, 3));
      await h.admin.resetCalls();
      h.cluster.delete(routeRef('r1'));
      await h.driver.runUntil(() => h.cluster.get(routeRef('r1')) === undefined, { timeoutMs: 60_000 });
      const passes = h.driver.calls.filter((c) => c.controller === 'lattice-httproute' && c.hook === 'finalize').length;
      const calls = (await h.admin.calls()).byOperation;
      // Associations, service, groups (deleted with their targets still registered: the service is gone), gone: one pass each.
      expect(passes).toBe(4);
      expect([calls.ListTargets, calls.DeregisterTargets]).toEqual([undefined, undefined]);
      // The service's tags in each pass until it is deleted (2), each target group's once (2), not in each of their 3 passes.
      expect(calls.ListTagsForResource).toBe(4);
      expect([calls.ListListeners, calls.ListRules, calls.GetRule]).toEqual([undefined, undefined, undefined]);
      // The service is read by each pass until one finds it gone (associations, service, gone), not after.
      expect(calls.GetService).toBe(3);
      expect([calls.DeleteService, calls.DeleteTargetGroup]).toEqual([1, 2]);
      expect(counts(await h.admin.state())).toMatchObject({ services: 2, targetGroups: 4 });
    }, 120_000);

    /** AWS calls (by operation) and finalize passes of deleting `name` from the converged fleet. */
    async function costOfDeleting(name: string): Promise<{ calls: Record<string, number>; passes: number }> {
      await h.admin.resetCalls();
      const before = h.driver.calls.length;
      h.cluster.delete(routeRef(name));
      await h.driver.runUntil(() => h.cluster.get(routeRef(name)) === undefined, { timeoutMs: 60_000 });
      const passes = h.driver.calls.slice(before).filter((c) => c.controller === 'lattice-httproute' && c.hook === 'finalize').length;
      return { calls: (await h.admin.calls()).byOperation, passes };
    }

    it('deletes a route with the same AWS calls whatever the number of target groups in the VPC (tagging API search)', async () => {
      h = await fleet();
      await addRoutes(h, names.slice(0, 3));
      const few = await costOfDeleting('r1');
      // 250 more groups in the cluster's VPC: three more pages of ListTargetGroups for a search that lists them.
      for (let i = 0; i < 250; i += 1) {
        await h.lattice.send(
          new CreateTargetGroupCommand({
            name: `other-${i}`,
            type: 'IP',
            config: { port: 80, protocol: 'HTTP', vpcIdentifier: h.identity.vpcId },
          }),
        );
      }
      const many = await costOfDeleting('r2');
      expect(many).toEqual(few);
      // The search for groups no pass recorded: one GetResources by the route's tags, no list of the VPC's groups.
      expect([few.calls.GetResources, few.calls.ListTargetGroups]).toEqual([1, undefined]);
    }, 180_000);

    it('with DISABLE_TAGGING_SERVICE_API=true the search lists the target groups instead', async () => {
      h = await fleet({ DISABLE_TAGGING_SERVICE_API: 'true' });
      await addRoutes(h, names.slice(0, 2));
      const { calls } = await costOfDeleting('r1');
      expect([calls.GetResources, calls.ListTargetGroups]).toEqual([undefined, 2]);
    }, 120_000);

    it('lists instead, asking the tagging API once, when tag:GetResources is denied; and with the orphan collector off', async () => {
      h = await fleet();
      await addRoutes(h, names.slice(0, 3));
      await h.admin.addFault({ operation: 'GetResources', error: 'AccessDeniedException' });
      const first = await costOfDeleting('r1');
      const second = await costOfDeleting('r2');
      expect([first.calls.GetResources, first.calls.ListTargetGroups]).toEqual([1, 2]);
      expect([second.calls.GetResources, second.calls.ListTargetGroups]).toEqual([undefined, 2]);
      expect(h.logs.filter((l) => String(l.msg).includes('Resource Groups Tagging API failed'))).toHaveLength(1);
      await h.close();

      h = await fleet({ ORPHAN_SWEEP_SECONDS: '0' });
      await addRoutes(h, names.slice(0, 2));
      const { calls } = await costOfDeleting('r1');
      expect([calls.GetResources, calls.ListTargetGroups]).toEqual([undefined, 2]);
    }, 180_000);

    it('with DRIFT_CHECK_SECONDS=0 every re-sync observes Lattice again (today the verification costs reads)', async () => {
      h = await fleet({ DRIFT_CHECK_SECONDS: '0' });
      await addRoutes(h, names.slice(0, 3));
      expect(h.cluster.mustGet(routeRef('r0')).metadata.annotations?.[VERIFIED_ANNOTATION]).toBeUndefined();
      await h.admin.resetCalls();
      const gateway = h.cluster.mustGet(gatewayRef);
      h.cluster.apply({ ...gateway, metadata: { ...gateway.metadata, labels: { ...gateway.metadata.labels, team: 'edge' } } });
      await h.driver.runUntilStable();
      const calls = await h.admin.calls();
      expect(calls.byOperation.GetService).toBeGreaterThanOrEqual(3);
      expect(calls.byOperation.CreateRule).toBeUndefined();
    }, 120_000);

    it('restores a rule deleted and a target deregistered out of band once the drift window ends', async () => {
      // A 2 s window: each route verifies again 1–2 s after its last verification.
      h = await fleet({ DRIFT_CHECK_SECONDS: '2' });
      await addRoutes(h, names.slice(0, 2));
      const serviceArn = h.cluster.mustGet(routeRef('r0')).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
      const [listener] = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: serviceArn }))).items ?? [];
      const rules = await h.lattice.send(new ListRulesCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listener?.id }));
      const victim = rules.items?.find((r) => !r.isDefault);
      await h.lattice.send(
        new DeleteRuleCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listener?.id, ruleIdentifier: victim?.id }),
      );
      const group = (await h.admin.state()).targetGroups.find((g) => String(g.name).includes('-api-'));
      await h.lattice.send(
        new DeregisterTargetsCommand({ targetGroupIdentifier: group?.id as string, targets: [{ id: '10.0.1.1', port: 8080 }] }),
      );
      const before = counts(await h.admin.state());

      // Nothing changed in Kubernetes: the route's own resync (asked for by its verified sync) repairs it.
      await waitFor(
        h,
        async () =>
          (await targetsOf(h.lattice, group?.id as string)).length === 2 &&
          (await ruleCount(h, serviceArn, listener?.id)) === rules.items?.length,
      );
      expect(counts(await h.admin.state())).toEqual({ ...before, rules: (before.rules ?? 0) + 1 });
    }, 120_000);
  });
});

describe('a route still converging: the syncs it gets meanwhile answer from its last pass (driver + emulator)', () => {
  let h: Harness;
  afterEach(async () => h.close());

  /**
   * Lattice keeps the new service CREATE_IN_PROGRESS for 6 s; the driver's delays run at half
   * speed, so "look again in 5 s" is 2.5 s, like the recheck. Returns the AWS calls of the route
   * syncs that a Gateway label change caused while the route waited.
   */
  async function labelChangeWhileConverging(env: Record<string, string>): Promise<{ calls: number; routeSyncs: number }> {
    h = await startHarness({ transitionMs: 6000, timeScale: 0.5, env });
    installGatewayApi(h.cluster);
    await sharedNetworkGateway(h, 'infra', 'edge');
    h.cluster.apply(service('apps', 'api'));
    h.cluster.apply(service('apps', 'web'));
    await h.driver.runUntilStable({ timeoutMs: 30_000 });
    h.cluster.apply(httpRoute('apps', 'slow', ROUTE_SPEC));
    const converging = () => h.cluster.get(routeRef('slow'))?.metadata.annotations?.[SERVICE_ARN_ANNOTATION] !== undefined;
    await h.driver.runUntil(converging, { timeoutMs: 30_000 });
    await h.admin.resetCalls();
    const before = h.driver.calls.length;
    const gateway = h.cluster.mustGet(gatewayRef);
    h.cluster.apply({ ...gateway, metadata: { ...gateway.metadata, labels: { ...gateway.metadata.labels, team: 'edge' } } });
    const routeSyncs = () => h.driver.calls.slice(before).filter((c) => c.controller === 'lattice-httproute' && c.hook === 'sync');
    await h.driver.runUntil(() => routeSyncs().length > 0, { timeoutMs: 30_000, stopWhenStable: false });
    const { total: calls } = await h.admin.calls();
    expect(programmed(h, 'slow')).toBe(false);
    // It converges all the same.
    await h.driver.runUntil(() => programmed(h, 'slow'), { timeoutMs: 60_000 });
    return { calls, routeSyncs: routeSyncs().length };
  }

  it('a Gateway change re-syncs the waiting route with no AWS call; it looks again when its recheck is due', async () => {
    const held = await labelChangeWhileConverging({});
    expect(held.routeSyncs).toBeGreaterThan(0);
    expect(held.calls).toBe(0);
  }, 120_000);

  it('with PENDING_RECHECK_MS=0 each of those syncs looks at Lattice', async () => {
    const looked = await labelChangeWhileConverging({ PENDING_RECHECK_MS: '0' });
    expect(looked.calls).toBeGreaterThan(0);
  }, 120_000);
});

async function ruleCount(h: Harness, serviceArn: string, listenerId: string | undefined): Promise<number> {
  return (await h.lattice.send(new ListRulesCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listenerId }))).items?.length ?? 0;
}
