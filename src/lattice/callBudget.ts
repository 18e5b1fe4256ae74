import { isThrottling } from './awsErrors';

/**
 * One AWS call budget per process, shared by every concurrent hook: a token bucket refilled at
 * `ratePerSecond` up to `burst` tokens. A call waits for its token in arrival order; one whose
 * token would come after its deadline gets none and is told how long the wait is.
 *
 * Adaptive: a throttling answer from AWS halves the rate (down to `minRatePerSecond`), and every
 * successful call wins back a little of it, so a fleet backs off together and recovers gradually.
 */
export interface CallBudgetOptions {
  ratePerSecond: number;
  burst: number;
  /** The floor of the adaptive rate (default: a tenth of the rate, at least 0.1/s). */
  minRatePerSecond?: number;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CallBudgetStats {
  /** Calls that got a token. */
  granted: number;
  /** Calls that waited for their token, and for how long in all. */
  waited: number;
  waitedMs: number;
  /** Calls refused because their token would have come after their deadline. */
  refused: number;
  /** Throttling answers reported by AWS. */
  throttled: number;
  ratePerSecond: number;
}

/** No token before the deadline: `retryAfterMs` is when one would be free. */
export class BudgetExhausted extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`AWS call budget exhausted: the next call could start in ${Math.ceil(retryAfterMs)} ms`);
    this.name = 'BudgetExhausted';
  }
}

/** The longest pause a throttling answer's Retry-After may impose on every call. */
const MAX_RETRY_AFTER_SECONDS = 30;

/** Rounding left over when a waiting call's token has accrued. */
const FUNDED_WITHIN = 1e-9;

/** Each success recovers this share of the configured rate. */
const RECOVERY_STEP = 0.02;

export class CallBudget {
  readonly #maxRate: number;
  readonly #minRate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #rate: number;
  /** May go negative: each waiting call holds a reservation. */
  #tokens: number;
  /** Tokens accrued since the start: a waiting call goes once this reaches the mark it was given. */
  #accrued = 0;
  #updatedAt: number;
  /** No call starts before this (ms): a throttling answer's Retry-After. */
  #pausedUntil = 0;
  readonly #stats = { granted: 0, waited: 0, waitedMs: 0, refused: 0, throttled: 0 };

  constructor(options: CallBudgetOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1))
      throw new RangeError('a call budget needs a positive rate and a burst of at least 1');
    this.#maxRate = options.ratePerSecond;
    this.#minRate = Math.min(options.ratePerSecond, options.minRatePerSecond ?? Math.max(0.1, options.ratePerSecond / 10));
    this.#burst = options.burst;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#rate = options.ratePerSecond;
    this.#tokens = options.burst;
    this.#updatedAt = this.#now();
  }

  #refill(): number {
    const now = this.#now();
    // A pause never outlasts its cap from now, also after the wall clock stepped back.
    this.#pausedUntil = Math.min(this.#pausedUntil, now + MAX_RETRY_AFTER_SECONDS * 1000);
    // Nothing accrues while a pause lasts, nor for a wall clock stepped back (it would take tokens
    // away, the budget busy for as long).
    const elapsed = Math.max(0, now - Math.max(this.#updatedAt, this.#pausedUntil));
    const tokens = Math.min(this.#burst, this.#tokens + (elapsed / 1000) * this.#rate);
    this.#accrued += tokens - this.#tokens;
    this.#tokens = tokens;
    this.#updatedAt = now;
    return now;
  }

  /** Waits for a token; refuses at once (BudgetExhausted) when the token would come after `deadline` (ms). */
  async take(deadline: number): Promise<void> {
    let now = this.#refill();
    // Its place in the line: the call goes once the bucket has accrued this much in all.
    const funded = this.#accrued + Math.max(0, 1 - this.#tokens);
    let waitMs = this.#waitFor(funded, now);
    if (now + waitMs > deadline) return this.#refuse(waitMs);
    this.#tokens -= 1;
    if (waitMs > 0) this.#stats.waited += 1;
    let throttled = this.#stats.throttled;
    while (waitMs > 0) {
      this.#stats.waitedMs += waitMs;
      await this.#sleep(waitMs);
      if (this.#stats.throttled === throttled) break;
      // A throttling answer slowed the rate or paused the budget meanwhile: the call waits on,
      // keeping its place, so the line resumes in order at the slowed pace.
      throttled = this.#stats.throttled;
      now = this.#refill();
      waitMs = this.#waitFor(funded, now);
      // Its place is not given back: a later call in its slot would go together with the one behind it.
      if (now + waitMs > deadline) return this.#refuse(waitMs);
    }
    this.#stats.granted += 1;
  }

  /** How long until the bucket has accrued `funded` in all and no pause holds calls back. */
  #waitFor(funded: number, now: number): number {
    const shortfall = funded - this.#accrued;
    const pausedMs = Math.max(0, this.#pausedUntil - now);
    return shortfall <= FUNDED_WITHIN ? pausedMs : pausedMs + (shortfall / this.#rate) * 1000;
  }

  #refuse(waitMs: number): never {
    this.#stats.refused += 1;
    throw new BudgetExhausted(waitMs);
  }

  /** No call could start now: no token free, or a pause (verifications that are due wait for a quieter moment, see driftCheck). */
  busy(): boolean {
    const now = this.#refill();
    return this.#tokens < 1 || now < this.#pausedUntil;
  }

  /**
   * AWS answered with throttling: slow down for everyone, and spend no saved-up burst (the account
   * has none left). With the answer's Retry-After, no call starts before it, and the paced line
   * resumes after it (capped at MAX_RETRY_AFTER_SECONDS from now, however many answers say so: a
   * wrong or hostile value must not stop the process for long).
   */
  throttled(retryAfterSeconds?: number): void {
    const now = this.#refill();
    this.#stats.throttled += 1;
    this.#rate = Math.max(this.#minRate, this.#rate / 2);
    // No saved-up burst; the waiting calls keep their places and are paced at the slowed rate.
    this.#tokens = Math.min(this.#tokens, 0);
    const pauseSeconds = Math.min(MAX_RETRY_AFTER_SECONDS, Number.isFinite(retryAfterSeconds) ? Math.max(0, retryAfterSeconds ?? 0) : 0);
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pauseSeconds * 1000);
  }

  /** A call went through: win back a little of the configured rate. */
  succeeded(): void {
    if (this.#rate >= this.#maxRate) return;
    this.#refill();
    this.#rate = Math.min(this.#maxRate, this.#rate + this.#maxRate * RECOVERY_STEP);
  }

  stats(): CallBudgetStats {
    return { ...this.#stats, ratePerSecond: this.#rate };
  }
}

/** Attempts of one call in all while AWS throttles it. */
const THROTTLED_ATTEMPTS = 3;

/**
 * One AWS call under the budget: `takeToken` waits for (or is refused) a token, `send` makes the
 * attempt. A throttling answer slows `budget` down (and pauses it for the answer's Retry-After)
 * and the call is sent again with its next token, THROTTLED_ATTEMPTS in all: the Lattice client
 * retries no throttling itself (see TransientRetryStrategy). Without a budget to slow (another
 * API's call), one attempt.
 */
export async function sendPaced<T>(budget: CallBudget | undefined, takeToken: () => Promise<void>, send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    await takeToken();
    try {
      const result = await send();
      budget?.succeeded();
      return result;
    } catch (error) {
      if (!isThrottling(error)) throw error;
      budget?.throttled((error as { retryAfterSeconds?: number }).retryAfterSeconds);
      if (budget === undefined || attempt >= THROTTLED_ATTEMPTS) throw error;
    }
  }
}
