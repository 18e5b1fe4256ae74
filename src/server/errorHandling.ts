import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HookRequestError, LatticeGwError, RetryLaterError, statusCodeOf } from '../errors';
import { sendError } from './errorReply';
import { translateFastifyError } from './fastifyErrors';
import { HOOKS_PREFIX, hookRouteOf } from './hookRoute';

/** No Kubernetes object nests anywhere near this deep; a body that does and overflowed the stack is refused, not a failed hook. */
const MAX_NESTING = 1_000;

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/** Whether `value` nests objects or lists deeper than `limit`, walked without recursion. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > limit) return true;
    if (next.value !== null && typeof next.value === 'object')
      for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/**
 * Answers every error that reaches Fastify: our client errors with their code and message,
 * Fastify's own through their translation, anything else as an internal error whose details
 * stay in the log under an error id.
 */
export function answerError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof RetryLaterError) {
    request.log.warn({ code: error.code, retryAfterSeconds: error.retryAfterSeconds, err: error.cause }, error.message);
    reply.header('retry-after', String(error.retryAfterSeconds));
  }
  if (error instanceof LatticeGwError && error.statusCode < 500) {
    return sendError(reply, error.code, error.message, error instanceof HookRequestError ? error.path : '');
  }
  const translated = translateFastifyError(error, request);
  if (translated) return sendError(reply, translated.code, translated.message, translated.path);
  if (isStackOverflow(error) && nestedDeeperThan(request.body, MAX_NESTING))
    return sendError(reply, 'LGW_HOOK_INVALID_OBJECT', `the request nests objects or lists more than ${MAX_NESTING} levels deep`);
  const errorId = randomUUID();
  const code = error instanceof LatticeGwError ? error.code : 'LGW_HOOK_INTERNAL';
  const { controller, hook } = hookRouteOf(request);
  request.log.error({ err: error, errorId, code, controller, hook }, 'hook failed');
  return reply
    .code(statusCodeOf('LGW_HOOK_INTERNAL'))
    .send({ code: 'LGW_HOOK_INTERNAL', message: `internal error (error id ${errorId})`, errorId });
}

/**
 * Whether the router sends a path to the hook plugin: it matches the percent-decoded path, except
 * for an encoded `/` (kept, so `/hooks%2Fx` is not under /hooks). When unsure, the answer is no:
 * an early 404 is harmless, a body read for nothing is what this guards against.
 */
function routedUnderHooks(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/%2f/gi, '%252F'));
  } catch {
    return false;
  }
  return decoded === HOOKS_PREFIX || decoded.startsWith(`${HOOKS_PREFIX}/`);
}

function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, 'LGW_HOOK_NOT_FOUND', `no route ${request.method} ${request.url}`);
}

async function errorHandling(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => answerError(error, request, reply));
  // A path outside /hooks that names no route is answered before its body is read: a body nobody
  // wants would otherwise be buffered, up to BODY_LIMIT_BYTES, for any caller and without a token.
  // Unknown paths under /hooks are the hook plugin's to answer, behind its authentication.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.is404 && !routedUnderHooks(request.url)) return notFound(request, reply);
    return undefined;
  });
  // Paths outside /hooks; the hook plugin answers the paths under it.
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => notFound(request, reply));
}

/**
 * The error and not-found handlers of the whole application. Not encapsulated (`skip-override`),
 * so that they are the root's and every plugin registered after them inherits them.
 */
export const errorHandlingPlugin = Object.assign(errorHandling, { [Symbol.for('skip-override')]: true });
