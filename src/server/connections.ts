import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_CODES, statusCodeOf, type ErrorCode } from '../errors';
import type { ErrorBody } from './errorReply';

/**
 * What the server allows a connection before any route sees a request: how long its parts may
 * take, and how requests the HTTP parser refuses are answered (with our error body, as every
 * other answer).
 */

/** Headers arrive at once from any real client (the whole request has REQUEST_TIMEOUT_MS, in app.ts). */
const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node looks for requests past those timeouts (its default, 30 s, let a request live 30 s longer). */
const CONNECTIONS_CHECKING_INTERVAL_MS = 2_000;
/** A TLS client that sends no ClientHello holds its socket no longer (Node's default is 120 s). */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Options of the HTTP server Fastify creates (and of the HTTPS one, with its key and certificate). */
export const HTTP_SERVER_OPTIONS = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
};

export function httpsServerOptions(tls: { key: Buffer; cert: Buffer }) {
  return { ...tls, ...HTTP_SERVER_OPTIONS, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS };
}

/** The code of a request Node's HTTP parser refused (Fastify's `clientErrorHandler`). */
function clientErrorCode(error: { code?: string }): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'LGW_HOOK_REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'LGW_HOOK_HEADERS_TOO_LARGE';
  return 'LGW_HOOK_BAD_REQUEST';
}

/**
 * Answers a request the HTTP parser refused (malformed, too slow, headers too large) with our
 * error body, then closes the connection: what follows on it cannot be trusted to be a request.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = clientErrorCode(error);
  const status = statusCodeOf(code);
  const answer: ErrorBody = { code, message: ERROR_CODES[code].description, path: '' };
  const body = JSON.stringify(answer);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}
