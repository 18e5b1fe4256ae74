import type { Logger } from '../../log';
import type { DirectoryReader } from '../source';
import type { Directory } from '../types';

export interface Snapshot {
  directory: Directory | null;
  /** When the directory shown was read (ISO), and the last failed refresh, if the latest failed. */
  refreshedAt: string | null;
  lastError: string | null;
  refreshing: boolean;
}

export interface Refresher {
  snapshot(): Snapshot;
  /** Reads now unless a read is running; resolves when that read ends. */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the latest directory and re-reads it every `intervalMs` in the background, one read at a
 * time: a slow read (paced by the call budget) delays the next one instead of piling up. A failed
 * read keeps the previous directory and says why.
 */
export function startRefresher(read: DirectoryReader, intervalMs: number, log: Logger, now: () => number = Date.now): Refresher {
  let state: Snapshot = { directory: null, refreshedAt: null, lastError: null, refreshing: false };
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void refresh().finally(schedule), intervalMs);
    timer.unref();
  };

  const refresh = (): Promise<void> => {
    if (running) return running;
    state = { ...state, refreshing: true };
    const started = now();
    running = read()
      .then((directory) => {
        state = { directory, refreshedAt: directory.generatedAt, lastError: null, refreshing: false };
        log.info(
          { services: directory.summary.services, findings: directory.findings.length, awsCalls: directory.awsCalls, ms: now() - started },
          'directory refreshed',
        );
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        state = { ...state, lastError: message, refreshing: false };
        log.warn({ error: message }, 'directory refresh failed; keeping the previous one');
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  void refresh().finally(schedule);
  return {
    snapshot: () => state,
    refresh,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
