import type { FastifyRequest } from 'fastify';
import type { ErrorCode } from '../errors';
import type { ErrorBody } from './errorReply';

interface Translation {
  code: ErrorCode;
  message(error: Error, request: FastifyRequest): string;
  path?: string;
}

/**
 * The parser's message quotes the body around the error, and a body may carry Secret data: only
 * the position goes into our answer.
 */
const invalidJson: Translation = {
  code: 'LGW_HOOK_INVALID_JSON',
  message: (error) => {
    const position = /position (\d+)/.exec(error.cause instanceof Error ? error.cause.message : error.message)?.[1];
    return (error as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
      ? 'request body is empty'
      : `request body is not valid JSON${position ? ` (at position ${position})` : ''}`;
  },
  path: '/',
};

/** Fastify's own errors that a hook request can meet, by Fastify code, and the code we answer them with. */
const FASTIFY_ERRORS: Readonly<Record<string, Translation>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'LGW_HOOK_BODY_TOO_LARGE',
    message: (_error, request) => `request body exceeds ${request.routeOptions.bodyLimit} bytes (BODY_LIMIT_BYTES)`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'LGW_HOOK_UNSUPPORTED_MEDIA_TYPE', message: () => 'hook requests must be application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: invalidJson,
  FST_ERR_CTP_INVALID_JSON_BODY: invalidJson,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'LGW_HOOK_INVALID_JSON',
    message: () => 'request body is not as long as its Content-Length says',
    path: '/',
  },
  // A path that does not decode names no route, let alone a hook.
  FST_ERR_BAD_URL: {
    code: 'LGW_HOOK_NOT_FOUND',
    message: (_error, request) => `no route ${request.method} ${request.url}: the path is not valid URL encoding`,
  },
};

/** Which of our codes answers each Fastify error (for the documentation test). */
export const FASTIFY_ERROR_CODES: Readonly<Record<string, ErrorCode>> = Object.fromEntries(
  Object.entries(FASTIFY_ERRORS).map(([fastifyCode, translation]) => [fastifyCode, translation.code]),
);

/**
 * A request body that could not be read (the client went away mid-body, say): the stream's error
 * carries a 4xx status. The client's doing, so a 400, not an internal error.
 */
const unreadableBody: Translation = { code: 'LGW_HOOK_INVALID_JSON', message: () => 'request body could not be read', path: '/' };

/** Our answer to one of Fastify's own errors, or undefined for any other error. */
export function translateFastifyError(error: unknown, request: FastifyRequest): ErrorBody | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code: fastifyCode, statusCode } = error as { code?: unknown; statusCode?: unknown };
  const translation =
    typeof fastifyCode === 'string' && Object.hasOwn(FASTIFY_ERRORS, fastifyCode)
      ? FASTIFY_ERRORS[fastifyCode]
      : typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500
        ? unreadableBody
        : undefined;
  return translation && { code: translation.code, message: translation.message(error, request), path: translation.path ?? '' };
}
