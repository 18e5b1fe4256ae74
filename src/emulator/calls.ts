/** Counts API calls per operation (failed ones included) for `GET /_emulator/calls`. */
export interface CallCounts {
  readonly total: number;
  readonly byOperation: Record<string, number>;
  /** Error answers by error type (`ValidationException`, …), present once one was answered. */
  readonly errors?: Record<string, number>;
}

export class CallCounter {
  private counts = new Map<string, number>();
  private errorCounts = new Map<string, number>();

  record(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  recordError(errorType: string): void {
    this.errorCounts.set(errorType, (this.errorCounts.get(errorType) ?? 0) + 1);
  }

  snapshot(): CallCounts {
    const byOperation = Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
    const errors = Object.fromEntries([...this.errorCounts].sort(([a], [b]) => a.localeCompare(b)));
    const total = [...this.counts.values()].reduce((sum, n) => sum + n, 0);
    return this.errorCounts.size === 0 ? { total, byOperation } : { total, byOperation, errors };
  }

  reset(): void {
    this.counts.clear();
    this.errorCounts.clear();
  }
}
