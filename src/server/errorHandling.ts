import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HookRequestError, LatticeGwError, RetryLaterError, statusCodeOf } from '../errors';
import { sendError } from './errorReply';
import { translateFastifyError } from './fastifyErrors';
import { hookRouteOf } from './hookRoute';

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
  const errorId = randomUUID();
  const code = error instanceof LatticeGwError ? error.code : 'LGW_HOOK_INTERNAL';
  const { controller, hook } = hookRouteOf(request);
  request.log.error({ err: error, errorId, code, controller, hook }, 'hook failed');
  return reply
    .code(statusCodeOf('LGW_HOOK_INTERNAL'))
    .send({ code: 'LGW_HOOK_INTERNAL', message: `internal error (error id ${errorId})`, errorId });
}

async function errorHandling(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => answerError(error, request, reply));
  // Paths outside /hooks; the hook plugin answers the paths under it.
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, 'LGW_HOOK_NOT_FOUND', `no route ${request.method} ${request.url}`),
  );
}

/**
 * The error and not-found handlers of the whole application. Not encapsulated (`skip-override`),
 * so that they are the root's and every plugin registered after them inherits them.
 */
export const errorHandlingPlugin = Object.assign(errorHandling, { [Symbol.for('skip-override')]: true });
