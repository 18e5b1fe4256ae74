/**
 * What every API call goes through before its operation runs, whichever protocol carries it:
 * count → latency → auth → throttle → faults. Throws the error to return, if any.
 */
import { AccessDeniedError, ThrottlingError } from './errors';
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
export async function admitCall(runtime: EmulatorRuntime, request: RawRequest, operation: string, throttled: boolean): Promise<void> {
  runtime.calls.record(operation);
  await sleep(runtime.settings.latencyMs);
  if (request.authorization === undefined) throw unsigned();
  const retryAfter = throttled ? runtime.throttle() : undefined;
  if (retryAfter !== undefined) throw new ThrottlingError('Rate exceeded', retryAfter);
  const fault = runtime.faults.decide(operation);
  await sleep(fault.delayMs);
  if (fault.error !== undefined) throw fault.error;
}
