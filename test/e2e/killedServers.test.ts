import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { KubeObject } from '../../src/metacontroller/types';
import { FakeCluster } from '../../tools/metacontroller/cluster';
import { MetacontrollerDriver } from '../../tools/metacontroller/driver';
import { refOf } from '../../tools/metacontroller/refs';
import { childServerEnv, startChildServer, type ChildServer } from '../support/childServer';
import { AdminApi } from '../../tools/emulatorAdmin';
import { allConverged, allDeleted, duplicates, fleetObjects, held, heldByConvergedFleet } from '../support/fleet';
import { installGatewayApi, MANIFESTS_DIR } from '../support/harness';
import { between, seededRandom } from '../support/random';

/**
 * The hook server as Kubernetes runs it, a process of the built CLI (`serve --backend aws`, the
 * SDK pointed at the emulator), killed or replaced while Metacontroller keeps calling it.
 */

const ROUTES = 16;
const KILLS_PER_PHASE = 3;
const SEED = 20261205;

const SERVER_ENV = {
  // Local and unthrottled: the budget is not what is under test here.
  LATTICE_API_RPS: '1000',
  LATTICE_API_BURST: '1000',
  // Every sync observes Lattice, so a pass cut short is always looked at again.
  DRIFT_CHECK_SECONDS: '0',
};

interface World {
  emulator: RunningEmulator;
  admin: AdminApi;
  cluster: FakeCluster;
  driver: MetacontrollerDriver;
  objects: KubeObject[];
  servers: ChildServer[];
  start(env?: Record<string, string>): Promise<ChildServer>;
}

async function startWorld(first: Record<string, string> = {}): Promise<World> {
  const emulator = await startEmulator({ port: 0, transitionMs: 20 });
  const servers: ChildServer[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const server = await startChildServer(childServerEnv(emulator.endpoint, { ...SERVER_ENV, ...env }));
    servers.push(server);
    return server;
  };
  const server = await start(first);
  const cluster = new FakeCluster();
  installGatewayApi(cluster);
  const driver = new MetacontrollerDriver({ cluster, baseUrl: server.url, manifestsDir: MANIFESTS_DIR, timeScale: 0.01 });
  return { emulator, admin: new AdminApi(emulator.endpoint), cluster, driver, objects: fleetObjects(ROUTES), servers, start };
}

async function closeWorld(world: World | undefined): Promise<void> {
  if (!world) return;
  world.driver.afterEachCall = undefined;
  await world.driver.close();
  for (const server of world.servers) server.kill('SIGKILL');
  await Promise.all(world.servers.map((s) => s.exited));
  await world.emulator.close();
}

/** The fleet converged: every route Accepted and Programmed, and Lattice holds exactly one of each resource. */
async function expectConverged(world: World): Promise<void> {
  expect(allConverged(world.cluster, world.objects)).toBe(true);
  const state = await world.admin.state();
  expect(duplicates(state)).toEqual([]);
  expect(held(state)).toEqual(heldByConvergedFleet(ROUTES));
  const groups = state.targetGroups as { targets?: unknown[] }[];
  expect(groups.every((g) => g.targets?.length === 2)).toBe(true);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deleteAll(world: World): void {
  for (const object of [...world.objects].reverse()) world.cluster.delete(refOf(object));
}

describe('killed hook servers (SIGKILL at seeded moments, restarted each time)', () => {
  let world: World | undefined;
  afterEach(async () => {
    await closeWorld(world);
    world = undefined;
  });

  it('converge a fleet, then delete it, with no duplicate and nothing left behind', async () => {
    const w = (world = await startWorld());
    const random = seededRandom(SEED);
    let current = w.servers[0] as ChildServer;
    let replacements: ChildServer[] = [];
    let kills = 0;
    let killsWanted = 0;
    let nextKillAt = Number.POSITIVE_INFINITY;
    let restarting: Promise<void> = Promise.resolve();
    // The replacements of a phase are started ahead (a Node.js start takes seconds on a busy
    // machine, longer than the fleet takes to converge); what is under test is the outage, seeded
    // from 0 to 300 ms, and the hooks the kills cut short.
    const arm = async (count: number) => {
      replacements = await Promise.all(Array.from({ length: count }, () => w.start()));
      killsWanted += count;
      nextKillAt = w.driver.calls.length + between(random, 3, 25);
    };
    // After the seeded number of hook calls, the next call is cut a few milliseconds in: the server
    // dies with that hook's AWS calls made, in flight, or not yet sent. The driver then follows the
    // replacement on its new port; calls in between fail to connect, as they would.
    w.driver.afterEachCall = async () => {
      if (kills >= killsWanted || w.driver.calls.length < nextKillAt) return;
      kills += 1;
      nextKillAt = Number.POSITIVE_INFINITY;
      const victim = current;
      const replacement = replacements.shift() as ChildServer;
      const delayMs = between(random, 0, 15);
      const outageMs = between(random, 0, 300);
      const gap = between(random, 3, 25);
      restarting = sleep(delayMs).then(async () => {
        victim.kill('SIGKILL');
        await victim.exited;
        await sleep(outageMs);
        current = replacement;
        w.driver.switchServer(current.url);
        nextKillAt = w.driver.calls.length + gap;
      });
    };
    // Runs until every kill of the phase happened and `done` holds; when the fleet gets there first,
    // the periodic resyncs Metacontroller would make keep the hooks (and the kills) coming.
    const runThroughKills = async (done: () => boolean) => {
      const deadline = Date.now() + 50_000;
      for (;;) {
        await w.driver.runUntilStable({ timeoutMs: Math.max(1, deadline - Date.now()) });
        await restarting;
        if (kills === killsWanted && done()) return;
        if (Date.now() > deadline) throw new Error(`${kills} of ${killsWanted} kills, and the fleet did not get there in time`);
        w.driver.resyncAll();
      }
    };

    await arm(KILLS_PER_PHASE);
    for (const object of w.objects) w.cluster.apply(object);
    await runThroughKills(() => allConverged(w.cluster, w.objects));
    await expectConverged(w);
    const failedWhileConverging = w.driver.events.length;

    await arm(KILLS_PER_PHASE);
    deleteAll(w);
    await runThroughKills(() => allDeleted(w.cluster, w.objects));

    expect(held(await w.admin.state())).toEqual({});
    expect(kills).toBe(2 * KILLS_PER_PHASE);
    expect(new Set(w.driver.calls.map((c) => c.server)).size).toBe(2 * KILLS_PER_PHASE + 1);
    // The kills were felt (hooks cut off, connections refused), and they are the only failures:
    // no hook ever answered an error.
    expect(failedWhileConverging).toBeGreaterThan(0);
    expect(w.driver.events.length).toBeGreaterThan(failedWhileConverging);
    expect(w.driver.events.filter((e) => !/http error/.test(e.message))).toEqual([]);
    expect(w.driver.calls.filter((c) => c.statusCode !== 0 && c.statusCode !== 200 && c.statusCode !== 429)).toEqual([]);
  }, 120_000);
});

describe('swapped hook servers (new server up, the driver follows it, the old one drains on SIGTERM)', () => {
  let world: World | undefined;
  afterEach(async () => {
    await closeWorld(world);
    world = undefined;
  });

  /**
   * Waits until a hook is running on `server` (sent there, not answered, and Lattice has seen one
   * of its AWS calls), then sends the next calls to `next` and stops `server` with SIGTERM.
   */
  async function swapMidHook(w: World, server: ChildServer, next: ChildServer, since: { total: number | undefined }): Promise<void> {
    for (;;) {
      await sleep(1);
      const last = w.driver.calls.at(-1);
      const before = since.total;
      if (!last || last.statusCode !== 0 || last.server !== server.url || before === undefined) continue;
      if ((await w.admin.calls()).total <= before) continue;
      if (w.driver.calls.at(-1) !== last || last.statusCode !== 0) continue;
      w.driver.switchServer(next.url);
      server.kill('SIGTERM');
      return;
    }
  }

  it('loses nothing: every hook answers 200 or 429 with Retry-After, and the old server drains and exits 0', async () => {
    const w = (world = await startWorld({ LOG_LEVEL: 'debug' }));
    const random = seededRandom(SEED + 1);
    // Each AWS call takes a little while, so that a hook is in flight when the swap comes.
    await w.admin.config({ latencyMs: 5 });
    const since: { total: number | undefined } = { total: undefined };
    w.driver.afterEachCall = async () => {
      since.total = (await w.admin.calls()).total;
    };

    // The new server is up before the phase starts (a Node.js start takes seconds on a busy
    // machine); the swap comes after a seeded number of hook calls, in the middle of a hook.
    const swap = async (next: ChildServer, afterCalls: number): Promise<ChildServer> => {
      const old = w.servers.at(-2) as ChildServer;
      while (w.driver.calls.length < afterCalls) await sleep(5);
      await swapMidHook(w, old, next, since);
      return old;
    };

    let next = await w.start({ LOG_LEVEL: 'debug' });
    for (const object of w.objects) w.cluster.apply(object);
    const swappedWhileConverging = swap(next, w.driver.calls.length + between(random, 20, 60));
    await w.driver.runUntil(() => allConverged(w.cluster, w.objects), { timeoutMs: 50_000 });
    const first = await swappedWhileConverging;
    await w.driver.runUntilStable({ timeoutMs: 20_000 });
    await expectConverged(w);

    next = await w.start({ LOG_LEVEL: 'debug' });
    deleteAll(w);
    const swappedWhileDeleting = swap(next, w.driver.calls.length + between(random, 10, 40));
    await w.driver.runUntil(() => allDeleted(w.cluster, w.objects), { timeoutMs: 50_000 });
    const second = await swappedWhileDeleting;
    expect(held(await w.admin.state())).toEqual({});

    expect(w.driver.events).toEqual([]);
    expect(w.driver.calls.filter((c) => c.statusCode !== 200 && !(c.statusCode === 429 && c.retryAfter !== undefined))).toEqual([]);
    for (const old of [first, second]) {
      // Exit 0: the shutdown finished within SHUTDOWN_GRACE_MS.
      expect(await old.exited).toEqual({ code: 0, signal: null });
      const messages = old.logs.map((l) => l.msg);
      const shutdown = messages.indexOf('shutting down: finishing in-flight hooks');
      expect(shutdown).toBeGreaterThan(-1);
      // Whether the hook it was running ends before or after the signal lands is a race: the
      // answer arriving either way is what the driver's calls above assert (serve.test.ts checks
      // the drain of a hook held open on purpose).
      const stopped = messages.lastIndexOf('stopped');
      expect(stopped).toBeGreaterThan(shutdown);
      // Nothing was logged after 'stopped' (by the time each line was logged: stdout can deliver a
      // line logged just before it after it), except that hook's own line: its onResponse runs once
      // the answer is out.
      const stoppedAt = String(old.logs[stopped]?.time);
      const after = old.logs.filter((l) => String(l.time) > stoppedAt && l.msg !== 'hook answered').map((l) => l.msg);
      expect(after).toEqual([]);
    }
    const servedBy = new Set(w.driver.calls.map((c) => c.server));
    expect(servedBy.size).toBe(3);
  }, 120_000);
});
