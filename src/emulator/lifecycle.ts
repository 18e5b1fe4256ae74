/**
 * Asynchronous resource states, computed lazily from the clock: a resource stores which phase it
 * entered and when that phase ends, so no timers run and a test clock controls everything.
 */

export type Phase = 'CREATE_IN_PROGRESS' | 'UPDATE_IN_PROGRESS' | 'DELETE_IN_PROGRESS';
export type Status = Phase | 'ACTIVE';

export interface Lifecycle {
  readonly phase: Status;
  /** When the phase ends (ms); irrelevant for ACTIVE. */
  readonly until: number;
}

export function enterPhase(phase: Phase, now: number, transitionMs: number): Lifecycle {
  return { phase, until: now + transitionMs };
}

/** The status at `now`; `GONE` once a deletion has finished. */
export function statusAt(lifecycle: Lifecycle, now: number): Status | 'GONE' {
  if (lifecycle.phase === 'ACTIVE' || now < lifecycle.until) return lifecycle.phase;
  return lifecycle.phase === 'DELETE_IN_PROGRESS' ? 'GONE' : 'ACTIVE';
}

/** Like statusAt for a resource known to exist (sweeps remove GONE ones before any read). */
export function visibleStatus(lifecycle: Lifecycle, now: number): Status {
  const status = statusAt(lifecycle, now);
  return status === 'GONE' ? 'DELETE_IN_PROGRESS' : status;
}
