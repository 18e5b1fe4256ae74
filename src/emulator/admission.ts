/**
 * What every API call goes through before its operation runs, whichever protocol carries it:
 * count → latency → auth → throttle → faults. Throws the error to return, if any; returns the
 * failure of a committing fault, which the caller raises once the operation has been applied.
 */
import { AccessDeniedError, ThrottlingError } from './errors';
import type { InjectedFailure } from './faults';
import { sleep } from './http';
import { regionFromAuthorization } from './ids';
import type { EmulatorRuntime } from './runtime';

export interface RawRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  readonly authorization: string | undefined;
}

/** The region of the SigV4 credential scope, else the emulator's default. */
export function callerRegion(runtime: EmulatorRuntime, request: RawRequest): string {
  return (request.authorization === undefined ? undefined : regionFromAuthorization(request.authorization)) ?? runtime.defaultRegion;
}

export function unsigned(): AccessDeniedError {
  return new AccessDeniedError('Missing Authentication Token: the request must be signed with AWS Signature Version 4');
}

/** `throttled`: whether the call draws from the throttle's bucket (Lattice calls only). */
export async function admitCall(
  runtime: EmulatorRuntime,
  request: RawRequest,
  operation: string,
  throttled: boolean,
): Promise<InjectedFailure | undefined> {
  runtime.calls.record(operation);
  await sleep(runtime.settings.latencyMs);
  if (request.authorization === undefined) throw unsigned();
  const retryAfter = throttled ? runtime.throttle() : undefined;
  if (retryAfter !== undefined) throw new ThrottlingError('Rate exceeded', retryAfter);
  const fault = runtime.faults.decide(operation);
  await sleep(fault.delayMs);
  if (fault.failure === undefined) return undefined;
  if (!fault.commit) throw fault.failure;
  return fault.failure;
}

/**
 * Runs an admitted operation. With a committed failure the operation takes effect (its own error,
 * if any, is swallowed) and the injected failure is what the caller sees: a lost response.
 */
export function applyThenFail<T>(committed: InjectedFailure | undefined, run: () => T): T {
  if (committed === undefined) return run();
  try {
    run();
  } catch {
    // The injected failure answers instead.
  }
  throw committed;
}
