import { request } from 'undici';
import { PROGRAMMED_CONDITION } from '../src/gatewayapi/ourKeys';
import type { KubeObject } from '../src/metacontroller/types';
import { loadExampleManifests } from '../demo/manifests';
import { refOf } from '../tools/metacontroller/cluster';
import { startBenchEnvironment, type BenchEnvironment } from './environment';
import { callsBetween, mean, operations, spread, type CallCounts, type Spread } from './figures';
import { fleet, fleetMember, fleetQuotas, fleetRoute } from './fleet';
import type { MemoryPeak } from './memory';
import { minimumCalls, type MinimumCalls } from './minimumCalls';
import { Recorder, type CallRecord } from './recorder';
import { countsOfState, isEmpty, type LatticeCounts } from './state';

export interface BenchOptions {
  /** Repository root (metacontroller/ and examples/demo/ are read from it). */
  root: string;
  /** HTTPRoutes in the fleet. */
  routes: number;
  /** Periodic resyncs of everything measured in steady state (the no-op syncs). */
  rounds: number;
  /** Routes added one at a time to the converged fleet (0: no rollout phase). */
  rollout: number;
  /** Replays of the Gateway's sync hook, for its latency with every route related. */
  gatewaySamples: number;
  /** Emulator *_IN_PROGRESS time. */
  transitionMs: number;
  /** Multiplies the resync delays hooks ask for (a 5 s "look again" becomes 5 s × timeScale). */
  timeScale: number;
  /** The server's DRIFT_CHECK_SECONDS (real time: a 1,000-route run outlasts the default 600 s window). */
  driftCheckSeconds: number;
  /** Emulator throttle, also the server's LATTICE_API_RPS / LATTICE_API_BURST; undefined: unthrottled. */
  rate?: { perSecond: number; burst: number };
  /** Where the hook server runs (see BenchEnvironmentOptions). */
  server: 'child' | 'in-process';
  /** Hook servers behind a round robin (default 1). */
  replicas?: number;
  /** Several replicas know each other's addresses (REPLICA_ADDRESS, REPLICA_PEERS; default true). */
  replicaLinks?: boolean;
  /** Told when each phase ends (a big fleet runs for minutes). */
  progress?: (line: string) => void;
}

/** One phase: from a change in the cluster until nothing is left to sync. */
export interface PhaseFigures {
  name: string;
  wallMs: number;
  hookCalls: number;
  /** Hook calls answered 429 (Lattice still converging, or no call budget before the deadline). */
  retries: number;
  aws: CallCounts;
  /** The creates, deletes, updates and target changes the phase needed (from the emulator's state). */
  minimum: MinimumCalls;
  /** minimum ÷ the emulator's rate, when it is throttled. */
  rateBoundMs: number | undefined;
  /** The calls the emulator admitted ÷ its rate, when it is throttled: the wall time of a controller that keeps the rate busy. */
  callsAtRateMs: number | undefined;
}

export interface HookFigures {
  controller: string;
  hook: string;
  latency: Spread;
  /** The same calls as the server timed them (Server-Timing): without the benchmark's own work and the network. */
  serverLatency: Spread;
  requestBytes: Spread;
  /** AWS calls per call (no-op syncs only). */
  awsPerCall?: { mean: number; max: number; writes: number };
}

export interface BenchResult {
  options: BenchOptions;
  /** Emulator quotas raised above Lattice's defaults for the fleet. */
  quotas: Record<string, number>;
  objects: number;
  phases: PhaseFigures[];
  /** Every route reported Programmed on its Gateway after the cold start (and after the rollout). */
  allProgrammed: boolean;
  created: LatticeCounts;
  left: LatticeCounts;
  /** No-op syncs (periodic resyncs of a converged world), per controller, and all together. */
  noop: HookFigures[];
  noopAll: HookFigures;
  /** The Gateway's sync hook replayed with every route related. */
  gatewayHook: { relatedRoutes: number; latency: Spread; serverLatency: Spread; awsPerCall: number } | undefined;
  /** Every hook call of the run, per controller and hook. */
  bodies: HookFigures[];
  /** Rollout: AWS calls and wall time per added route. */
  rollout: { calls: Spread; minimum: Spread; wallMs: Spread } | undefined;
  serverMemory: MemoryPeak;
  /** Hook calls each replica served, when there were several. */
  servedByReplica?: number[];
  hookDeadlineMs: number;
  /** Hook calls that took longer than the server's deadline; longer than Metacontroller's webhook timeout or unanswered. */
  pastDeadline: number;
  pastTimeout: number;
  slowestHookMs: number;
  /** Hook calls answered neither 200 nor 429 (errors, timeouts). */
  failedHooks: number;
  syncErrors: number;
}

const HTTP_ROUTE = 'HTTPRoute';

function programmed(route: KubeObject | undefined): boolean {
  const parents = (route?.status as { parents?: { conditions?: { type?: string; status?: string }[] }[] } | undefined)?.parents ?? [];
  return (
    parents.length > 0 && parents.every((p) => (p.conditions ?? []).some((c) => c.type === PROGRAMMED_CONDITION && c.status === 'True'))
  );
}

class Run {
  readonly phases: PhaseFigures[] = [];
  constructor(
    readonly env: BenchEnvironment,
    readonly recorder: Recorder,
    readonly options: BenchOptions,
    readonly timeoutMs: number,
  ) {}

  async phase(name: string, run: () => Promise<void>, keep = true): Promise<PhaseFigures> {
    const { admin } = this.env;
    const before = await admin.state();
    const countsBefore = await admin.calls();
    const counters = countsBefore.byOperation;
    const first = this.recorder.records.length;
    const started = performance.now();
    await run();
    const wallMs = performance.now() - started;
    await this.recorder.flush();
    const calls = this.recorder.records.slice(first);
    const minimum = minimumCalls(before, await admin.state());
    const rate = this.options.rate;
    const countsAfter = await admin.calls();
    const aws = callsBetween(counters, countsAfter.byOperation);
    // Refused by the emulator's throttle: counted among the calls, but they took no token of the rate.
    const refused = (countsAfter.errors?.ThrottlingException ?? 0) - (countsBefore.errors?.ThrottlingException ?? 0);
    const figures: PhaseFigures = {
      name,
      wallMs,
      hookCalls: calls.length,
      retries: calls.filter((c) => c.statusCode === 429).length,
      aws,
      minimum,
      rateBoundMs: rate ? (minimum.total / rate.perSecond) * 1000 : undefined,
      callsAtRateMs: rate ? ((aws.reads + aws.writes - refused) / rate.perSecond) * 1000 : undefined,
    };
    if (keep) this.phases.push(figures);
    // With its calls by operation and its failures: a long run stopped early still tells what it did.
    const slowestMs = calls.reduce((m, r) => Math.max(m, r.durationMs), 0);
    const failed = calls.filter((r) => r.statusCode !== 200 && r.statusCode !== 429).length;
    this.options.progress?.(
      `${name}: ${(wallMs / 1000).toFixed(1)} s, ${figures.hookCalls} hook calls, ${figures.aws.reads + figures.aws.writes} AWS calls (minimum ${minimum.total}): ${operations(aws)}; ` +
        `slowest hook ${slowestMs.toFixed(0)} ms (deadline ${this.env.hookDeadlineMs} ms), failed hook calls ${failed}, SyncError events so far ${this.env.driver.events.length}`,
    );
    return figures;
  }

  async converge(routes: readonly KubeObject[]): Promise<void> {
    const { driver, cluster } = this.env;
    await driver.runUntil(() => routes.every((r) => programmed(cluster.get(refOf(r)))), { timeoutMs: this.timeoutMs });
    await driver.runUntilStable({ timeoutMs: this.timeoutMs });
  }
}

function hookFigures(records: readonly CallRecord[]): HookFigures[] {
  const keys = [...new Set(records.map((r) => `${r.controller} ${r.hook}`))].sort();
  return keys.map((key) => {
    const [controller = '', hook = ''] = key.split(' ');
    const mine = records.filter((r) => r.controller === controller && r.hook === hook);
    return { controller, hook, ...figuresOf(mine) };
  });
}

function figuresOf(records: readonly CallRecord[]): Omit<HookFigures, 'controller' | 'hook'> {
  const aws = records.map((r) => r.aws).filter((a): a is CallCounts => a !== undefined);
  return {
    latency: spread(records.map((r) => r.durationMs)),
    serverLatency: spread(records.flatMap((r) => (r.serverMs !== undefined ? [r.serverMs] : []))),
    requestBytes: spread(records.map((r) => r.requestBytes)),
    ...(aws.length > 0
      ? {
          awsPerCall: {
            mean: mean(aws.map((a) => a.reads + a.writes)),
            max: aws.reduce((m, a) => Math.max(m, a.reads + a.writes), 0),
            writes: aws.reduce((s, a) => s + a.writes, 0),
          },
        }
      : {}),
  };
}

/** Posts the last Gateway sync request again `samples` times, one at a time. */
async function replayGateway(run: Run, body: unknown, samples: number): Promise<BenchResult['gatewayHook']> {
  const { env } = run;
  const path = env.driver.controller('lattice-gateway').hooks.sync?.path;
  if (body === undefined || path === undefined || samples === 0) return undefined;
  // Bytes ready to send, as Metacontroller's are: encoding a 2 MB string for each replay is the caller's time, not the hook's.
  const payload = Buffer.from(JSON.stringify(body));
  const before = (await env.admin.calls()).byOperation;
  const durations: number[] = [];
  const inServer: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const response = await request(`${env.serverUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    await response.body.text();
    durations.push(performance.now() - started);
    const timing = /hook;dur=([\d.]+)/.exec(String(response.headers['server-timing'] ?? ''));
    if (timing) inServer.push(Number(timing[1]));
  }
  const aws = callsBetween(before, (await env.admin.calls()).byOperation);
  const related = (JSON.stringify((body as { related?: unknown }).related ?? {}).match(/"kind":"HTTPRoute"/g) ?? []).length;
  return {
    relatedRoutes: related,
    latency: spread(durations),
    serverLatency: spread(inServer),
    awsPerCall: (aws.reads + aws.writes) / samples,
  };
}

async function steady(run: Run): Promise<CallRecord[]> {
  const { env, recorder, options } = run;
  const first = recorder.records.length;
  await run.phase('no-op resync', async () => {
    await recorder.attribute(true);
    for (let round = 0; round < options.rounds; round++) {
      env.driver.resyncAll();
      await env.driver.runUntilStable({ timeoutMs: run.timeoutMs });
    }
    await recorder.attribute(false);
  });
  return recorder.records.slice(first).filter((r) => r.hook === 'sync');
}

async function rollout(run: Run): Promise<BenchResult['rollout']> {
  const { env, options } = run;
  if (options.rollout === 0) return undefined;
  const steps: PhaseFigures[] = [];
  const added: KubeObject[] = [];
  for (let k = 0; k < options.rollout; k++) {
    const member = fleetMember(options.routes + k);
    steps.push(
      await run.phase(
        'rollout',
        async () => {
          for (const object of member) env.cluster.apply(object);
          await run.converge(member.filter((o) => o.kind === HTTP_ROUTE));
        },
        false,
      ),
    );
    added.push(...member);
  }
  const total = (pick: (p: PhaseFigures) => number) => steps.reduce((s, p) => s + pick(p), 0);
  const aws = steps.map((p) => p.aws);
  run.phases.push({
    name: `rollout (${options.rollout} routes)`,
    wallMs: total((p) => p.wallMs),
    hookCalls: total((p) => p.hookCalls),
    retries: total((p) => p.retries),
    aws: { reads: total((p) => p.aws.reads), writes: total((p) => p.aws.writes), byOperation: mergeOperations(aws) },
    minimum: sumMinimum(steps.map((p) => p.minimum)),
    rateBoundMs: options.rate ? total((p) => p.rateBoundMs ?? 0) : undefined,
    callsAtRateMs: options.rate ? total((p) => p.callsAtRateMs ?? 0) : undefined,
  });
  return {
    calls: spread(steps.map((p) => p.aws.reads + p.aws.writes)),
    minimum: spread(steps.map((p) => p.minimum.total)),
    wallMs: spread(steps.map((p) => p.wallMs)),
  };
}

function mergeOperations(all: readonly CallCounts[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const counts of all) for (const [op, n] of Object.entries(counts.byOperation)) merged[op] = (merged[op] ?? 0) + n;
  return merged;
}

function sumMinimum(all: readonly MinimumCalls[]): MinimumCalls {
  const sum: MinimumCalls = { creates: 0, deletes: 0, updates: 0, targets: 0, tags: 0, total: 0 };
  for (const m of all) for (const key of Object.keys(sum) as (keyof MinimumCalls)[]) sum[key] += m[key];
  return sum;
}

/** How long a phase may take before the run is called failed (the big fleet behind a slow rate takes long). */
export function phaseTimeoutMs(options: Pick<BenchOptions, 'routes' | 'rate'>): number {
  const perRoute = options.rate ? Math.max(2_000, 60_000 / options.rate.perSecond) : 2_000;
  return 120_000 + options.routes * perRoute;
}

/**
 * Applies the demo's infrastructure and a fleet of HTTPRoutes, then measures, against the emulator
 * through the real AWS SDK and the Metacontroller driver reading `metacontroller/`: the cold start,
 * no-op resyncs, the Gateway hook, a Gateway label change, a rollout, one route change and the
 * deletion of everything.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const quotas = fleetQuotas(options.routes + options.rollout);
  const env = await startBenchEnvironment({ ...options, quotas });
  const recorder = new Recorder(env.driver, env.admin);
  const run = new Run(env, recorder, options, phaseTimeoutMs(options));
  try {
    const infrastructure = loadExampleManifests(options.root)
      .filter((file) => !/backends|routes/.test(file.file))
      .flatMap((file) => file.objects);
    const objects = [...infrastructure, ...fleet(options.routes)];
    const routes = objects.filter((o) => o.kind === HTTP_ROUTE);
    await run.phase('cold start', async () => {
      for (const object of objects) env.cluster.apply(object);
      await run.converge(routes);
    });
    let allProgrammed = routes.every((r) => programmed(env.cluster.get(refOf(r))));
    const created = countsOfState(await env.admin.state());

    const noopSyncs = await steady(run);
    const gatewayHook = await replayGateway(run, recorder.lastGatewaySync, options.gatewaySamples);

    const gateway = infrastructure.find((o) => o.kind === 'Gateway') as KubeObject;
    await run.phase('Gateway label change', async () => {
      env.cluster.apply({
        ...gateway,
        metadata: { ...gateway.metadata, labels: { ...gateway.metadata.labels, 'bench.example.com/touched': 'yes' } },
      });
      await env.driver.runUntilStable({ timeoutMs: run.timeoutMs });
    });

    const rolledOut = await rollout(run);
    const added = Array.from({ length: options.rollout }, (_, k) => fleetMember(options.routes + k)).flat();
    allProgrammed &&= added.filter((o) => o.kind === HTTP_ROUTE).every((r) => programmed(env.cluster.get(refOf(r))));

    await run.phase('change one route', async () => {
      env.cluster.apply(
        fleetRoute(0, [{ matches: [{ path: { type: 'Exact', value: '/health' } }], backendRefs: [{ name: 'app-0-web', port: 80 }] }]),
      );
      await env.driver.runUntilStable({ timeoutMs: run.timeoutMs });
    });

    // The youngest route of the fleet, as a team would remove one: its Services and their endpoints stay.
    const leaving = routes.at(-1) as KubeObject;
    await run.phase('delete one route', async () => {
      env.cluster.delete(refOf(leaving));
      await env.driver.runUntil(() => env.cluster.get(refOf(leaving)) === undefined, { timeoutMs: run.timeoutMs });
      await env.driver.runUntilStable({ timeoutMs: run.timeoutMs });
    });

    const everything = [...objects, ...added].filter((o) => o !== leaving);
    await run.phase('deletion', async () => {
      for (const object of [...everything].reverse()) env.cluster.delete(refOf(object));
      await env.driver.runUntil(() => everything.every((o) => env.cluster.get(refOf(o)) === undefined), { timeoutMs: run.timeoutMs });
    });
    const left = countsOfState(await env.admin.state());
    const records = recorder.records;
    const noopAll = { controller: 'all', hook: 'sync', ...figuresOf(noopSyncs) };
    return {
      options,
      quotas,
      objects: objects.length + added.length,
      phases: run.phases,
      allProgrammed,
      created,
      left,
      noop: hookFigures(noopSyncs),
      noopAll,
      gatewayHook,
      bodies: hookFigures(records),
      rollout: rolledOut,
      serverMemory: await env.peakMemory(),
      ...(env.servedByReplica ? { servedByReplica: env.servedByReplica() } : {}),
      hookDeadlineMs: env.hookDeadlineMs,
      pastDeadline: records.filter((r) => r.durationMs > env.hookDeadlineMs).length,
      pastTimeout: records.filter((r) => r.durationMs > r.timeoutMs || r.statusCode === 0).length,
      slowestHookMs: records.reduce((m, r) => Math.max(m, r.durationMs), 0),
      failedHooks: records.filter((r) => r.statusCode !== 200 && r.statusCode !== 429).length,
      syncErrors: env.driver.events.length,
    };
  } finally {
    await env.close();
  }
}

/** Whether a run is sound enough for its figures to mean anything. */
export function benchProblems(result: BenchResult): string[] {
  const problems: string[] = [];
  if (!result.allProgrammed) problems.push('not every route became Programmed');
  if (!isEmpty(result.left)) problems.push('Lattice was not empty after the deletion');
  if (result.syncErrors > 0) problems.push(`${result.syncErrors} SyncError events`);
  if (result.failedHooks > 0) problems.push(`${result.failedHooks} hook calls failed (neither 200 nor 429)`);
  const writing = result.noop.filter((h) => (h.awsPerCall?.writes ?? 0) > 0).map((h) => h.controller);
  if (writing.length > 0) problems.push(`no-op syncs wrote to Lattice: ${writing.join(', ')}`);
  return problems;
}
