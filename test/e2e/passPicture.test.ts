import {
  DeleteRuleCommand,
  DeleteServiceCommand,
  DeleteServiceNetworkServiceAssociationCommand,
  ListListenersCommand,
  ListRulesCommand,
} from '@aws-sdk/client-vpc-lattice';
import { LAST_PASS_ANNOTATION, SERVICE_ARN_ANNOTATION, VERIFIED_ANNOTATION, VERIFY_NOW_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import type { KubeObject } from '../../src/metacontroller/types';
import { GW, writeCalls } from '../support/assertions';
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
    // No full observation after the first pass: the pass that finds nothing left reports the route
    // Programmed from its picture and records it verified.
    expect(FULL_OBSERVATION.map((operation) => calls[operation])).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(Object.keys(calls).sort()).toEqual([
      'CreateServiceNetworkServiceAssociation',
      'GetService',
      'GetTargetGroup',
      'ListServiceNetworkServiceAssociations',
      'RegisterTargets',
    ]);
    // Passes that found the service still being created read it alone, not an observation.
    expect(calls.GetService).toBeGreaterThanOrEqual(1);
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
    // targets and associates, the one after it finds the association ACTIVE and nothing left.
    const slow = await slowFleetWorld(20);
    h = slow.h;
    const firstPassAt = Math.floor(Date.now() / 1000);
    // The route's next pass comes 20 minutes after the full observation of its first.
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC), async () => slow.later());
    expect(FULL_OBSERVATION.map((operation) => calls[operation])).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(calls.RegisterTargets).toBe(2);
    // Created more than a minute before, the service and groups are taken as ACTIVE: the targets
    // registered prove the groups ACTIVE, the association ACTIVE proves the service.
    expect([calls.GetService, calls.GetTargetGroup]).toEqual([undefined, undefined]);
    // The associations are listed once, by the refresh that finds the one created ACTIVE: the service
    // was created earlier in the chain of passes, so the association's create token is new and its
    // answer needs no check.
    expect(calls.ListServiceNetworkServiceAssociations).toBe(1);
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
    // Verified as of the first pass's full observation, not of the pass 20 minutes later: the next
    // full check comes within the drift window of what was last seen in full.
    const [, verifiedAt] = (h.cluster.mustGet(routeRef).metadata.annotations?.[VERIFIED_ANNOTATION] ?? '').split(' ');
    expect(Number(verifiedAt)).toBeGreaterThanOrEqual(firstPassAt);
    expect(Number(verifiedAt)).toBeLessThan(firstPassAt + 60);
  }, 60_000);

  it("observe Lattice in full at the end when the picture is older than the route's drift window", async () => {
    let skewMs = 0;
    // A drift window of 5–10 minutes; the next pass comes 20 minutes after the first's full observation.
    h = await world({ DRIFT_CHECK_SECONDS: '600' }, { transitionMs: 20, now: () => new Date(Date.now() + skewMs) });
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC), async () => {
      skewMs = 20 * 60_000;
    });
    expect(FULL_OBSERVATION.map((operation) => calls[operation])).toEqual([1, 1, undefined, 2, 1]);
    const [, verifiedAt] = (h.cluster.mustGet(routeRef).metadata.annotations?.[VERIFIED_ANNOTATION] ?? '').split(' ');
    expect(Number(verifiedAt)).toBeGreaterThanOrEqual(Math.floor((Date.now() + skewMs) / 1000) - 60);
  }, 60_000);

  it('observe Lattice in full at the end when an input moved since the full observation, even back to what it was', async () => {
    h = await world();
    // The slice is written again (a label only): the route's model, and its fingerprint, stay the
    // same, but a pass elsewhere may have worked from what it held in between.
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC), async () => {
      const slice = endpointSlice('apps', 'api', ['10.0.1.1', '10.0.1.2']);
      h.cluster.apply({ ...slice, metadata: { ...slice.metadata, labels: { ...slice.metadata.labels, touched: 'yes' } } });
    });
    expect(FULL_OBSERVATION.map((operation) => calls[operation])).toEqual([1, 1, undefined, 2, 1]);
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
  }, 60_000);

  it('observe Lattice in full at the end when a target group has no target to prove it created', async () => {
    h = await world();
    h.cluster.apply(endpointSlice('apps', 'web', []));
    await h.driver.runUntilStable();
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC));
    expect(FULL_OBSERVATION.map((operation) => calls[operation])).toEqual([1, 1, undefined, 2, 1]);
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
  }, 60_000);

  it('observe in full when the association a picture holds is gone, and create it again under a new token', async () => {
    h = await world();
    const associations = async () => (await h.admin.state()).serviceNetworkServiceAssociations as { arn: string; status: string }[];
    let deletedBeforeProgrammed: boolean | undefined;
    h.driver.afterEachCall = async () => {
      if (deletedBeforeProgrammed !== undefined) return;
      const [association] = await associations();
      if (association === undefined) return;
      // Deleted by hand (once ACTIVE, as Lattice requires) before the pass that would find it ACTIVE:
      // a create under the same token is answered with this dead one, which only a check finds out.
      while ((await associations())[0]?.status !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 10));
      await h.lattice.send(
        new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: association.arn }),
      );
      deletedBeforeProgrammed = !programmed(h);
    };
    h.cluster.apply(httpRoute('apps', 'shop', SPEC));
    await h.driver.runUntil(() => deletedBeforeProgrammed !== undefined && programmed(h), { timeoutMs: 30_000 });
    h.driver.afterEachCall = undefined;
    await h.driver.runUntilStable();
    expect(deletedBeforeProgrammed).toBe(true);
    expect(h.driver.calls.filter((c) => c.statusCode >= 500)).toEqual([]);
    const live = (await associations()).filter((a) => a.status !== 'DELETE_IN_PROGRESS');
    expect(live.map((a) => a.status)).toEqual(['ACTIVE']);
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

  it('observe Lattice in full when converging passes are not kept (PENDING_RECHECK_MS=0)', async () => {
    h = await world({ PENDING_RECHECK_MS: '0' });
    const calls = await callsAfterFirstPass(h, httpRoute('apps', 'shop', SPEC));
    expect(calls.ListRules).toBeGreaterThanOrEqual(1);
    expect(calls.ListTargets).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

/** The writes a full observation (verify-now) makes: none when Lattice held the route's model. */
async function writesOfFullObservation(h: Harness): Promise<Record<string, number>> {
  await h.admin.resetCalls();
  const route = h.cluster.mustGet(routeRef);
  h.cluster.update({
    ...route,
    metadata: { ...route.metadata, annotations: { ...route.metadata.annotations, [VERIFY_NOW_ANNOTATION]: 'x' } },
  });
  await h.driver.runUntilStable();
  return writeCalls((await h.admin.calls()).byOperation);
}

async function apiTargets(h: Harness): Promise<string[]> {
  return ((await h.admin.state()).targetGroups as { name?: string; targets?: { id: string }[] }[])
    .filter((g) => g.name?.includes('api'))
    .flatMap((g) => g.targets ?? [])
    .map((t) => t.id)
    .sort();
}

/**
 * This server's passes create the route up to its association (its picture holds what they
 * built); then an input changes (`toB`) while the other replica serves the syncs, until it made
 * Lattice follow (`bDone`); then the input changes back (`toA`), the syncs are this server's again,
 * and the route's fingerprint is the one of its picture.
 */
async function changedBackAfterAnotherReplica(
  h: Harness,
  route: KubeObject,
  steps: { toB: () => void | Promise<void>; bDone: () => Promise<boolean>; toA: () => void },
): Promise<void> {
  const other = await startHookService({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...scaledDelays(0.01) }, h.emulator.endpoint);
  try {
    const associating = () =>
      h.logs.some((l) => l.msg === 'route programmed' && (l.ops as string[] | undefined)?.includes('createAssociation'));
    h.cluster.apply(route);
    await h.driver.runUntil(associating, { timeoutMs: 30_000 });
    await steps.toB();
    h.driver.switchServer(other.server.url);
    let done = false;
    h.driver.afterEachCall = async () => {
      done ||= await steps.bDone();
    };
    await h.driver.runUntil(() => done, { timeoutMs: 30_000 });
    h.driver.afterEachCall = undefined;
    h.driver.switchServer(h.server.url);
    steps.toA();
    await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
    await h.driver.runUntilStable();
  } finally {
    h.driver.afterEachCall = undefined;
    h.driver.switchServer(h.server.url);
    await other.close();
  }
}

/**
 * A pass on another replica, from inputs that changed and changed back, may have changed Lattice
 * since the picture was taken (the same fingerprint): the picture's server observes in full before
 * it reports the route Programmed, and Lattice ends holding the route's model (a full observation
 * asked for afterwards finds nothing to write).
 */
describe('passes after a pass of another replica', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('observe in full when an endpoint went and came back: the target the other replica deregistered is registered again', async () => {
    h = await world();
    await changedBackAfterAnotherReplica(h, httpRoute('apps', 'shop', SPEC), {
      toB: () => void h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1'])),
      bDone: async () => (await apiTargets(h)).length === 1,
      toA: () => void h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1', '10.0.1.2'])),
    });
    expect(await apiTargets(h)).toEqual(['10.0.1.1', '10.0.1.2']);
    expect(await writesOfFullObservation(h)).toEqual({});
  }, 60_000);

  it('observe in full when an EndpointSlice came and went: the related objects are as before, their targets are not', async () => {
    h = await world();
    const extra = endpointSlice('apps', 'api', ['10.0.1.3']);
    extra.metadata = { ...extra.metadata, name: 'api-extra' };
    await changedBackAfterAnotherReplica(h, httpRoute('apps', 'shop', SPEC), {
      toB: () => void h.cluster.apply(extra),
      bDone: async () => (await apiTargets(h)).length === 3,
      toA: () => h.cluster.delete({ group: 'discovery.k8s.io', kind: 'EndpointSlice', namespace: 'apps', name: 'api-extra' }),
    });
    expect(programmed(h)).toBe(true);
    expect(await writesOfFullObservation(h)).toEqual({});
  }, 60_000);

  it('observe in full when a route annotation was set and removed: the rule order the other replica changed is put back', async () => {
    h = await world();
    const plain = httpRoute('apps', 'shop', SPEC);
    const catchAllFirst = {
      ...plain,
      metadata: { ...plain.metadata, annotations: { 'application-networking.k8s.aws/rule-1-priority': '0' } },
    };
    await changedBackAfterAnotherReplica(h, plain, {
      toB: async () => {
        await h.admin.resetCalls();
        h.cluster.apply(catchAllFirst);
      },
      bDone: async () => ((await h.admin.calls()).byOperation.BatchUpdateRule ?? 0) > 0,
      toA: () => void h.cluster.apply(plain),
    });
    expect(programmed(h)).toBe(true);
    expect(await writesOfFullObservation(h)).toEqual({});
  }, 60_000);

  it('leave a mark of the process whose pass last wrote to Lattice; a pass that only reads, or a skipped sync, leaves it', async () => {
    h = await world();
    h.cluster.apply(httpRoute('apps', 'shop', SPEC));
    await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
    await h.driver.runUntilStable();
    const mark = () => h.cluster.mustGet(routeRef).metadata.annotations?.[LAST_PASS_ANNOTATION];
    const ours = mark();
    expect(ours).toMatch(/^[0-9a-f-]{36} [0-9a-f]{32} \d{10}$/);
    // A Gateway label change skips Lattice: the mark stays as it is.
    const gateway = h.cluster.mustGet({ group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' });
    h.cluster.apply({ ...gateway, metadata: { ...gateway.metadata, labels: { ...gateway.metadata.labels, team: 'edge' } } });
    await h.driver.runUntilStable();
    expect(mark()).toBe(ours);
    const other = await startHookService({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...scaledDelays(0.01) }, h.emulator.endpoint);
    try {
      h.driver.switchServer(other.server.url);
      // The other replica observes in full and finds nothing to write: the mark stays.
      expect(await writesOfFullObservation(h)).toEqual({});
      expect(mark()).toBe(ours);
      // It writes (a target gone): the mark is its own.
      await h.admin.resetCalls();
      h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1']));
      await h.driver.runUntilStable();
      expect((await h.admin.calls()).byOperation.DeregisterTargets).toBe(1);
      expect(mark()).toMatch(/^[0-9a-f-]{36} [0-9a-f]{32} \d{10}$/);
      expect(mark()).not.toBe(ours);
    } finally {
      h.driver.switchServer(h.server.url);
      await other.close();
    }
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
