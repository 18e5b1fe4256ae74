import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type HookOutcome = 'success' | 'invalid' | 'unauthorized' | 'not_found' | 'retry_later' | 'error';

export interface HookMetrics {
  readonly registry: Registry;
  observeHook(controller: string, hook: string, outcome: HookOutcome, seconds: number): void;
  observeAwsCall(operation: string, ok: boolean): void;
}

export function outcomeOf(statusCode: number): HookOutcome {
  if (statusCode < 300) return 'success';
  if (statusCode === 401) return 'unauthorized';
  if (statusCode === 404) return 'not_found';
  if (statusCode === 429) return 'retry_later';
  if (statusCode < 500) return 'invalid';
  return 'error';
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
    help: 'AWS API calls made by the hooks, by operation and outcome (after the SDK retries).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  return {
    registry,
    observeAwsCall(operation, ok) {
      awsCalls.inc({ operation, outcome: ok ? 'success' : 'error' });
    },
    observeHook(controller, hook, outcome, seconds) {
      requests.inc({ controller, hook, outcome });
      duration.observe({ controller, hook, outcome }, seconds);
    },
  };
}
