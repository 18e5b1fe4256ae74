import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HookRequestError, LatticeGwError, RetryLaterError } from '../errors';
import { hookRouteOf } from './hookRoute';

function errorBody(code: string, message: string, path = ''): { code: string; message: string; path: string } {
  return { code, message, path };
}

export interface ErrorHandlingOptions {
  bodyLimitBytes: number;
}

async function errorHandling(app: FastifyInstance, options: ErrorHandlingOptions): Promise<void> {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HookRequestError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.path));
    }
    if (error instanceof RetryLaterError) {
      request.log.warn({ code: error.code, retryAfterSeconds: error.retryAfterSeconds, err: error.cause }, error.message);
      return reply.code(429).header('retry-after', String(error.retryAfterSeconds)).send(errorBody(error.code, error.message));
    }
    const fastifyCode = (error as { code?: unknown }).code;
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(errorBody('LGW_HOOK_BODY_TOO_LARGE', `request body exceeds ${options.bodyLimitBytes} bytes (BODY_LIMIT_BYTES)`));
    }
    if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send(errorBody('LGW_HOOK_UNSUPPORTED_MEDIA_TYPE', 'hook requests must be application/json'));
    }
    if (fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      const detail = error instanceof Error ? error.message : 'unparsable body';
      return reply.code(400).send(errorBody('LGW_HOOK_INVALID_JSON', `request body is not valid JSON: ${detail}`, '/'));
    }
    const errorId = randomUUID();
    const code = error instanceof LatticeGwError ? error.code : 'LGW_HOOK_INTERNAL';
    const { controller, hook } = hookRouteOf(request);
    request.log.error({ err: error, errorId, code, controller, hook }, 'hook failed');
    return reply.code(500).send({ code: 'LGW_HOOK_INTERNAL', message: `internal error (error id ${errorId})`, errorId });
  });

  // Paths outside /hooks; the hook plugin answers the paths under it.
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send(errorBody('LGW_HOOK_NOT_FOUND', `no route ${request.method} ${request.url}`)),
  );
}

/**
 * The error and not-found handlers of the whole application. Not encapsulated (`skip-override`),
 * so that they are the root's and every plugin registered after them inherits them.
 */
export const errorHandlingPlugin = Object.assign(errorHandling, { [Symbol.for('skip-override')]: true });
