/**
 * One Lambda call, restJson1 under `/2015-03-31/`: admission (count, latency, auth, faults — not
 * the Lattice throttle) → route → operation. Answers are JSON; errors are Lambda-typed.
 */
import type { ServerResponse } from 'node:http';
import { admitCall, applyThenFail, callerRegion, unsigned, type RawRequest } from '../admission';
import { LatticeApiError } from '../errors';
import { send, sendJson } from '../http';
import type { EmulatorRuntime } from '../runtime';
import { LambdaError, lambdaErrorFrom } from './errors';
import { LAMBDA_OPERATIONS, type LambdaOperation } from './operations';

const API_PREFIX = '/2015-03-31';

export const LAMBDA_OPERATION_NAMES: readonly string[] = LAMBDA_OPERATIONS.map((op) => op.name);

export function isLambdaRequest(path: string): boolean {
  return path === `${API_PREFIX}/functions` || path.startsWith(`${API_PREFIX}/functions/`);
}

function match(method: string, path: string): { operation: LambdaOperation; params: Record<string, string> } | undefined {
  const segments = path.slice(API_PREFIX.length).split('/').slice(1);
  for (const operation of LAMBDA_OPERATIONS) {
    if (operation.method !== method) continue;
    const template = operation.path.split('/').slice(1);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = template.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
        return segment !== '';
      }
      return part === segment;
    });
    if (fits) return { operation, params };
  }
  return undefined;
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new LambdaError('InvalidParameterValueException', 'Could not parse request body into json');
}

async function run(runtime: EmulatorRuntime, request: RawRequest): Promise<{ operation: LambdaOperation; output: object | undefined }> {
  const found = match(request.method, request.path);
  if (!found) {
    if (request.authorization === undefined) throw unsigned();
    throw new LambdaError('ResourceNotFoundException', `The emulator serves no Lambda operation at ${request.method} ${request.path}`);
  }
  const committed = await admitCall(runtime, request, found.operation.name, false);
  const context = { store: runtime.lambda, region: callerRegion(runtime, request), accountId: runtime.accountId, now: runtime.clock() };
  const output = applyThenFail(committed, () =>
    found.operation.run(context, { params: found.params, query: request.query, body: parseBody(request.body) }),
  );
  return { operation: found.operation, output };
}

export async function handleLambda(runtime: EmulatorRuntime, request: RawRequest, response: ServerResponse): Promise<void> {
  const { requestId } = request;
  try {
    const { operation, output } = await run(runtime, request);
    const headers = { 'x-amzn-requestid': requestId };
    if (output === undefined) send(response, operation.successCode, headers);
    else sendJson(response, operation.successCode, output, headers);
    runtime.logger.debug({ requestId, operation: operation.name, status: operation.successCode }, 'lambda call');
  } catch (caught) {
    const error = caught instanceof LatticeApiError ? lambdaErrorFrom(caught) : caught;
    if (!(error instanceof LambdaError)) throw error;
    runtime.logger.debug({ requestId, errorType: error.errorType, message: error.message }, 'lambda call failed');
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.errorType };
    if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
    sendJson(response, error.status, error.body(), headers);
  }
}
