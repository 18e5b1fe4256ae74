import { connect } from 'node:net';
import type { HookController } from '../../src/controllers/types';
import type { HookName } from '../../src/metacontroller/types';
import { gatewayClassDecorator, testApp, type TestApp } from '../support/app';
import { decoratorController, decoratorSyncBody, gatewayClass } from '../support/objects';

const TOKEN = 'correct-horse-battery-staple';
const HOOKS: readonly HookName[] = ['sync', 'customize', 'finalize'];

/** A controller with every hook, counting the calls that reach a handler. */
function probeController(reached: string[]): HookController {
  return gatewayClassDecorator(
    'probe',
    {
      customize() {
        reached.push('customize');
        return { relatedResources: [] };
      },
      sync() {
        reached.push('sync');
        return {};
      },
      finalize() {
        reached.push('finalize');
        return { finalized: true };
      },
    },
    { customize: true, finalize: true },
  );
}

function bodyOf(hook: HookName): Record<string, unknown> {
  const object = gatewayClass('lattice');
  return hook === 'customize'
    ? { controller: decoratorController('lattice-probe'), parent: object }
    : decoratorSyncBody('lattice-probe', object);
}

/** `%xx` of the first character of `segment`, in lower or upper case hex. */
function escapeFirst(segment: string, upper = false): string {
  const hex = segment.charCodeAt(0).toString(16);
  return `%${upper ? hex.toUpperCase() : hex}${segment.slice(1)}`;
}

/** Ways to spell the path of a hook that a router, a proxy or a URL parser might read as that hook. */
function pathVariants(hook: HookName): [string, string][] {
  const c = 'probe';
  return [
    ['the path itself', `/hooks/${c}/${hook}`],
    ['an escaped letter in "hooks"', `/%68ooks/${c}/${hook}`],
    ['an escaped letter in the controller', `/hooks/${escapeFirst(c)}/${hook}`],
    ['an escaped letter in the hook', `/hooks/${c}/${escapeFirst(hook)}`],
    ['mixed case escapes', `/h%6F%6fks/${c}/${escapeFirst(hook, true)}`],
    ['every letter escaped', `/${[...`hooks/${c}/${hook}`].map((ch) => (ch === '/' ? '/' : escapeFirst(ch))).join('')}`],
    ['an escaped leading slash', `/%2Fhooks/${c}/${hook}`],
    ['an escaped leading slash, lower case', `/%2fhooks/${c}/${hook}`],
    ['escaped slashes', `/hooks%2F${c}%2F${hook}`],
    ['an escaped slash before the hook', `/hooks/${c}%2f${hook}`],
    ['a double leading slash', `//hooks/${c}/${hook}`],
    ['a double inner slash', `/hooks//${c}/${hook}`],
    ['a double slash before the hook', `/hooks/${c}//${hook}`],
    ['a trailing slash', `/hooks/${c}/${hook}/`],
    ['a query string', `/hooks/${c}/${hook}?x=1`],
    ['a fragment', `/hooks/${c}/${hook}#x`],
    ['upper case "HOOKS"', `/HOOKS/${c}/${hook}`],
    ['capitalised "Hooks"', `/Hooks/${c}/${hook}`],
    ['an upper case hook', `/hooks/${c}/${hook.toUpperCase()}`],
    ['a dot segment', `/./hooks/${c}/${hook}`],
    ['an inner dot segment', `/hooks/./${c}/${hook}`],
    ['a dot-dot segment', `/hooks/../hooks/${c}/${hook}`],
    ['a dot-dot segment from elsewhere', `/healthz/../hooks/${c}/${hook}`],
    ['an escaped dot segment', `/%2e/hooks/${c}/${hook}`],
    ['an escaped dot-dot segment', `/hooks/%2e%2e/hooks/${c}/${hook}`],
    ['an upper case escaped dot-dot segment', `/hooks/%2E%2E/hooks/${c}/${hook}`],
    ['a matrix parameter on "hooks"', `/hooks;x=1/${c}/${hook}`],
    ['a matrix parameter on the hook', `/hooks/${c}/${hook};x=1`],
    ['an escaped semicolon', `/hooks/${c}/${hook}%3Bx=1`],
    ['a backslash', `/hooks\\${c}\\${hook}`],
    ['an escaped backslash', `/hooks%5C${c}%5C${hook}`],
    ['a doubly escaped letter', `/%2568ooks/${c}/${hook}`],
    ['a full-width letter', `/%EF%BD%88ooks/${c}/${hook}`],
    ['an undecodable escape', `/%68ooks/${c}/${hook}%zz`],
    ['a truncated UTF-8 escape', `/hooks/${c}/${hook}%E0%A4%A`],
    ['an overlong UTF-8 slash', `/hooks%c0%af${c}/${hook}`],
    ['a trailing escaped space', `/hooks/${c}/${hook}%20`],
    ['a trailing escaped NUL', `/hooks/${c}/${hook}%00`],
    ['an absolute URL', `http://localhost/hooks/${c}/${hook}`],
  ];
}

const cases = HOOKS.flatMap((hook) => pathVariants(hook).map(([name, url]) => [hook, name, url] as const));

describe('hook authentication, whatever the spelling of the path', () => {
  let t: TestApp;
  let reached: string[];
  beforeAll(async () => {
    reached = [];
    t = await testApp({ env: { HOOK_AUTH_TOKEN: TOKEN }, controllers: [probeController(reached)] });
  });
  afterAll(async () => t.app.close());
  beforeEach(() => reached.splice(0));

  it.each(HOOKS)('answers the %s hook with the token', async (hook) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/hooks/probe/${hook}`,
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: bodyOf(hook),
    });
    expect(res.statusCode).toBe(200);
    expect(reached).toEqual([hook]);
  });

  it.each(cases)('%s hook, %s (%s): 401 or 404 without the token, never the hook', async (hook, _name, url) => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-of-some-length' }]) {
      const res = await t.app.inject({ method: 'POST', url, headers, payload: bodyOf(hook) });
      expect([401, 404]).toContain(res.statusCode);
      expect(res.json().code).toBe(res.statusCode === 401 ? 'LGW_HOOK_UNAUTHORIZED' : 'LGW_HOOK_NOT_FOUND');
    }
    expect(reached).toEqual([]);
  });

  it.each(['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const)('answers %s on a hook path 401 without the token', async (method) => {
    const res = await t.app.inject({
      method,
      url: '/hooks/probe/sync',
      payload: method === 'GET' || method === 'OPTIONS' ? undefined : bodyOf('sync'),
    });
    expect(res.statusCode).toBe(401);
    expect(reached).toEqual([]);
  });

  describe('on a socket, where no client library normalises the path first', () => {
    let port: number;
    beforeAll(async () => {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      port = typeof address === 'object' && address !== null ? address.port : 0;
    });

    /** Sends the request target byte for byte and returns the status code. */
    function post(target: string, body: string): Promise<number> {
      return new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port });
        let answer = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => (answer += chunk));
        socket.on('error', reject);
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
        socket.end(
          `POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
    }

    it.each(cases)('%s hook, %s (%s): 401 or 404 without the token, never the hook', async (hook, _name, url) => {
      const status = await post(url, JSON.stringify(bodyOf(hook)));
      expect([401, 404]).toContain(status);
      expect(reached).toEqual([]);
    });
  });
});

describe('hook paths without HOOK_AUTH_TOKEN', () => {
  let t: TestApp;
  const reached: string[] = [];
  beforeAll(async () => {
    t = await testApp({ controllers: [probeController(reached)] });
  });
  afterAll(async () => t.app.close());

  // The router compares the decoded path, case-sensitively, with no slash or `;` forgiven.
  it.each([
    ['/hooks/probe/sync', 200],
    ['/%68ooks/probe/%73ync', 200],
    ['/hooks/probe/sync?x=1', 200],
    ['/hooks/probe/sync/', 404],
    ['//hooks/probe/sync', 404],
    ['/hooks//probe/sync', 404],
    ['/HOOKS/probe/sync', 404],
    ['/hooks/probe/SYNC', 404],
    ['/hooks/probe/sync;x=1', 404],
    ['/hooks%2Fprobe%2Fsync', 404],
  ])('%s → %d', async (url, status) => {
    const res = await t.app.inject({ method: 'POST', url, payload: bodyOf('sync') });
    expect(res.statusCode).toBe(status);
  });
});
