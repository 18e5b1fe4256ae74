/**
 * One ACM call: admission (count, latency, auth, faults — not the Lattice throttle) → body →
 * operation. Errors from the shared admission path are Lattice-typed and converted here.
 */
import type { ServerResponse } from 'node:http';
import { admitCall, applyThenFail, callerRegion, unsigned, type RawRequest } from '../admission';
import { LatticeApiError } from '../errors';
import type { EmulatorRuntime } from '../runtime';
import { AcmError, acmErrorFrom } from './errors';
import { parseJsonBody } from './input';
import { acmOperation, sendAcmError, sendAcmResult } from './protocol';

async function runAcmCall(runtime: EmulatorRuntime, request: RawRequest, target: string): Promise<{ name: string; output: object }> {
  const operation = acmOperation(target);
  if (operation === undefined) {
    if (request.authorization === undefined) throw unsigned();
    throw new AcmError('UnknownOperationException', `The emulator serves no operation ${target}`);
  }
  const committed = await admitCall(runtime, request, operation.name, false);
  const now = runtime.clock();
  runtime.store.sweep(now);
  const context = {
    certificates: runtime.certificates,
    lattice: runtime.store,
    region: callerRegion(runtime, request),
    defaultPageSize: runtime.settings.defaultPageSize,
    accountId: runtime.accountId,
    now: runtime.clock,
  };
  return { name: operation.name, output: applyThenFail(committed, () => operation.run(context, parseJsonBody(request.body))) };
}

export async function handleAcm(runtime: EmulatorRuntime, request: RawRequest, target: string, response: ServerResponse): Promise<void> {
  const { requestId } = request;
  try {
    const { name, output } = await runAcmCall(runtime, request, target);
    sendAcmResult(response, output, requestId);
    runtime.logger.debug({ requestId, operation: name, status: 200 }, 'acm call');
  } catch (caught) {
    const error = caught instanceof LatticeApiError ? acmErrorFrom(caught) : caught;
    if (!(error instanceof AcmError)) throw error;
    runtime.logger.debug({ requestId, target, errorType: error.errorType, message: error.message }, 'acm call failed');
    sendAcmError(response, error, requestId);
  }
}
