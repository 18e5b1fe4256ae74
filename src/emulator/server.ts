/**
 * The HTTP front of the emulator: one node:http server for the admin API, ACM and the tagging API (awsJson1_1), STS
 * (awsQuery), Lambda (restJson1 under /2015-03-31/) and VPC Lattice (restJson1). A Lattice call goes: count → latency → auth → throttle →
 * faults → route/validate → operation (→ a committed fault's failure).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAcm } from './acm/handler';
import { handleLambda, isLambdaRequest, LAMBDA_OPERATION_NAMES } from './lambda/handler';
import { ACM_OPERATION_NAMES, isJsonRpcRequest } from './acm/protocol';
import { ADMIN_PREFIX, handleAdmin } from './admin';
import { admitCall, applyThenFail, callerRegion, unsigned, type RawRequest } from './admission';
import { AccessDeniedError, InternalServerError, LatticeApiError, ValidationError } from './errors';
import { ConnectionReset } from './faults';
import { readBody, send, sendJson, sendLatticeError } from './http';
import { LATTICE_OPERATIONS } from './operations';
import { gatherInput, Router } from './router';
import { EmulatorRuntime, type EmulatorOptions } from './runtime';
import { callerIdentityXml, isStsRequest, STS_OPERATIONS, stsAction, stsErrorXml } from './sts';
import { handleTagging, isTaggingTarget, TAGGING_OPERATION_NAMES } from './tagging';

export interface RunningEmulator {
  /** `http://<host>:<port>`, for the SDK's `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

const ROUTER = new Router(LATTICE_OPERATIONS);
const OPERATION_NAMES: ReadonlySet<string> = new Set([
  ...LATTICE_OPERATIONS.map((op) => op.name),
  ...STS_OPERATIONS,
  ...ACM_OPERATION_NAMES,
  ...LAMBDA_OPERATION_NAMES,
  ...TAGGING_OPERATION_NAMES,
]);

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const mark = url.indexOf('?');
  return mark === -1
    ? { path: url, query: new URLSearchParams() }
    : { path: url.slice(0, mark), query: new URLSearchParams(url.slice(mark + 1)) };
}

async function handleLattice(runtime: EmulatorRuntime, request: RawRequest, response: ServerResponse): Promise<void> {
  const match = ROUTER.match(request.method, request.path);
  if (match === undefined) {
    if (request.authorization === undefined) throw unsigned();
    throw new ValidationError('unknownOperation', `No VPC Lattice operation is served at ${request.method} ${request.path}`);
  }
  const { operation } = match;
  const committed = await admitCall(runtime, request, operation.name, true);
  const now = runtime.clock();
  const { store, settings } = runtime;
  store.sweep(now);
  const output = applyThenFail(committed, () => {
    const result = operation.run(
      { store, now, settings, scope: { region: callerRegion(runtime, request), accountId: runtime.callerAccountId } },
      gatherInput(match, request.query, request.body),
    );
    // Only a write can change which target groups rules forward to; a fleet's reads skip the scan.
    if (!/^(Get|List)/.test(operation.name)) store.refreshTargetGroupUsage(now, settings.transitionMs);
    return result;
  });
  const headers = { 'x-amzn-requestid': request.requestId };
  if (operation.successCode === 204 || output === undefined) send(response, operation.successCode, headers);
  else sendJson(response, operation.successCode, output, headers);
  runtime.logger.debug({ requestId: request.requestId, operation: operation.name, status: operation.successCode }, 'lattice call');
}

async function handleSts(runtime: EmulatorRuntime, request: RawRequest, response: ServerResponse): Promise<void> {
  const action = stsAction(request.body, request.query);
  const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': request.requestId };
  try {
    if (action !== 'GetCallerIdentity') {
      send(response, 400, headers, stsErrorXml('InvalidAction', `Could not find operation ${action ?? '(none)'}`, 400, request.requestId));
      return;
    }
    applyThenFail(await admitCall(runtime, request, action, false), () => undefined);
    send(response, 200, headers, callerIdentityXml(runtime.callerAccountId, callerRegion(runtime, request), request.requestId));
  } catch (error) {
    if (!(error instanceof LatticeApiError)) throw error;
    const code = error instanceof AccessDeniedError ? 'MissingAuthenticationToken' : error.errorType;
    const retry: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
    send(response, error.status, { ...headers, ...retry }, stsErrorXml(code, error.message, error.status, request.requestId));
  }
}

async function handle(runtime: EmulatorRuntime, incoming: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  try {
    const { path, query } = splitUrl(incoming.url ?? '/');
    const method = incoming.method ?? 'GET';
    const body = await readBody(incoming);
    if (body === undefined) throw new ValidationError('other', 'The request body is too large');
    const request: RawRequest = { requestId, method, path, query, body, authorization: incoming.headers.authorization };
    const target = incoming.headers['x-amz-target'];
    if (path.startsWith(ADMIN_PREFIX)) handleAdmin(runtime, OPERATION_NAMES, request, response);
    else if (isJsonRpcRequest(method, path, target))
      await (isTaggingTarget(target) ? handleTagging : handleAcm)(runtime, request, target, response);
    else if (isStsRequest(method, path, incoming.headers['content-type'])) await handleSts(runtime, request, response);
    else if (isLambdaRequest(path)) await handleLambda(runtime, request, response);
    else await handleLattice(runtime, request, response);
  } catch (error) {
    if (error instanceof ConnectionReset) {
      // No status line, no body: the client sees the socket close (ECONNRESET / socket hang up).
      runtime.logger.debug({ requestId, message: error.message }, 'connection reset');
      incoming.socket.destroy();
      return;
    }
    if (error instanceof LatticeApiError) {
      runtime.logger.debug({ requestId, errorType: error.errorType, message: error.message }, 'lattice call failed');
      runtime.calls.recordError(error.errorType);
      sendLatticeError(response, requestId, error);
      return;
    }
    runtime.logger.error({ requestId, err: error }, 'unexpected emulator error');
    if (!response.headersSent) sendLatticeError(response, requestId, new InternalServerError('The emulator failed unexpectedly'));
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Hosts that listen everywhere are reached through the loopback address. */
function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const runtime = new EmulatorRuntime(options);
  const server = createServer((incoming, response) => void handle(runtime, incoming, response));
  const host = options.host ?? '127.0.0.1';
  const address = await listen(server, options.port ?? 0, host);
  const endpoint = `http://${endpointHost(host)}:${address.port}`;
  runtime.logger.debug({ endpoint }, 'VPC Lattice emulator listening');
  return {
    endpoint,
    port: address.port,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
