import { connect, type Socket } from 'node:net';
import type { HookController } from '../../src/controllers/types';
import type { DecoratorHookRequest } from '../../src/metacontroller/types';
import { canonicalJson } from '../../src/model/canonicalJson';
import { nestedDeeperThan } from '../../src/server/errorHandling';
import { gatewayClassDecorator, testApp, type TestApp } from '../support/app';
import { decoratorSyncBody, gatewayClass } from '../support/objects';

const TOKEN = 'correct-horse-battery-staple';

/** A decorator controller of GatewayClasses whose sync runs `sync`. */
function controller(sync: (request: DecoratorHookRequest) => Promise<object> | object): HookController {
  return gatewayClassDecorator('probe', { sync: (request: DecoratorHookRequest) => sync(request) as never });
}

function post(url: string, body: string): string {
  return `POST ${url} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Listens on a free loopback port and returns it. */
async function listening(t: TestApp): Promise<number> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** A raw connection: what it received, and when and whether the server closed it. */
function rawConnection(port: number): { socket: Socket; received: () => string; closed: Promise<number> } {
  const started = Date.now();
  const socket = connect({ host: '127.0.0.1', port });
  let answer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  return { socket, received: () => answer, closed };
}

function bodyOfAnswer(answer: string): Record<string, unknown> {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

describe('connections: what the server allows before a route sees a request', () => {
  let t: TestApp;
  afterEach(async () => t?.app.close());

  it('answers a request the HTTP parser refuses with our error body, and closes the connection', async () => {
    t = await testApp();
    const port = await listening(t);
    const smuggled = rawConnection(port);
    smuggled.socket.write('POST /hooks/x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n');
    await smuggled.closed;
    expect(smuggled.received()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(smuggled.received()).toContain('Connection: close');
    expect(bodyOfAnswer(smuggled.received())).toMatchObject({ code: 'LGW_HOOK_BAD_REQUEST', path: '' });

    const huge = rawConnection(port);
    huge.socket.write(`GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await huge.closed;
    expect(huge.received()).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOfAnswer(huge.received())).toMatchObject({ code: 'LGW_HOOK_HEADERS_TOO_LARGE' });
  });

  it('ends a request whose headers do not arrive within 10 s with 408 and our body (not after a minute)', async () => {
    t = await testApp();
    const slow = rawConnection(await listening(t));
    slow.socket.write('POST /hooks/gatewayclass/sync HTTP/1.1\r\nHost: a\r\n');
    const after = await slow.closed;
    expect(after).toBeGreaterThanOrEqual(9_000);
    expect(after).toBeLessThan(20_000);
    expect(bodyOfAnswer(slow.received())).toMatchObject({ code: 'LGW_HOOK_REQUEST_TIMEOUT' });
  }, 30_000);

  it('closes the connection after refusing a request whose body it did not read (401), instead of reading the rest', async () => {
    t = await testApp({ env: { HOOK_AUTH_TOKEN: TOKEN } });
    const refused = rawConnection(await listening(t));
    // A body of 1 GiB is announced; only its first bytes are sent.
    refused.socket.write(
      'POST /hooks/gatewayclass/sync HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{"a":',
    );
    await refused.closed;
    expect(refused.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(refused.received().toLowerCase()).toContain('connection: close');
  });

  it('answers requests that arrive once the server is closing with 429 and Retry-After, not a 503', async () => {
    let release: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (release = resolve));
    t = await testApp({ controllers: [controller(async () => (await inFlight, {}))] });
    const kept = rawConnection(await listening(t));
    const body = JSON.stringify(decoratorSyncBody('lattice-probe', gatewayClass('lattice')));
    // A request in flight on a kept-alive connection; the next one on it arrives once the close has begun.
    kept.socket.write(post('/hooks/probe/sync', body));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    kept.socket.write(post('/hooks/probe/sync', body));
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await closing;
    await kept.closed;
    const answers = kept.received().split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 429']);
    expect(answers[1]?.toLowerCase()).toContain('retry-after: 1');
    expect(bodyOfAnswer(answers[1] ?? '')).toMatchObject({ code: 'LGW_HOOK_RETRY_LATER', message: 'the server is shutting down' });
  });
});

describe('bodies nested deeper than any Kubernetes object', () => {
  let t: TestApp;
  afterEach(async () => t?.app.close());

  it('are refused with 400 when they overflow the stack, not a failed hook', async () => {
    // As the drift check's fingerprint of a route's spec did before it was refused.
    t = await testApp({ controllers: [controller((request) => ({ labels: { fingerprint: canonicalJson(request.object).length } }))] });
    const body = JSON.stringify(
      decoratorSyncBody('lattice-probe', { ...gatewayClass('lattice'), spec: { controllerName: 'example.com/probe', deep: 'X' } }),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/hooks/probe/sync',
      headers: { 'content-type': 'application/json' },
      // JSON.stringify of 50,000 levels would overflow the stack itself.
      payload: body.replace('"X"', `${'['.repeat(50_000)}"bottom"${']'.repeat(50_000)}`),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'LGW_HOOK_INVALID_OBJECT', message: expect.stringContaining('more than 1000 levels') });
    expect(t.logs.filter((l) => l.msg === 'hook failed')).toEqual([]);
  });

  it('are measured without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(nestedDeeperThan(deep, 1_000)).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: { c: [1] } }] }, 1_000)).toBe(false);
  });
});
