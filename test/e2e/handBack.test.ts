import { LAST_PASS_ANNOTATION, VERIFIED_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { GW, writeCalls } from '../support/assertions';
import { metric, type Harness } from '../support/harness';
import { routeProgrammed, routeWorld, runFor, ROUTE_SPEC } from '../support/routeWorld';
import { counts, httpRoute } from '../support/routeFixtures';
import { startHookService, type HookService } from '../../tools/hookService';
import { freePorts, replicaEnvs } from '../../tools/freePorts';
import { FORWARDED_BY_HEADER, REPLICA_CONFIG_HEADER, replicaConfigDigest, WAITS_MS_HEADER } from '../../src/server/replicaLink';
import { startRelay } from '../support/relay';

/**
 * Two replicas of the hook server: a route's passes land on either. While a route converges from
 * one replica's pass, the other leaves its syncs to that replica (which goes on from its picture of
 * Lattice) instead of observing Lattice in full, for a bounded time (driver + emulator, the real SDK).
 */

const routeRef = { group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' };
/** What a full observation of a route reads and a pass from a picture does not. */
const FULL_OBSERVATION = ['ListListeners', 'ListRules', 'GetRule', 'ListTargets', 'ListTagsForResource'];
const COMPLETE = { services: 1, listeners: 1, rules: 4, targetGroups: 2 };

const programmed = (h: Harness) => routeProgrammed(h, 'shop');

/** Syncs of `service` counted as `record` in lattice_gw_syncs_from_records_total. */
async function syncsAnswered(service: HookService, record = 'handed-back'): Promise<number> {
  const text = await (await fetch(`${service.server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('lattice_gw_syncs_from_records_total') && l.includes(`record="${record}"`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

const handedBack = (service: HookService) => syncsAnswered(service);

interface TwoReplicas {
  h: Harness;
  other: HookService;
}

/**
 * Applies a route to the world (this server, `h`), and once the pass that created its service
 * answered, sends the syncs to the other replica (started with `otherRecheckMs`); resets the
 * emulator's call counters then. `envs`: REPLICA_* of this server and the other (default: none,
 * each knows only itself).
 */
async function firstPassHereThenOther(
  otherRecheckMs: number,
  [hereEnv, otherEnv]: Record<string, string>[] = [{}, {}],
): Promise<TwoReplicas> {
  // Lattice keeps what it creates CREATE_IN_PROGRESS for 300 ms: the route takes several passes.
  const h = await routeWorld({ transitionMs: 300, env: { ...hereEnv } });
  // Started at once: its port was picked free just before (see freePorts).
  const other = await startHookService(
    { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PENDING_RECHECK_MS: String(otherRecheckMs), ...otherEnv },
    h.emulator.endpoint,
  );
  await h.driver.runUntilStable({ timeoutMs: 30_000 });
  let switched = false;
  h.driver.afterEachCall = async () => {
    if (switched || !h.logs.some((l) => l.msg === 'route programmed' && (l.ops as string[] | undefined)?.includes('createService'))) return;
    switched = true;
    await h.admin.resetCalls();
    h.driver.switchServer(other.server.url);
  };
  h.cluster.apply(httpRoute('apps', 'shop', ROUTE_SPEC));
  await h.driver.runUntil(() => switched, { timeoutMs: 30_000 });
  h.driver.afterEachCall = undefined;
  return { h, other };
}

/** Lets the driver run for a second, its hook calls sent to `target` with `headers` added. */
async function syncThrough(h: Harness, target: string, headers: Record<string, string>): Promise<void> {
  const relay = await startRelay(target, headers);
  try {
    h.driver.switchServer(relay.url);
    await runFor(h, 1_000);
  } finally {
    await relay.close();
  }
}

describe('two replicas of the hook server', () => {
  let h: Harness;
  let other: HookService;
  afterEach(async () => {
    h.driver.afterEachCall = undefined;
    await other?.close();
    await h.close();
  });

  describe('a route converging from one replica, synced on another', () => {
    it('is left to the replica that wrote: no AWS call there, and that replica reports it Programmed from its picture', async () => {
      // The other replica leaves the route for 12 × 5 s after this server marked it, asking back every second (scaled by the driver).
      ({ h, other } = await firstPassHereThenOther(5000));
      await runFor(h, 300);
      expect(await handedBack(other)).toBeGreaterThan(0);
      // None for the route (the new replica's orphan sweep lists services and target groups).
      const { ListServices: _services, ListTargetGroups: _groups, ...routeCalls } = (await h.admin.calls()).byOperation;
      expect(routeCalls).toEqual({});
      expect(programmed(h)).toBe(false);
      h.driver.switchServer(h.server.url);
      await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
      const calls = (await h.admin.calls()).byOperation;
      expect(FULL_OBSERVATION.filter((operation) => calls[operation] !== undefined)).toEqual([]);
      expect(h.cluster.mustGet(routeRef).metadata.annotations?.[VERIFIED_ANNOTATION]).toBeDefined();
      expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
    }, 60_000);

    it('is taken over after twelve rechecks when the replica that wrote is gone: the other observes in full and programs it', async () => {
      // The other replica leaves the route for 12 × 200 ms after this server marked it; this server gets no sync again.
      ({ h, other } = await firstPassHereThenOther(200));
      const mark = h.cluster.mustGet(routeRef).metadata.annotations?.[LAST_PASS_ANNOTATION];
      await h.driver.runUntil(() => programmed(h), { timeoutMs: 30_000 });
      expect(await handedBack(other)).toBeGreaterThan(0);
      expect((await h.admin.calls()).byOperation.ListListeners).toBeGreaterThan(0);
      expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
      // The route now names the other replica's pass.
      expect(h.cluster.mustGet(routeRef).metadata.annotations?.[LAST_PASS_ANNOTATION]?.split(' ')[0]).not.toBe(mark?.split(' ')[0]);
    }, 60_000);

    it('is not left when its inputs changed since that pass: the other replica acts at once', async () => {
      ({ h, other } = await firstPassHereThenOther(5000));
      const route = h.cluster.mustGet(routeRef);
      // A third backend rule: the route's fingerprint is no longer the one its mark carries.
      const rules = [
        { matches: [{ path: { type: 'PathPrefix', value: '/web' } }], backendRefs: [{ name: 'web', port: 80 }] },
        ...ROUTE_SPEC.rules,
      ];
      h.cluster.apply({ ...route, spec: { ...(route.spec as object), rules } });
      await runFor(h, 300);
      expect(await handedBack(other)).toBe(0);
      expect(writeCalls((await h.admin.calls()).byOperation)).toHaveProperty('CreateRule');
    }, 60_000);
  });

  describe('a route converging from one replica, synced on another that knows the replicas (REPLICA_ADDRESS, REPLICA_PEERS)', () => {
    it('is handed to the replica that wrote, which goes on from its picture: Programmed without a full observation, nothing waited for', async () => {
      ({ h, other } = await firstPassHereThenOther(5000, replicaEnvs(await freePorts(2))));
      expect(h.cluster.mustGet(routeRef).metadata.annotations?.[LAST_PASS_ANNOTATION]).toMatch(/ 127\.0\.0\.1:\d+$/);
      // Every sync goes to the other server; it hands each to this one while the route converges.
      await h.driver.runUntil(() => programmed(h), { timeoutMs: 20_000 });
      expect(await syncsAnswered(other, 'forwarded')).toBeGreaterThan(0);
      expect(await handedBack(other)).toBe(0);
      const calls = (await h.admin.calls()).byOperation;
      expect(FULL_OBSERVATION.filter((operation) => calls[operation] !== undefined)).toEqual([]);
      expect(h.cluster.mustGet(routeRef).metadata.annotations?.[VERIFIED_ANNOTATION]).toBeDefined();
      expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
    }, 60_000);

    it('is declined by a replica it was handed to that holds no picture of it: no AWS call there, and not handed on', async () => {
      ({ h, other } = await firstPassHereThenOther(5000, replicaEnvs(await freePorts(2))));
      // Every sync reaches the other server as if a third replica had handed it over.
      await syncThrough(h, other.server.url, {
        [FORWARDED_BY_HEADER]: '127.0.0.1:9',
        [REPLICA_CONFIG_HEADER]: replicaConfigDigest(other.config),
      });
      const metrics = await (await fetch(`${other.server.url}/metrics`)).text();
      expect(metrics).toMatch(/lattice_gw_hook_requests_total\{controller="httproute",hook="sync",outcome="declined"\} [1-9]/);
      expect(await syncsAnswered(other, 'forwarded')).toBe(0);
      expect(await handedBack(other)).toBe(0);
      const { ListServices: _services, ListTargetGroups: _groups, ...routeCalls } = (await h.admin.calls()).byOperation;
      expect(routeCalls).toEqual({});
    }, 60_000);

    it('is declined when handed over by a replica configured otherwise (a rollout): no AWS call', async () => {
      ({ h, other } = await firstPassHereThenOther(5000, replicaEnvs(await freePorts(2))));
      await syncThrough(h, h.server.url, { [FORWARDED_BY_HEADER]: '127.0.0.1:9', [REPLICA_CONFIG_HEADER]: 'another-config' });
      expect(await metric(h, 'lattice_gw_hook_requests_total{controller="httproute",hook="sync",outcome="declined"}')).toBeGreaterThan(0);
      const { ListServices: _services, ListTargetGroups: _groups, ...routeCalls } = (await h.admin.calls()).byOperation;
      expect(routeCalls).toEqual({});
    }, 60_000);

    it('ends a handed-over pass by what the sender waits for (x-lattice-waits-ms), not by its own deadline', async () => {
      ({ h, other } = await firstPassHereThenOther(5000, replicaEnvs(await freePorts(2))));
      // The syncs reach the replica holding the picture as if handed over by one that waits 1 ms.
      await syncThrough(h, h.server.url, {
        [FORWARDED_BY_HEADER]: '127.0.0.1:9',
        [REPLICA_CONFIG_HEADER]: replicaConfigDigest(h.config),
        [WAITS_MS_HEADER]: '1',
      });
      expect(programmed(h)).toBe(false);
      expect(await metric(h, 'lattice_gw_hook_requests_total{controller="httproute",hook="sync",outcome="retry_later"}')).toBeGreaterThan(
        0,
      );
    }, 60_000);

    it('is made at once by the other when the replica that wrote is gone: no minute waited for it', async () => {
      ({ h, other } = await firstPassHereThenOther(5000, replicaEnvs(await freePorts(2))));
      await h.server.close();
      // Within far less than the hand-back's minute (12 × 5 s, unscaled here).
      await h.driver.runUntil(() => programmed(h), { timeoutMs: 20_000 });
      expect(await handedBack(other)).toBe(0);
      expect(await syncsAnswered(other, 'forwarded')).toBe(0);
      expect((await h.admin.calls()).byOperation.ListListeners).toBeGreaterThan(0);
      expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
    }, 60_000);
  });
});
