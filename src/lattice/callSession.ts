import { RetryLaterError } from '../errors';
import type { Logger } from '../log';
import { BudgetExhausted, sendPaced, type CallBudget } from './callBudget';
import { isThrottling } from './awsErrors';

/** A call granted later than this before the deadline could not finish in time anyway. */
const MIN_CALL_MS = 250;

/**
 * The SDK's retry wraps a rejection that is no Error of its own realm (a node:http error seen from
 * a vm context) into `AWS SDK error wrapper for <name>: <message>`, dropping name and code.
 */
const WRAPPED_NETWORK_ERROR =
  /^AWS SDK error wrapper for (?:TimeoutError|AbortError|.*\b(?:socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE)\b)/;

/** Errors the SDK marks throttling or transient, and our own deadline: retry the whole hook later. */
function retryDelaySeconds(error: unknown): number | undefined {
  const e = error as {
    name?: string;
    message?: string;
    $retryable?: { throttling?: boolean };
    $metadata?: { httpStatusCode?: number };
    retryAfterSeconds?: number;
    code?: string;
  };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 1;
  // A connection lost mid-call: the call may have taken effect; the next pass finds out.
  if (typeof e?.message === 'string' && WRAPPED_NETWORK_ERROR.test(e.message)) return 1;
  if (isThrottling(error)) return e.retryAfterSeconds ?? 5;
  const status = e?.$metadata?.httpStatusCode;
  if (e?.name === 'InternalServerException' || (status !== undefined && status >= 500)) return e.retryAfterSeconds ?? 2;
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ECONNRESET' || e?.code === 'ETIMEDOUT' || e?.code === 'EPIPE') return 2;
  return undefined;
}

/** Whose rate a call spends: Lattice's, which the budget paces, or another API's. */
export type Quota = 'lattice' | 'other';

export interface CallRecord {
  operation: string;
  ok: boolean;
}

/**
 * The AWS calls of one hook invocation: each waits for its token of the process's call budget,
 * runs under the hook's deadline (aborted when it passes), transient failures — and a budget
 * that has no token before the deadline — become RetryLaterError (HTTP 429 to Metacontroller,
 * which retries without backoff and writes nothing), and every call is counted for the hook's log.
 */
export class CallSession {
  readonly calls: CallRecord[] = [];
  readonly #deadline: number;
  readonly #log: Logger;

  readonly #onCall: ((operation: string, ok: boolean) => void) | undefined;
  readonly #budget: CallBudget | undefined;

  constructor(options: { deadline: number; log: Logger; onCall?: (operation: string, ok: boolean) => void; budget?: CallBudget }) {
    this.#deadline = options.deadline;
    this.#log = options.log;
    this.#onCall = options.onCall;
    this.#budget = options.budget;
  }

  async #token(operation: string): Promise<void> {
    try {
      await this.#budget?.take(this.#deadline - MIN_CALL_MS);
    } catch (error) {
      if (!(error instanceof BudgetExhausted)) throw error;
      this.#log.info(
        { operation, retryAfterMs: Math.ceil(error.retryAfterMs) },
        'AWS call budget exhausted before the deadline; retrying later',
      );
      throw new RetryLaterError(`${operation}: ${error.message}`, error.retryAfterMs / 1000, error);
    }
  }

  get writes(): number {
    return this.calls.filter((c) => !/^(Get|List)/.test(c.operation)).length;
  }

  #record(operation: string, ok: boolean): void {
    this.calls.push({ operation, ok });
    this.#onCall?.(operation, ok);
  }

  /**
   * One call, each attempt with a token of the budget and under the deadline. A Lattice call
   * throttled is sent again with the budget's next token, and slows the budget (see sendPaced).
   * Another API's throttling (`quota: 'other'`: ACM, Lambda, the tagging API) says nothing of
   * Lattice's rate: it is not sent again here (the ACM and Lambda clients retry it themselves; a
   * throttled tagging call falls back to Lattice lists) and the budget is not slowed.
   */
  async run<T>(operation: string, send: (options: { abortSignal: AbortSignal }) => Promise<T>, quota: Quota = 'lattice'): Promise<T> {
    let attempts = 0;
    let aborted = false;
    const attempt = async (): Promise<T> => {
      const remaining = this.#deadline - Date.now();
      if (remaining <= 0) throw new RetryLaterError(`hook deadline reached before ${operation}`, 1);
      const abortSignal = AbortSignal.timeout(remaining);
      attempts += 1;
      try {
        return await send({ abortSignal });
      } finally {
        aborted = abortSignal.aborted;
      }
    };
    try {
      const result = await sendPaced(quota === 'lattice' ? this.#budget : undefined, () => this.#token(operation), attempt);
      this.#record(operation, true);
      return result;
    } catch (error) {
      // No token or no time left for an attempt: the call counts if an earlier attempt reached AWS.
      if (error instanceof RetryLaterError) {
        if (attempts > 0) this.#record(operation, false);
        throw error;
      }
      this.#record(operation, false);
      const retryAfter = aborted ? 1 : retryDelaySeconds(error);
      if (retryAfter !== undefined) {
        this.#log.warn(
          { operation, error: (error as Error).name, retryAfterSeconds: retryAfter },
          'AWS call failed transiently; retrying later',
        );
        // The AWS or network message (an endpoint's address, say) stays in the log, with the cause.
        throw new RetryLaterError(`${operation} failed transiently (${(error as Error).name})`, retryAfter, error);
      }
      throw error;
    }
  }

  /** Every item of a paginated list: one `run` per page, following `nextToken` to the end. */
  async all<T>(
    operation: string,
    page: (nextToken: string | undefined, options: { abortSignal: AbortSignal }) => Promise<{ items?: T[]; nextToken?: string }>,
  ): Promise<T[]> {
    const items: T[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await this.run(operation, (o) => page(token, o));
      items.push(...(output.items ?? []));
      nextToken = output.nextToken;
    } while (nextToken);
    return items;
  }
}
