/**
 * The admin API under `/_emulator/` (no auth): inspect state and call counts, inject faults,
 * change latency/transitions/quotas/throttle, seed ACM certificates, declare which access log
 * destinations exist, reset. Bad input gets 400
 * `{ "message": … }`.
 */
import type { ServerResponse } from 'node:http';
import { seedCertificate } from './acm/seed';
import { certificatesSnapshot } from './acm/views';
import { AdminInputError } from './errors';
import { send, sendJson } from './http';
import type { EmulatorRuntime } from './runtime';
import { stateSnapshot } from './snapshot';
import { lambdaSnapshot } from './lambda/store';

export const ADMIN_PREFIX = '/_emulator/';

function parseJson(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new AdminInputError('the body is not valid JSON');
  }
}

type AdminHandler = (runtime: EmulatorRuntime, body: string, operations: ReadonlySet<string>) => { status: number; body?: unknown };

const ROUTES: Record<string, AdminHandler> = {
  'GET state': (runtime) => {
    const now = runtime.clock();
    runtime.store.sweep(now);
    const certificates = certificatesSnapshot(runtime.certificates, runtime.store);
    return { status: 200, body: { ...stateSnapshot(runtime.store, now), certificates, lambdaFunctions: lambdaSnapshot(runtime.lambda) } };
  },
  'GET calls': (runtime) => ({ status: 200, body: runtime.calls.snapshot() }),
  'DELETE calls': (runtime) => {
    runtime.calls.reset();
    return { status: 204 };
  },
  'GET faults': (runtime) => ({ status: 200, body: { faults: runtime.faults.list() } }),
  'POST faults': (runtime, body, operations) => ({ status: 201, body: runtime.faults.add(parseJson(body), operations) }),
  'DELETE faults': (runtime) => {
    runtime.faults.clear();
    return { status: 204 };
  },
  'GET config': (runtime) => ({ status: 200, body: runtime.settings }),
  'POST config': (runtime, body) => ({ status: 200, body: runtime.configure(parseJson(body)) }),
  'GET acm/certificates': (runtime) => {
    runtime.store.sweep(runtime.clock());
    return { status: 200, body: { certificates: certificatesSnapshot(runtime.certificates, runtime.store) } };
  },
  'POST acm/certificates': (runtime, body) => {
    const defaults = { accountId: runtime.accountId, region: runtime.defaultRegion, now: runtime.clock() };
    const certificate = seedCertificate(runtime.certificates, parseJson(body), defaults);
    return { status: 201, body: { certificateArn: certificate.arn } };
  },
  'GET destinations': (runtime) => ({ status: 200, body: runtime.store.accessLogDestinations.snapshot() }),
  'POST destinations': (runtime, body) => ({ status: 201, body: runtime.store.accessLogDestinations.declare(parseJson(body)) }),
  'DELETE destinations': (runtime) => {
    runtime.store.accessLogDestinations.clear();
    return { status: 204 };
  },
  'POST reset': (runtime) => {
    runtime.reset();
    return { status: 204 };
  },
};

export function handleAdmin(
  runtime: EmulatorRuntime,
  operations: ReadonlySet<string>,
  request: { method: string; path: string; body: string },
  response: ServerResponse,
): void {
  const handler = ROUTES[`${request.method} ${request.path.slice(ADMIN_PREFIX.length)}`];
  if (handler === undefined) {
    sendJson(response, 404, { message: `No admin endpoint ${request.method} ${request.path}` });
    return;
  }
  try {
    const result = handler(runtime, request.body, operations);
    if (result.body === undefined) send(response, result.status, {});
    else sendJson(response, result.status, result.body);
  } catch (error) {
    if (!(error instanceof AdminInputError)) throw error;
    sendJson(response, 400, { message: error.message });
  }
}
