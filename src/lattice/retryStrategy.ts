/**
 * The Lattice client's retries (the SDK's RetryStrategyV2 contract, typed here by shape):
 * transient errors (5xx 500/502/503/504, timeouts, lost connections) are retried as the SDK's
 * standard mode does — up to `maxAttempts` in all, after an exponential backoff with full jitter,
 * longer when the answer names a Retry-After — but a throttling answer is not. The SDK would retry
 * it after its own delay, outside the process's call budget: an attempt the budget does not know
 * of, spending the account's rate which the budget believes it still has, so that the next paced
 * call is throttled too. The call budget's caller (CallSession, DirectoryApi) sends it again with
 * the budget's next token instead (see sendPaced).
 */

type ErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

interface AttemptToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 20_000;
/** A Retry-After longer than the backoff is honoured up to this much more. */
const MAX_HINT_EXTRA_MS = 5_000;

const RETRIED = new Set<ErrorType>(['TRANSIENT']);

function token(retryCount: number, retryDelay: number): AttemptToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => retryDelay };
}

export class TransientRetryStrategy {
  constructor(
    readonly maxAttempts: number,
    readonly random: () => number = Math.random,
  ) {}

  async acquireInitialRetryToken(): Promise<AttemptToken> {
    return token(0, 0);
  }

  /** The token of the next attempt (the SDK waits its delay, abortably); throws to give up. */
  async refreshRetryTokenForRetry(
    previous: AttemptToken,
    errorInfo: { errorType: ErrorType; retryAfterHint?: Date },
  ): Promise<AttemptToken> {
    const retries = previous.getRetryCount() + 1;
    if (!RETRIED.has(errorInfo.errorType) || retries >= this.maxAttempts) throw new Error('not retried');
    const backoff = this.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** previous.getRetryCount());
    const hinted = errorInfo.retryAfterHint ? errorInfo.retryAfterHint.getTime() - Date.now() : 0;
    return token(retries, Math.max(backoff, Math.min(hinted, backoff + MAX_HINT_EXTRA_MS)));
  }

  recordSuccess(): void {}
}
