/**
 * Resyncs after QUIET_POLLS calls in a row that wrote nothing are just polling (periodic checks):
 * the world counts as stable. Fewer quiet calls may still be waiting for Lattice to converge.
 */
const QUIET_POLLS = 3;
/**
 * A resync asked for this far ahead (unscaled seconds) is a periodic check — a drift check, a
 * poll for something outside the cluster — not convergence in progress: it counts as a poll at once.
 */
export const PERIODIC_RESYNC_SECONDS = 120;
/** Rate-limited requeue after a sync error: 5 ms doubling (client-go's default), capped for tests. */
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 2000;

interface Schedule {
  dueAt: number;
  polling: boolean;
}

/** The outcome of a sync that was applied, which decides when (and whether) it runs again. */
export interface SyncOutcome {
  /** Everything the sync was sent; a change to it triggers the next sync. */
  fingerprint: string;
  wrote: boolean;
  /** Whether a due resync (rather than a change) started it. */
  byResync: boolean;
  /** resyncAfterSeconds of the answer, scaled; undefined when the hook asked for none. */
  resyncAfterMs: number | undefined;
  /** The resync is at least PERIODIC_RESYNC_SECONDS away (unscaled). */
  periodic?: boolean;
}

/**
 * Per target (keyed by controller and object): when its next sync is due, what it was last sent,
 * how many syncs failed and how many resyncs in a row changed nothing. Stable means that nothing
 * is due except polls.
 */
export class SyncQueue {
  readonly #schedules = new Map<string, Schedule>();
  readonly #fingerprints = new Map<string, string>();
  readonly #failures = new Map<string, number>();
  readonly #quietCalls = new Map<string, number>();

  /** Whether the target needs a sync: a resync is due, or what it would be sent changed. */
  needsSync(key: string, fingerprint: string, now: number): { due: boolean; changed: boolean } {
    const schedule = this.#schedules.get(key);
    return { due: schedule !== undefined && schedule.dueAt <= now, changed: this.#fingerprints.get(key) !== fingerprint };
  }

  /** Drops the pending resync (the sync is running, or the object is no longer ours). */
  unschedule(key: string): void {
    this.#schedules.delete(key);
  }

  /** Forgets every target not in `keys` (its object is gone): nothing is left waiting for it. */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const map of [this.#schedules, this.#fingerprints, this.#failures, this.#quietCalls]) {
      for (const key of map.keys()) if (!keys.has(key)) map.delete(key);
    }
  }

  /** A periodic resync, due now: it runs before the world counts as stable again. */
  resyncNow(key: string, now: number): void {
    this.#schedules.set(key, { dueAt: now, polling: false });
  }

  /** The hook answered 429: call it again after the delay. */
  retryAfter(key: string, delayMs: number): void {
    this.#schedules.set(key, { dueAt: Date.now() + delayMs, polling: false });
  }

  succeeded(key: string, outcome: SyncOutcome): void {
    this.#fingerprints.set(key, outcome.fingerprint);
    this.#failures.delete(key);
    // Only resyncs that changed nothing count as quiet polls; any change starts over.
    const quiet = outcome.wrote || !outcome.byResync ? 0 : (this.#quietCalls.get(key) ?? 0) + 1;
    this.#quietCalls.set(key, quiet);
    if (outcome.resyncAfterMs !== undefined) this.#schedules.set(key, { dueAt: Date.now() + outcome.resyncAfterMs, polling: outcome.periodic === true || quiet >= QUIET_POLLS });
  }

  failed(key: string): void {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    this.#schedules.set(key, { dueAt: Date.now() + Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** failures), polling: false });
  }

  /** Nothing is waiting but polls. */
  isStable(): boolean {
    return [...this.#schedules.values()].every((s) => s.polling);
  }

  /** Nothing is waiting at all. */
  isIdle(): boolean {
    return this.#schedules.size === 0;
  }

  /** When the next wait ends: the earliest resync that is not a poll, or of any resync. */
  nextDueAt(activeOnly: boolean): number {
    const waiting = [...this.#schedules.values()].filter((s) => !activeOnly || !s.polling);
    return Math.min(...waiting.map((s) => s.dueAt));
  }
}
