import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallBudget, CallBudgetStats } from '../lattice/callBudget';
import type { ControllerMetrics } from '../controllers/types';

export type HookOutcome = 'success' | 'invalid' | 'unauthorized' | 'not_found' | 'retry_later' | 'declined' | 'error';

export interface HookMetrics extends ControllerMetrics {
  readonly registry: Registry;
  observeHook(controller: string, hook: string, outcome: HookOutcome, seconds: number): void;
  observeAwsCall(operation: string, ok: boolean): void;
  /** Reports the call budget's counters and current rate on every scrape. */
  watchBudget(budget: CallBudget): void;
}

/** Counters read from the budget at scrape time (it keeps its own totals). */
const BUDGET_COUNTERS: readonly { name: string; help: string; stat: Exclude<keyof CallBudgetStats, 'ratePerSecond' | 'waitedMs'> }[] = [
  { name: 'lattice_gw_aws_budget_granted_total', help: 'AWS calls that got a token of the call budget.', stat: 'granted' },
  { name: 'lattice_gw_aws_budget_waits_total', help: 'AWS calls that waited for their token.', stat: 'waited' },
  {
    name: 'lattice_gw_aws_budget_refused_total',
    help: 'AWS calls refused (the hook answered 429) because no token came before the deadline.',
    stat: 'refused',
  },
  {
    name: 'lattice_gw_aws_throttled_total',
    help: 'Lattice throttling answers (every attempt); each halves the budget rate.',
    stat: 'throttled',
  },
];

export function outcomeOf(statusCode: number): HookOutcome {
  if (statusCode < 300) return 'success';
  if (statusCode === 401) return 'unauthorized';
  if (statusCode === 404) return 'not_found';
  if (statusCode === 429) return 'retry_later';
  // A request another replica handed over, which this one leaves to it (LGW_REPLICA_*).
  if (statusCode === 409) return 'declined';
  if (statusCode < 500) return 'invalid';
  return 'error';
}

/** The budget's metrics, read from whichever budget `stats` gives at scrape time. */
function registerBudgetMetrics(registry: Registry, stats: () => CallBudgetStats | undefined): void {
  for (const { name, help, stat } of BUDGET_COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats()?.[stat] ?? 0);
      },
    });
  }
  new Counter({
    name: 'lattice_gw_aws_budget_wait_seconds_total',
    help: 'Time AWS calls spent waiting for their token.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc((stats()?.waitedMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'lattice_gw_aws_budget_rate',
    help: 'Current AWS call rate of the budget (calls per second), lowered on throttling and recovering gradually.',
    registers: [registry],
    collect() {
      this.set(stats()?.ratePerSecond ?? 0);
    },
  });
}

/** One registry per server instance (no global state), with the process metrics of prom-client. */
export function createHookMetrics(options: { processMetrics?: boolean } = {}): HookMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'lattice_gw_' });
  const labelNames = ['controller', 'hook', 'outcome'] as const;
  const requests = new Counter({
    name: 'lattice_gw_hook_requests_total',
    help: 'Hook requests answered, by controller, hook and outcome.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lattice_gw_hook_duration_seconds',
    help: 'Time to answer a hook request, by controller, hook and outcome.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8, 10],
    registers: [registry],
  });
  const awsCalls = new Counter({
    name: 'lattice_gw_aws_calls_total',
    help: 'AWS API calls made by the hooks, by operation and outcome (once per call, after its retries).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const orphansRemoved = new Counter({
    name: 'lattice_gw_orphans_removed_total',
    help: 'Lattice resources removed because the Kubernetes object named by their tags no longer exists, by resource type.',
    labelNames: ['resource'] as const,
    registers: [registry],
  });
  const orphanSweeps = new Counter({
    name: 'lattice_gw_orphan_sweeps_total',
    help: 'Passes of the orphan collector: complete (nothing left to do until the next period), continued (resumed shortly) or deferred (a sweep due while the AWS call budget is busy, put off).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const syncsFromRecords = new Counter({
    name: 'lattice_gw_syncs_from_records_total',
    help: "Syncs that did not observe Lattice in full, by object kind and record: verified (answered within its drift window), deferred (a verification that was due, put off while the AWS call budget is busy), converging (answered within PENDING_RECHECK_MS of a pass still converging), picture (a pass that started from the last pass's picture of Lattice and re-read only what was in transition).",
    labelNames: ['kind', 'record'] as const,
    registers: [registry],
  });
  let watched: CallBudget | undefined;
  return {
    registry,
    watchBudget(budget) {
      if (watched === undefined) registerBudgetMetrics(registry, () => watched?.stats());
      watched = budget;
    },
    observeAwsCall(operation, ok) {
      awsCalls.inc({ operation, outcome: ok ? 'success' : 'error' });
    },
    syncFromRecord(kind, record) {
      syncsFromRecords.inc({ kind, record });
    },
    orphanRemoved(resourceType) {
      orphansRemoved.inc({ resource: resourceType });
    },
    orphanSweep(outcome) {
      orphanSweeps.inc({ outcome });
    },
    observeHook(controller, hook, outcome, seconds) {
      requests.inc({ controller, hook, outcome });
      duration.observe({ controller, hook, outcome }, seconds);
    },
  };
}
