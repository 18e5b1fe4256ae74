import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errorReply';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * True when `authorization` is `Bearer <token>`. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of the presented value.
 */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const match = authorization === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  const presented = match?.[1] ?? '';
  const equal = timingSafeEqual(digest(presented), digest(token));
  return equal && match !== null;
}

/** An `onRequest` hook that answers 401 unless the request carries `token` as its bearer token. */
export function requireBearerToken(token: string): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    if (bearerTokenMatches(request.headers.authorization, token)) return;
    await sendError(reply.header('www-authenticate', 'Bearer'), 'LGW_HOOK_UNAUTHORIZED', 'missing or wrong bearer token (HOOK_AUTH_TOKEN)');
  };
}
