import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

const { FST_ERR_CTP_BODY_TOO_LARGE, FST_ERR_CTP_INVALID_CONTENT_LENGTH, FST_ERR_CTP_EMPTY_JSON_BODY, FST_ERR_CTP_INVALID_JSON_BODY } =
  errorCodes;

type Done = (error: Error | null, body?: unknown) => void;

/**
 * Reads an `application/json` body, decoding its chunks as they arrive. Fastify's own parser joins
 * the chunks into one Buffer and decodes that at the end; for the 2 MB of a Gateway with 1,000
 * related routes, the copy and the whole-buffer UTF-8 decode cost about 11 ms per sync before
 * JSON.parse even starts. Limits and errors are Fastify's (same codes, so the same answers).
 * `__proto__` and `constructor` keys stay plain data: JSON.parse defines them as own properties.
 */
function readJson(request: FastifyRequest, payload: IncomingMessage, done: Done): void {
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  const contentLength = Number(request.headers['content-length']);
  if (contentLength > limit) {
    done(new FST_ERR_CTP_BODY_TOO_LARGE());
    return;
  }
  const decoder = new StringDecoder('utf8');
  let text = '';
  let received = 0;
  const stop = () => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  function onData(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += bytes.length;
    if (received > limit) {
      stop();
      done(new FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    text += decoder.write(bytes);
  }
  function onEnd(error?: Error & { statusCode?: number }): void {
    stop();
    if (error !== undefined && error !== null) {
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
      done(error);
      return;
    }
    if (!Number.isNaN(contentLength) && received !== contentLength) {
      done(new FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      return;
    }
    text += decoder.end();
    // A byte order mark is not JSON, but Fastify's parser accepted it.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.length === 0) {
      done(new FST_ERR_CTP_EMPTY_JSON_BODY());
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      done(new FST_ERR_CTP_INVALID_JSON_BODY());
      return;
    }
    done(null, body);
  }
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}

/** Replaces Fastify's `application/json` parser with readJson. */
export function parseJsonAsItArrives(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', readJson);
}
