import { Agent, request } from 'undici';
import type { HookDefinition } from './manifests';

export type HookName = 'sync' | 'finalize' | 'customize';

/** One hook call as the driver made it, kept for tests and benchmarks to inspect. */
export interface HookCall {
  controller: string;
  hook: HookName;
  object: string;
  statusCode: number;
  /** The Retry-After header of a 429 answer, as sent (absent when the server sent none). */
  retryAfter?: string;
  /** Base URL of the server the call went to. */
  server?: string;
  /** Whether applying the answer wrote anything to the cluster. */
  wrote: boolean;
  /** Round trip of the HTTP call (benchmarks read it; tests do not assert on time). */
  durationMs: number;
  /** The hook's own time as the server reports it (Server-Timing `hook;dur`), without the caller's and the network's. */
  serverMs?: number;
  request: unknown;
  response: unknown;
}

/** A failed hook call or an answer Metacontroller would refuse: a sync error, retried with back-off. */
export class HookError extends Error {}

export type HookAnswer =
  | { kind: 'answer'; body: Record<string, unknown> }
  /** 429: call again after the Retry-After delay (0 when the header is missing or not in seconds). */
  | { kind: 'retry-later'; retryAfterSeconds: number };

export interface HookClientOptions {
  /** Base URL of the hook server; the in-cluster host of each hook is replaced by it. */
  baseUrl: string;
  /** Value of the Authorization header Metacontroller would send (webhook.authorization). */
  authorization?: string;
  /** HTTP agent (keep-alive, like Go's client); one of our own is made and closed otherwise. */
  agent?: Agent;
}

/** Posts hook requests as Metacontroller's webhook client does, with its error messages. */
export class HookClient {
  readonly #options: HookClientOptions;
  readonly #agent: Agent;
  readonly #ownAgent: boolean;
  #baseUrl: string;

  constructor(options: HookClientOptions) {
    this.#options = options;
    this.#baseUrl = options.baseUrl;
    this.#ownAgent = options.agent === undefined;
    this.#agent = options.agent ?? new Agent({ keepAliveTimeout: 90_000 });
  }

  async close(): Promise<void> {
    if (this.#ownAgent) await this.#agent.close();
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /**
   * Sends the following calls to another server (its Service now resolves elsewhere); calls in
   * flight finish where they were sent.
   */
  set baseUrl(url: string) {
    this.#baseUrl = url;
  }

  /** Posts `call.request` to the hook and records status code, duration and answer on `call`. */
  async post(hook: HookDefinition, call: HookCall): Promise<HookAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#options.authorization) headers.authorization = this.#options.authorization;
    let statusCode: number;
    let text: string;
    let retryAfter: string | undefined;
    const started = performance.now();
    const server = this.#baseUrl;
    call.server = server;
    try {
      const res = await request(`${server}${hook.path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(call.request),
        dispatcher: this.#agent,
        headersTimeout: hook.timeoutMs,
        bodyTimeout: hook.timeoutMs,
      });
      statusCode = res.statusCode;
      const header = res.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
      const timing = /(?:^|,)\s*hook;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''));
      if (timing) call.serverMs = Number(timing[1]);
      text = await res.body.text();
    } catch (error) {
      throw new HookError(`http error: Post "${hook.url}": ${(error as Error).message}`);
    } finally {
      call.durationMs = performance.now() - started;
    }
    call.statusCode = statusCode;
    if (statusCode === 429) {
      if (retryAfter !== undefined) call.retryAfter = retryAfter;
      return { kind: 'retry-later', retryAfterSeconds: retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : 0 };
    }
    if (statusCode !== 200) throw new HookError(`unsupported status code: ${statusCode} body: ${text}`);
    const body = parseAnswer(text, hook, call.hook);
    call.response = body;
    return { kind: 'answer', body };
  }
}

function parseAnswer(text: string, hook: HookDefinition, hookName: HookName): Record<string, unknown> {
  const what = `webhookResponse (version: ${hook.version}, type: ${hookName})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HookError(`can't unmarshal ${what}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HookError(`can't unmarshal ${what}: not an object`);
  return parsed as Record<string, unknown>;
}
