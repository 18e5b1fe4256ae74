/** Request reading and response writing on node:http, in the wire formats the SDK parses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LatticeApiError } from './errors';

/** Far above any Lattice request (the largest member, an auth policy, is 36 KiB). */
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** The body as text, or undefined when it exceeds the limit. */
export async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > BODY_LIMIT_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(response: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
  response.writeHead(status, body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(response, status, { ...headers, 'content-type': 'application/json' }, JSON.stringify(body));
}

/** An awsJson1_1 answer (ACM, the tagging API): JSON with its own content type, errors included. */
export function sendAwsJson(response: ServerResponse, status: number, body: object, requestId: string): void {
  send(response, status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId }, JSON.stringify(body));
}

/** restJson1 errors: type in `x-amzn-errortype`, members in the body, Retry-After as a header. */
export function sendLatticeError(response: ServerResponse, requestId: string, error: LatticeApiError): void {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.errorType };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  sendJson(response, error.status, { message: error.message, ...error.members }, headers);
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
