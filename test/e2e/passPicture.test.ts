import { DeleteRuleCommand, DeleteServiceCommand, ListListenersCommand, ListRulesCommand } from '@aws-sdk/client-vpc-lattice';
import { SERVICE_ARN_ANNOTATION, VERIFIED_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import type { KubeObject } from '../../src/metacontroller/types';
import { GW } from '../support/assertions';
import type { Harness } from '../support/harness';
import { routeProgrammed, routeWorld } from '../support/routeWorld';
import { scaledDelays, startHookService } from '../../tools/hookService';
import { counts, endpointSlice, httpRoute, service } from '../support/routeFixtures';

/**
 * Creating a route takes several passes: Lattice keeps the new service and target groups, then
 * the association, CREATE_IN_PROGRESS for a while. Only the first pass observes Lattice in full;
 * the passes after it start from its picture and read only what was in transition (driver +
 * emulator, the real SDK).
 */

const routeRef = { group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' };
const RULES = [
  { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'api', port: 80 }] },
  { backendRefs: [{ name: 'web', port: 80 }] },
];
const SPEC = { parentRefs: [{ name: 'edge', namespace: 'infra' }], rules: RULES };

/** The route in Lattice: `/api` as two rules (exact and prefix), the rest as one, and the listener's default rule. */
const COMPLETE = { services: 1, listeners: 1, rules: 4, targetGroups: 2 };

/**
 * What reads a full observation of a route makes and a refresh of its picture does not. No GetRule:
 * the rules this process created are listed unchanged since, so their create answers stand.
 */
const FULL_OBSERVATION = ['ListListeners', 'ListRules', 'GetRule', 'ListTargets', 'ListTagsForResource'];

const programmed = (h: Harness) => routeProgrammed(h, 'shop');

async function world(env: Record<string, string> = {}, options: { transitionMs?: number; now?: () => Date } = {}): Promise<Harness> {
  // Lattice keeps what it creates CREATE_IN_PROGRESS for 300 ms: several passes (50 ms apart) find it still coming.
  const h = await routeWorld({ transitionMs: 300, env, ...options });
  await h.driver.runUntilStable({ timeoutMs: 30_000 });
  return h;
}

/**
 * Applies `route`, lets `afterCreates` run once the pass that created its service answered, and
 * runs until it is Programmed; returns the AWS calls made after that first pass.
 */
async function callsAfterFirstPass(h: Harness, route: KubeObject, afterCreates?: () => Promise<void>): Promise<Record<string, number>> {
  let created = false;
  h.driver.afterEachCall = async () => {
    if (created) return;
    created = h.logs.some((l) => l.msg === 'route programmed' && (l.ops as string[] | undefined)?.includes('createService'));
    if (!created) return;
    await h.admin.resetCalls();
    await afterCreates?.();
  };
  h.cluster.apply(route);
  await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
  h.driver.afterEachCall = undefined;
  expect(created).toBe(true);
  return (await h.admin.calls()).byOperation;
}

/**
 * A world whose hook server's clock jumps 20 minutes ahead on `later()`, as a route's next pass
 * comes in a fleet waiting on the API rate; Lattice (the emulator) keeps real time.
 */
async function slowFleetWorld(transitionMs: number): Promise<{ h: Harness; later: () => void }> {
  let skewMs = 0;
  const h = await world({ DRIFT_CHECK_SECONDS: '86400' }, { transitionMs, now: () => new Date(Date.now() + skewMs) });
  return { h, later: () => (skewMs = 20 * 60_000) };
}

async function metricLines(h: Harness, name: string): Promise<string[]> {
  const text = await (await fetch(`${h.server.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('passes after the first of a new route', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('read only what is in transition, and the route ends Programmed, verified and complete in Lattice', async () => {
    h = await world();
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC));
    // One full observation, by the pass that found nothing left to do (it records the route verified).
    expect(FULL_OBSERVATION.map((operation) => calls[operation])).toEqual([1, 1, undefined, 2, 1]);
    expect(Object.keys(calls).sort()).toEqual([
      'CreateServiceNetworkServiceAssociation',
      'GetService',
      'GetTargetGroup',
      'ListListeners',
      'ListRules',
      'ListServiceNetworkServiceAssociations',
      'ListTagsForResource',
      'ListTargets',
      'RegisterTargets',
    ]);
    // Several passes found the service still being created: one read each, not an observation.
    expect(calls.GetService).toBeGreaterThanOrEqual(3);
    expect(h.cluster.mustGet(routeRef).metadata.annotations?.[VERIFIED_ANNOTATION]).toBeDefined();
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
    const pictured = (await metricLines(h, 'lattice_gw_syncs_from_records_total')).find((l) => l.includes('record="picture"'));
    expect(pictured).toMatch(/ [1-9]\d*$/);

    // Verified as after a full observation: the next Gateway change costs nothing.
    await h.admin.resetCalls();
    const gateway = h.cluster.mustGet({ group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' });
    h.cluster.apply({ ...gateway, metadata: { ...gateway.metadata, labels: { ...gateway.metadata.labels, team: 'edge' } } });
    await h.driver.runUntilStable();
    expect((await h.admin.calls()).total).toBe(0);
  }, 60_000);

  it('start from the picture also when they come many minutes later, as in a fleet waiting on the API rate', async () => {
    // Lattice is ACTIVE before the next pass (20 ms): the pass after the creates registers the
    // targets and associates, the one after it finds nothing left and observes in full.
    const slow = await slowFleetWorld(20);
    h = slow.h;
    // The route's next pass comes 20 minutes after the full observation of its first.
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC), async () => slow.later());
    expect(FULL_OBSERVATION.map((operation) => calls[operation])).toEqual([1, 1, undefined, 2, 1]);
    expect(calls.RegisterTargets).toBe(2);
    // Created more than a minute before, the service and groups are taken as ACTIVE: only the full
    // observation reads them.
    expect([calls.GetService, calls.GetTargetGroup]).toEqual([1, 2]);
    // The associations are listed twice: to check the one created, and by the refresh that finds it
    // ACTIVE, whose list the full observation of the same pass uses.
    expect(calls.ListServiceNetworkServiceAssociations).toBe(2);
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
  }, 60_000);

  it('wait, without a failed hook, when what a picture took as created is still being created', async () => {
    // Lattice takes 2 s to create, but the next pass comes "20 minutes" later.
    const slow = await slowFleetWorld(2000);
    h = slow.h;
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC), async () => slow.later());
    expect(h.driver.calls.filter((c) => c.statusCode >= 500)).toEqual([]);
    // Lattice refused the targets while the groups were being created; a full observation followed.
    expect((await h.admin.calls()).errors?.ConflictException).toBeGreaterThanOrEqual(1);
    expect(calls.RegisterTargets).toBeGreaterThan(2);
    expect(calls.ListRules).toBeGreaterThanOrEqual(1);
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
  }, 60_000);

  it('wait, without a failed hook, when the service a picture took as created was deleted by hand', async () => {
    const slow = await slowFleetWorld(20);
    h = slow.h;
    const first = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC), async () => {
      const serviceArn = h.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
      await new Promise((resolve) => setTimeout(resolve, 50));
      await h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: serviceArn }));
      slow.later();
    });
    expect(h.driver.calls.filter((c) => c.statusCode >= 500)).toEqual([]);
    // The association found the service gone; a full observation created it again (its token
    // answered the deleted one first, known dead: made again at once under the token naming it).
    expect((await h.admin.calls()).errors?.ResourceNotFoundException).toBeGreaterThanOrEqual(1);
    expect(first.CreateService).toBe(2);
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
  }, 60_000);

  it('observe Lattice in full when a pictured resource is found gone', async () => {
    h = await world();
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC), () =>
      h.admin.addFault({ operation: 'GetService', error: 'ResourceNotFoundException', times: 1 }).then(() => undefined),
    );
    expect(calls.ListRules).toBeGreaterThanOrEqual(1);
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
  }, 60_000);

  it('observe Lattice in full when the route changed since the last pass', async () => {
    h = await world();
    const changed = httpRoute('apps', 'shop', {
      ...SPEC,
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'api', port: 80 }] }, ...RULES],
    });
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC), async () => {
      h.cluster.apply(changed);
    });
    expect(calls.ListRules).toBeGreaterThanOrEqual(1);
    // Its two rules in front of the two before (each prefix is two Lattice rules), and the listener's default.
    expect(counts(await h.admin.state())).toMatchObject({ ...COMPLETE, rules: 6 });
  }, 60_000);

  it('observe Lattice in full before the route is verified: a pass on another replica may have changed it since the picture', async () => {
    h = await world();
    const other = await startHookService({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...scaledDelays(0.01) }, h.emulator.endpoint);
    try {
      const apiTargets = async () =>
        ((await h.admin.state()).targetGroups as { name?: string; targets?: { id: string }[] }[])
          .filter((g) => g.name?.includes('api'))
          .flatMap((g) => g.targets ?? [])
          .map((t) => t.id)
          .sort();
      // This server's passes create the route; its picture holds both targets of `api`.
      const associating = () =>
        h.logs.some((l) => l.msg === 'route programmed' && (l.ops as string[] | undefined)?.includes('createAssociation'));
      h.cluster.apply(httpRoute('apps', 'shop', SPEC));
      await h.driver.runUntil(associating, { timeoutMs: 30_000 });
      // While the association is being created, one endpoint goes and the other replica's pass deregisters it…
      h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1']));
      h.driver.switchServer(other.server.url);
      let deregistered = false;
      h.driver.afterEachCall = async () => {
        deregistered ||= (await apiTargets()).length === 1;
      };
      await h.driver.runUntil(() => deregistered, { timeoutMs: 30_000 });
      // …then it comes back, and the syncs are this server's again: the route's inputs are as in its picture.
      h.driver.afterEachCall = undefined;
      h.driver.switchServer(h.server.url);
      h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1', '10.0.1.2']));
      await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
      await h.driver.runUntilStable();
      expect(await apiTargets()).toEqual(['10.0.1.1', '10.0.1.2']);
    } finally {
      h.driver.switchServer(h.server.url);
      await other.close();
    }
  }, 60_000);

  it('observe Lattice in full when converging passes are not kept (PENDING_RECHECK_MS=0)', async () => {
    h = await world({ PENDING_RECHECK_MS: '0' });
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC));
    expect(calls.ListRules).toBeGreaterThanOrEqual(1);
    expect(calls.ListTargets).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

describe('passes of a changed route that start from a picture', () => {
  let h: Harness;
  afterEach(async () => h.close());

  /** The names of the route's rules in Lattice (the listener's default rule left out). */
  async function ruleNames(serviceArn: string): Promise<string[]> {
    const [listener] = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: serviceArn }))).items ?? [];
    const rules =
      (await h.lattice.send(new ListRulesCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listener?.id }))).items ?? [];
    return rules
      .filter((r) => !r.isDefault)
      .map((r) => r.name ?? '')
      .sort();
  }

  /**
   * Converges the route, applies `changed`, and deletes its `/api` rules by hand once the pass
   * that created the new backend's target group answered (the next passes start from that
   * pass's picture, which still holds them); returns the ops of every pass after the delete.
   */
  async function changeAndDeleteApiRules(changed: KubeObject): Promise<{ serviceArn: string; before: string[]; ops: string[][] }> {
    h = await routeWorld({ transitionMs: 300, env: { DRIFT_CHECK_SECONDS: '86400' } });
    h.cluster.apply(service('apps', 'extra'));
    h.cluster.apply(endpointSlice('apps', 'extra', ['10.0.3.1']));
    h.cluster.apply(httpRoute('apps', 'shop', SPEC));
    await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
    await h.driver.runUntilStable();
    const serviceArn = h.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
    const before = await ruleNames(serviceArn);
    const start = h.logs.length;
    let deletedAt: number | undefined;
    h.driver.afterEachCall = async () => {
      if (deletedAt !== undefined) return;
      const passes = h.logs.slice(start).filter((l) => l.msg === 'route programmed');
      if (!passes.some((l) => (l.ops as string[]).includes('createTargetGroup'))) return;
      const [listener] = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: serviceArn }))).items ?? [];
      const rules =
        (await h.lattice.send(new ListRulesCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listener?.id }))).items ?? [];
      // The two /api rules (exact and prefix) come first.
      for (const rule of rules.filter((r) => !r.isDefault && (r.priority ?? 99) < 3))
        await h.lattice.send(
          new DeleteRuleCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listener?.id, ruleIdentifier: rule.id }),
        );
      deletedAt = h.logs.length;
    };
    h.cluster.apply(changed);
    await h.driver.runUntil(() => deletedAt !== undefined, { timeoutMs: 30_000 });
    h.driver.afterEachCall = undefined;
    await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
    await h.driver.runUntilStable();
    const ops = h.logs
      .slice(deletedAt)
      .filter((l) => l.msg === 'route programmed')
      .map((l) => l.ops as string[]);
    return { serviceArn, before, ops };
  }

  it('report the route Programmed and verified only after a full observation: a rule deleted meanwhile is put back first', async () => {
    // The catch-all rule gets a second backend: a target group, its targets, then the rule's new action.
    const changed = httpRoute('apps', 'shop', {
      ...SPEC,
      rules: [
        RULES[0],
        {
          backendRefs: [
            { name: 'web', port: 80 },
            { name: 'extra', port: 80 },
          ],
        },
      ],
    });
    const { serviceArn, before } = await changeAndDeleteApiRules(changed);
    expect(await ruleNames(serviceArn)).toEqual(before);
    expect(h.cluster.mustGet(routeRef).metadata.annotations?.[VERIFIED_ANNOTATION]).toBeDefined();
  }, 60_000);

  it('update or delete only from a full observation: the pass that updates the rules also puts back the deleted ones', async () => {
    // The catch-all rule moves to another backend: its rule is updated and the old group retired.
    const changed = httpRoute('apps', 'shop', { ...SPEC, rules: [RULES[0], { backendRefs: [{ name: 'extra', port: 80 }] }] });
    const { serviceArn, before, ops } = await changeAndDeleteApiRules(changed);
    const updating = ops.find((o) => o.includes('updateRules'));
    expect(updating).toEqual(expect.arrayContaining(['createRule', 'updateRules']));
    expect(await ruleNames(serviceArn)).toEqual(before);
  }, 60_000);
});
