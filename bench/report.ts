import { describeCounts } from '../demo/latticeReport';
import { table } from '../demo/table';
import { operations, ratio, type Spread } from './figures';
import type { BenchResult, HookFigures, PhaseFigures } from './measure';

const ms = (value: number) => `${value.toFixed(1)} ms`;
const per = (value: number) => value.toFixed(2);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);
const yesNo = (n: number) => (n === 0 ? 'no' : `YES (${n})`);

function phaseRow(figures: PhaseFigures): string[] {
  const calls = figures.aws.reads + figures.aws.writes;
  const times = ratio(calls, figures.minimum.total);
  const bound = figures.rateBoundMs;
  const slower = ratio(figures.wallMs, bound);
  const atRate = figures.callsAtRateMs;
  const vsCalls = ratio(figures.wallMs, atRate);
  return [
    figures.name,
    String(figures.hookCalls),
    String(figures.retries),
    String(figures.aws.reads),
    String(figures.aws.writes),
    String(figures.minimum.total),
    times === undefined ? (calls === 0 ? '-' : 'inf') : `x${times.toFixed(1)}`,
    ms(figures.wallMs),
    bound === undefined ? '-' : ms(bound),
    slower === undefined ? '-' : `x${slower.toFixed(2)}`,
    atRate === undefined ? '-' : ms(atRate),
    vsCalls === undefined ? '-' : `x${vsCalls.toFixed(2)}`,
  ];
}

const spreadMs = (s: Spread) => [ms(s.p50), ms(s.p99), ms(s.max)];

function noopRow(h: HookFigures): string[] {
  return [
    h.controller,
    String(h.latency.count),
    ...spreadMs(h.latency),
    ms(h.serverLatency.p50),
    ms(h.serverLatency.p99),
    per(h.awsPerCall?.mean ?? 0),
    String(h.awsPerCall?.max ?? 0),
    String(h.awsPerCall?.writes ?? 0),
  ];
}

/** The benchmark's figures as printed lines (pure, so a test can check the report). */
export function benchReport(result: BenchResult): string[] {
  const { options } = result;
  const replicas = options.replicas ?? 1;
  const several = replicas > 1;
  const linked = options.replicaLinks === false ? 'not knowing each other' : 'knowing each other (REPLICA_PEERS)';
  const servers = several ? `${replicas} servers behind a round robin, ${linked}, ` : 'server ';
  const where = options.server !== 'child' ? 'in the benchmark process' : several ? 'in their own processes' : 'in its own process';
  const memoryOf =
    options.server !== 'child'
      ? ' (benchmark process: server, emulator and driver together)'
      : several
        ? ` (the largest of the ${replicas} servers)`
        : '';
  const rate = options.rate
    ? `emulator throttled to ${options.rate.perSecond} calls/s (burst ${options.rate.burst}), ${several ? 'each server' : 'server'} LATTICE_API_RPS=${options.rate.perSecond} LATTICE_API_BURST=${options.rate.burst}`
    : 'emulator not throttled';
  const lines: string[] = [];
  lines.push('lattice-gateway-hooks benchmark');
  lines.push(
    `  ${options.routes} HTTPRoutes (2 Services, 3 Lattice rules each) on one Gateway; ${result.objects} objects applied in all; ${rate}`,
  );
  lines.push(
    `  emulator transitions ${options.transitionMs} ms; resync delays x${options.timeScale}; DRIFT_CHECK_SECONDS=${options.driftCheckSeconds}; ${servers}${where}`,
  );
  const raised = Object.entries(result.quotas).map(([key, value]) => `${key} ${value}`);
  if (raised.length > 0)
    lines.push(`  emulator quotas raised above Lattice's defaults, as a Service Quotas increase would: ${raised.join(', ')}`);
  lines.push('');
  lines.push(
    'Phases: AWS calls made vs the minimum the phase needs (creates, deletes, updates, target changes, from the emulator state diff);',
  );
  lines.push('AWS calls are every call the emulator received, throttled (429) ones included; wall time vs the rate lower bound');
  lines.push('(minimum calls / emulator rate; wall includes emulator transitions and scaled resync waits), and vs the calls made / rate');
  lines.push(
    ...table(
      [
        'PHASE',
        'HOOK CALLS',
        '429s',
        'AWS READS',
        'AWS WRITES',
        'MINIMUM',
        'CALLS/MIN',
        'WALL',
        'RATE BOUND',
        'WALL/BOUND',
        'CALLS/RATE',
        'WALL/CALLS',
      ],
      result.phases.map(phaseRow),
    ),
  );
  for (const p of result.phases) lines.push(`  ${p.name}: ${operations(p.aws)}`);
  if (result.rollout) {
    const r = result.rollout;
    lines.push(
      `  rollout, per added route: AWS calls p50 ${r.calls.p50} max ${r.calls.max}; minimum p50 ${r.minimum.p50}; wall p50 ${ms(r.wallMs.p50)} max ${ms(r.wallMs.max)}`,
    );
  }
  lines.push('');
  lines.push(
    `No-op syncs: ${options.rounds} periodic resyncs of a converged world (P50/P99/MAX: the HTTP round trip as the driver saw it; IN SERVER: the hook's own time, from its Server-Timing header)`,
  );
  lines.push(
    ...table(
      ['CONTROLLER', 'SYNCS', 'P50', 'P99', 'MAX', 'IN SERVER P50', 'P99', 'AWS CALLS/SYNC', 'MAX CALLS', 'WRITES'],
      [...result.noop.map(noopRow), noopRow(result.noopAll)],
    ),
  );
  lines.push('');
  const g = result.gatewayHook;
  lines.push(
    g
      ? `Gateway sync hook with ${g.relatedRoutes} related routes (${g.latency.count} replays): p50 ${ms(g.latency.p50)}, p99 ${ms(g.latency.p99)}, max ${ms(g.latency.max)} (in the server: p50 ${ms(g.serverLatency.p50)}, p99 ${ms(g.serverLatency.p99)}); AWS calls per sync ${per(g.awsPerCall)}`
      : 'Gateway sync hook: not measured',
  );
  lines.push('');
  lines.push('Request bodies per hook (every call of the run)');
  lines.push(
    ...table(
      ['CONTROLLER', 'HOOK', 'CALLS', 'BODY P50', 'BODY MAX', 'LATENCY P50', 'P99', 'MAX'],
      result.bodies.map((h) => [
        h.controller,
        h.hook,
        String(h.latency.count),
        kb(h.requestBytes.p50),
        kb(h.requestBytes.max),
        ...spreadMs(h.latency),
      ]),
    ),
  );
  lines.push('');
  lines.push(`Server peak memory: RSS ${mb(result.serverMemory.rssBytes)}, heap used ${mb(result.serverMemory.heapUsedBytes)}${memoryOf}`);
  if (result.servedByReplica) lines.push(`Hook calls per server: ${result.servedByReplica.join(', ')}`);
  lines.push(
    `Hook past the server deadline (${result.hookDeadlineMs} ms): ${yesNo(result.pastDeadline)}; past Metacontroller's webhook timeout or unanswered: ${yesNo(result.pastTimeout)}; slowest hook ${ms(result.slowestHookMs)}`,
  );
  lines.push(`SyncError events: ${yesNo(result.syncErrors)}; failed hook calls (neither 200 nor 429): ${yesNo(result.failedHooks)}`);
  lines.push('');
  lines.push(`Lattice after the cold start: ${describeCounts(result.created)}`);
  lines.push(`Lattice after the deletion:   ${describeCounts(result.left)}`);
  return lines;
}
