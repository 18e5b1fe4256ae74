/** Counts API calls per operation (failed ones included) for `GET /_emulator/calls`. */
export interface CallCounts {
  readonly total: number;
  readonly byOperation: Record<string, number>;
}

export class CallCounter {
  private counts = new Map<string, number>();

  record(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  snapshot(): CallCounts {
    const byOperation = Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
    return { total: [...this.counts.values()].reduce((sum, n) => sum + n, 0), byOperation };
  }

  reset(): void {
    this.counts.clear();
  }
}
