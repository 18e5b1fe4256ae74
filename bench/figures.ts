/** Small statistics for benchmark figures (pure). */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Lattice operations that only read (Get…, List…): everything else changes Lattice. */
export function isRead(operation: string): boolean {
  return /^(Get|List|Describe)/.test(operation);
}

export interface CallCounts {
  reads: number;
  writes: number;
  byOperation: Record<string, number>;
}

/** What happened between two readings of the emulator's call counters. */
export function callsBetween(before: Record<string, number>, after: Record<string, number>): CallCounts {
  const byOperation: Record<string, number> = {};
  let reads = 0;
  let writes = 0;
  for (const [operation, count] of Object.entries(after)) {
    const delta = count - (before[operation] ?? 0);
    if (delta <= 0) continue;
    byOperation[operation] = delta;
    if (isRead(operation)) reads += delta;
    else writes += delta;
  }
  return { reads, writes, byOperation };
}

export interface Spread {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Median, 99th percentile (nearest rank) and maximum. */
export function spread(values: readonly number[]): Spread {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.reduce((a, b) => Math.max(a, b), 0),
  };
}

/** `wall / bound`, or undefined when there is no bound (nothing had to be called, or no rate limit). */
export function ratio(value: number, bound: number | undefined): number | undefined {
  return bound === undefined || bound <= 0 ? undefined : value / bound;
}

/** Every Lattice operation of a phase, the most called first. */
export function operations(aws: CallCounts): string {
  const entries = Object.entries(aws.byOperation).sort(([, a], [, b]) => b - a);
  return entries.map(([op, n]) => `${op} ${n}`).join(', ') || '(none)';
}
