import { PROGRAMMED_CONDITION } from '../src/gatewayapi/ourKeys';
import type { KubeObject } from '../src/metacontroller/types';
import { startEnvironment, type DemoEnvironment } from '../demo/environment';
import { countsOf, isEmpty, type LatticeCounts } from '../demo/latticeReport';
import { readLattice } from '../demo/latticeView';
import { loadExampleManifests } from '../demo/manifests';
import { AdminApi } from '../test/support/emulatorAdmin';
import { refOf } from '../tools/metacontroller/cluster';
import type { HookCall } from '../tools/metacontroller/driver';
import { callsBetween, mean, percentile, type CallCounts } from './figures';
import { fleet, fleetRoute } from './fleet';

export interface BenchOptions {
  /** Repository root (metacontroller/ and examples/demo/ are read from it). */
  root: string;
  /** HTTPRoutes in the fleet. */
  routes: number;
  /** Periodic resyncs of everything measured in steady state. */
  rounds: number;
  /** Emulator *_IN_PROGRESS time. */
  transitionMs: number;
  /** Multiplies the resync delays hooks ask for (a 5 s "look again" becomes 5 s × timeScale). */
  timeScale: number;
}

/** One phase: from a change in the cluster until nothing is left to sync. */
export interface PhaseFigures {
  wallMs: number;
  hookCalls: number;
  /** Hook calls answered 429 (Lattice still converging, or throttled). */
  retries: number;
  aws: CallCounts;
}

export interface HookFigures {
  controller: string;
  syncs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  awsReadsPerSync: number;
  awsWritesPerSync: number;
}

export interface BenchResult {
  options: BenchOptions;
  /** Objects applied (the demo's infrastructure and the fleet). */
  objects: number;
  converge: PhaseFigures;
  /** Every route reported Programmed on its Gateway after convergence. */
  allProgrammed: boolean;
  created: LatticeCounts;
  /** Periodic resyncs of a converged world: per controller, latency and AWS calls per sync. */
  steady: HookFigures[];
  /** One route gains a rule. */
  change: PhaseFigures;
  /** Everything deleted. */
  teardown: PhaseFigures;
  left: LatticeCounts;
  syncErrors: number;
}

async function phase(env: DemoEnvironment, admin: AdminApi, run: () => Promise<void>): Promise<PhaseFigures> {
  const before = (await admin.calls()).byOperation;
  const firstCall = env.driver.calls.length;
  const started = performance.now();
  await run();
  const wallMs = performance.now() - started;
  const calls = env.driver.calls.slice(firstCall);
  return { wallMs, hookCalls: calls.length, retries: calls.filter((c) => c.statusCode === 429).length, aws: callsBetween(before, (await admin.calls()).byOperation) };
}

function programmed(route: KubeObject | undefined): boolean {
  const parents = ((route?.status as { parents?: { conditions?: { type?: string; status?: string }[] }[] } | undefined)?.parents ?? []);
  return parents.length > 0 && parents.every((p) => (p.conditions ?? []).some((c) => c.type === PROGRAMMED_CONDITION && c.status === 'True'));
}

/**
 * Steady state: `rounds` periodic resyncs of a converged world. Each sync's AWS calls are read
 * from the emulator's counters right after it (syncs run one at a time, so nothing else counts).
 */
async function steadyState(env: DemoEnvironment, admin: AdminApi, rounds: number): Promise<HookFigures[]> {
  const measured: { call: HookCall; aws: CallCounts }[] = [];
  let counters = (await admin.calls()).byOperation;
  env.driver.afterEachCall = async () => {
    const now = (await admin.calls()).byOperation;
    const call = env.driver.calls[env.driver.calls.length - 1];
    if (call?.hook === 'sync') measured.push({ call, aws: callsBetween(counters, now) });
    counters = now;
  };
  try {
    for (let round = 0; round < rounds; round++) {
      env.driver.resyncAll();
      await env.driver.runUntilStable();
    }
  } finally {
    env.driver.afterEachCall = undefined;
  }
  const controllers = [...new Set(measured.map((m) => m.call.controller))].sort();
  return controllers.map((controller) => {
    const mine = measured.filter((m) => m.call.controller === controller);
    const durations = mine.map((m) => m.call.durationMs);
    return {
      controller,
      syncs: mine.length,
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
      maxMs: Math.max(...durations),
      awsReadsPerSync: mean(mine.map((m) => m.aws.reads)),
      awsWritesPerSync: mean(mine.map((m) => m.aws.writes)),
    };
  });
}

/**
 * Applies the demo's infrastructure (namespaces, GatewayClass, ServiceNetwork, Gateway,
 * VpcAssociationPolicy) and a fleet of HTTPRoutes, then measures convergence, steady-state
 * resyncs, one route change and the teardown, against the emulator through the real AWS SDK and
 * the Metacontroller driver reading `metacontroller/`.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const env = await startEnvironment({ root: options.root, transitionMs: options.transitionMs, timeScale: options.timeScale });
  const admin = new AdminApi(env.emulatorEndpoint);
  try {
    const infrastructure = loadExampleManifests(options.root)
      .filter((file) => !/backends|routes/.test(file.file))
      .flatMap((file) => file.objects);
    const objects = [...infrastructure, ...fleet(options.routes)];
    const routes = objects.filter((o) => o.kind === 'HTTPRoute');
    const converge = await phase(env, admin, async () => {
      for (const object of objects) env.cluster.apply(object);
      await env.driver.runUntil(() => routes.every((r) => programmed(env.cluster.get(refOf(r)))), { timeoutMs: 120_000 });
      await env.driver.runUntilStable({ timeoutMs: 120_000 });
    });
    const allProgrammed = routes.every((r) => programmed(env.cluster.get(refOf(r))));
    const created = countsOf(await readLattice(env.lattice, env.identity.vpcId));

    const steady = await steadyState(env, admin, options.rounds);

    const change = await phase(env, admin, async () => {
      env.cluster.apply(fleetRoute(0, [{ matches: [{ path: { type: 'Exact', value: '/health' } }], backendRefs: [{ name: 'app-0-web', port: 80 }] }]));
      await env.driver.runUntilStable({ timeoutMs: 60_000 });
    });

    const teardown = await phase(env, admin, async () => {
      for (const object of [...objects].reverse()) env.cluster.delete(refOf(object));
      await env.driver.runUntil(() => objects.every((o) => env.cluster.get(refOf(o)) === undefined), { timeoutMs: 120_000 });
    });
    const left = countsOf(await readLattice(env.lattice, env.identity.vpcId));
    return { options, objects: objects.length, converge, allProgrammed, created, steady, change, teardown, left, syncErrors: env.driver.events.length };
  } finally {
    await env.close();
  }
}

/** Whether a run is sound enough for its figures to mean anything. */
export function benchProblems(result: BenchResult): string[] {
  const problems: string[] = [];
  if (!result.allProgrammed) problems.push('not every route became Programmed');
  if (!isEmpty(result.left)) problems.push('Lattice was not empty after the teardown');
  if (result.syncErrors > 0) problems.push(`${result.syncErrors} SyncError events`);
  const writing = result.steady.filter((h) => h.awsWritesPerSync > 0).map((h) => h.controller);
  if (writing.length > 0) problems.push(`steady-state syncs wrote to Lattice: ${writing.join(', ')}`);
  return problems;
}
