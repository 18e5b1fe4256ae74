import type { FastifyReply } from 'fastify';
import { statusCodeOf, type ErrorCode } from '../errors';

/** The body of every error answer but the internal one: `path` is a JSON pointer into the request, or empty. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  path: string;
}

/** Answers with `code`, at the HTTP status the error registry gives it. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string, path = ''): FastifyReply {
  const body: ErrorBody = { code, message, path };
  return reply.code(statusCodeOf(code)).send(body);
}
