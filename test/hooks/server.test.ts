import { HookRequestError, RetryLaterError } from '../../src/errors';
import type { HookController } from '../../src/controllers/types';
import { createControllers } from '../../src/controllers/registry';
import { gatewayClassDecorator, testApp, type TestApp } from '../support/app';
import { decoratorSyncBody, gateway, gatewayClass, route } from '../support/objects';

const TOKEN = 'correct-horse-battery-staple';

function throwingController(error: unknown): HookController {
  return gatewayClassDecorator('boom', {
    sync() {
      throw error;
    },
  });
}

describe('hook server', () => {
  let t: TestApp;
  afterEach(async () => t?.app.close());

  it('answers health, readiness and metrics', async () => {
    t = await testApp();
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    t.readiness.markNotReady('resolving AWS identity');
    const notReady = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ status: 'not ready', reason: 'resolving AWS identity' });
  });

  it('counts hook requests and their duration by controller, hook and outcome', async () => {
    t = await testApp();
    await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      payload: decoratorSyncBody('lattice-gatewayclass', gatewayClass('lattice')),
    });
    await t.app.inject({ method: 'POST', url: '/hooks/gatewayclass/sync', payload: { nope: true } });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('lattice_gw_hook_requests_total{controller="gatewayclass",hook="sync",outcome="success"} 1');
    expect(metrics).toContain('lattice_gw_hook_requests_total{controller="gatewayclass",hook="sync",outcome="invalid"} 1');
    expect(metrics).toMatch(/lattice_gw_hook_duration_seconds_count\{controller="gatewayclass",hook="sync",outcome="success"\} 1/);
  });

  it('says how long a hook took in a Server-Timing header, on answers and refusals alike, and only on hooks', async () => {
    t = await testApp();
    const answered = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      payload: decoratorSyncBody('lattice-gatewayclass', gatewayClass('lattice')),
    });
    expect(answered.headers['server-timing']).toMatch(/^hook;dur=\d+\.\d{2}$/);
    const refused = await t.app.inject({ method: 'POST', url: '/hooks/gatewayclass/sync', payload: { nope: true } });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['server-timing']).toMatch(/^hook;dur=/);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).headers['server-timing']).toBeUndefined();
  });

  it('reads a JSON body that starts with a byte order mark, as Fastify did', async () => {
    t = await testApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(JSON.stringify(decoratorSyncBody('lattice-gatewayclass', gatewayClass('lattice')))),
      ]),
    });
    expect(res.statusCode).toBe(200);
  });

  it('counts a hook however its path is spelled', async () => {
    t = await testApp();
    await t.app.inject({
      method: 'POST',
      url: '/%68ooks/gatewayclass/%73ync',
      payload: decoratorSyncBody('lattice-gatewayclass', gatewayClass('lattice')),
    });
    await t.app.inject({ method: 'POST', url: '/%68ooks/nosuch/sync', payload: {} });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('lattice_gw_hook_requests_total{controller="gatewayclass",hook="sync",outcome="success"} 1');
    expect(metrics).toContain('lattice_gw_hook_requests_total{controller="unknown",hook="unknown",outcome="not_found"} 1');
  });

  it('serves exactly the hooks its controllers declare', async () => {
    t = await testApp();
    const routes = t.app.printRoutes({ commonPrefix: false });
    for (const controller of createControllers()) {
      expect(routes).toContain(`/hooks/${controller.wiring.name}/sync (POST)`);
      expect(routes.includes(`/hooks/${controller.wiring.name}/finalize (POST)`)).toBe(controller.wiring.hooks.finalize);
    }
  });

  it.each([
    ['/hooks/nosuch/sync', 'nosuch'],
    ['/hooks/gatewayclass/finalize', 'finalize'],
    ['/hooks/gatewayclass/explode', 'explode'],
  ])('answers 404 for an unknown controller or hook: %s', async (url) => {
    t = await testApp();
    const res = await t.app.inject({ method: 'POST', url, payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'LGW_HOOK_NOT_FOUND' });
    expect(res.json().message).toContain('gatewayclass');
  });

  it.each(['/nosuch', '/HOOKS/gatewayclass/sync', '//hooks/gatewayclass/sync'])(
    'answers 404 outside /hooks without naming the controllers: %s',
    async (url) => {
      t = await testApp();
      const res = await t.app.inject({ method: 'POST', url, payload: {} });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: 'LGW_HOOK_NOT_FOUND', message: `no route POST ${url}`, path: '' });
    },
  );

  it('answers 404 with its error body for a path that is not valid URL encoding', async () => {
    t = await testApp();
    const res = await t.app.inject({ method: 'POST', url: '/hooks/gatewayclass/sync%zz', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'LGW_HOOK_NOT_FOUND', path: '' });
    expect(res.json().message).not.toContain('gatewayclass,');
  });

  it('answers 400 with the offending path for a malformed envelope', async () => {
    t = await testApp();
    const body = decoratorSyncBody('lattice-gatewayclass', gatewayClass('lattice'));
    delete (body.object as { metadata: { name?: string } }).metadata.name;
    const res = await t.app.inject({ method: 'POST', url: '/hooks/gatewayclass/sync', payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'LGW_HOOK_INVALID_ENVELOPE',
      message: 'invalid sync request: /object/metadata/name is required',
      path: '/object/metadata/name',
    });
  });

  it('answers 400 for a body that is not JSON, and 415 for another media type', async () => {
    t = await testApp();
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      headers: { 'content-type': 'application/json' },
      payload: '{"controller":',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'LGW_HOOK_INVALID_JSON', path: '/' });
    const empty = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().code).toBe('LGW_HOOK_INVALID_JSON');
    const text = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('LGW_HOOK_UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 LGW_HOOK_INVALID_OBJECT, naming the field, for an object of the wrong shape (the hook object or a related one)', async () => {
    t = await testApp();
    const classed = gateway('infra', 'edge', 'lattice');
    const notAList = route('HTTPRoute', 'apps', 'shop', [], {});
    (notAList.spec as Record<string, unknown>).parentRefs = { name: 'edge' };
    for (const url of ['/hooks/classifier/sync', '/hooks/httproute/sync']) {
      const res = await t.app.inject({ method: 'POST', url, payload: decoratorSyncBody('x', notAList, [classed]) });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        code: 'LGW_HOOK_INVALID_OBJECT',
        message: 'HTTPRoute apps/shop: /object/spec/parentRefs must be array',
        path: '/object/spec/parentRefs',
      });
    }
    const listeners = gateway('infra', 'edge', 'lattice', 'http' as unknown as unknown[]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/hooks/httproute/sync',
      payload: decoratorSyncBody('x', route('HTTPRoute', 'apps', 'shop', [{ name: 'edge', namespace: 'infra' }]), [listeners]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'LGW_HOOK_INVALID_OBJECT',
      path: '/related/Gateway.gateway.networking.k8s.io~1v1/infra~1edge/spec/listeners',
    });
  });

  it('answers 400 LGW_HOOK_INVALID_OBJECT with the exact message for a header match without a name (a field the CRD requires)', async () => {
    t = await testApp();
    const nameless = route('HTTPRoute', 'apps', 'shop', [{ name: 'edge', namespace: 'infra' }], {});
    (nameless.spec as Record<string, unknown>).rules = [{ matches: [{ headers: [{ value: 'v' }] }] }];
    const res = await t.app.inject({
      method: 'POST',
      url: '/hooks/httproute/sync',
      payload: decoratorSyncBody('x', nameless, [gateway('infra', 'edge', 'lattice')]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'LGW_HOOK_INVALID_OBJECT',
      message: "HTTPRoute apps/shop: /object/spec/rules/0/matches/0/headers/0 must have required property 'name'",
      path: '/object/spec/rules/0/matches/0/headers/0',
    });
  });

  const withoutNamespace = () => {
    const object = route('HTTPRoute', 'apps', 'shop', [{ name: 'edge', namespace: 'infra' }]);
    delete (object.metadata as { namespace?: string }).namespace;
    return object;
  };
  it.each([
    [
      'a parentRef without a name',
      () => route('HTTPRoute', 'apps', 'shop', [{ namespace: 'infra' } as never]),
      '/object/spec/parentRefs/0',
    ],
    ['a route without a namespace', withoutNamespace, '/object/metadata'],
    ['a namespace that is not a DNS label', () => route('HTTPRoute', 'A'.repeat(70), 'shop', []), '/object/metadata/namespace'],
    ['a name longer than 253 characters', () => route('HTTPRoute', 'apps', 'x'.repeat(254), []), '/object/metadata/name'],
    ['a name in capitals', () => route('HTTPRoute', 'apps', 'Shop', []), '/object/metadata/name'],
    ['a name with a space', () => route('HTTPRoute', 'apps', 'shop route', []), '/object/metadata/name'],
  ])(
    'answers 400 LGW_HOOK_INVALID_OBJECT for %s (the API server would refuse it; readers and Lattice names rely on it)',
    async (_what, make, path) => {
      t = await testApp();
      const res = await t.app.inject({
        method: 'POST',
        url: '/hooks/httproute/sync',
        payload: decoratorSyncBody('x', make(), [gateway('infra', 'edge', 'lattice')]),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'LGW_HOOK_INVALID_OBJECT', path });
    },
  );

  it('answers 400 LGW_HOOK_INVALID_OBJECT for a Gateway without spec', async () => {
    t = await testApp();
    const specless = { ...gateway('infra', 'edge', 'lattice'), spec: undefined };
    const res = await t.app.inject({ method: 'POST', url: '/hooks/gateway/sync', payload: decoratorSyncBody('x', specless as never) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'LGW_HOOK_INVALID_OBJECT', path: '/object' });
  });

  it('answers 400 LGW_HOOK_INVALID_OBJECT for a hook object of a kind the hook does not serve (its shape would go unchecked)', async () => {
    t = await testApp();
    const classed = gateway('infra', 'edge', 'lattice');
    // Another kind, a kind that is no kind, and spellings of a served kind its shape check would not know.
    const shop = route('HTTPRoute', 'apps', 'shop', []);
    const notRoutes = [classed, { ...shop, kind: 'HTTPRoutez' }, { ...shop, kind: 'HTTPROUTE' }, { ...shop, kind: 'httproute' }];
    for (const object of notRoutes) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/hooks/httproute/sync',
        payload: decoratorSyncBody('x', object as never, [classed]),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'LGW_HOOK_INVALID_OBJECT', path: '/object/kind' });
    }
    for (const [url, kind] of [
      ['/hooks/iamauthpolicy/sync', 'IAMAuthPolicQ'],
      ['/hooks/gateway/sync', 'GATEWAY'],
    ]) {
      const res = await t.app.inject({ method: 'POST', url, payload: decoratorSyncBody('x', { ...classed, kind } as never) });
      expect(res.json()).toMatchObject({ code: 'LGW_HOOK_INVALID_OBJECT', path: '/object/kind' });
    }
    const ok = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      payload: decoratorSyncBody('x', gatewayClass('lattice')),
    });
    expect(ok.statusCode).toBe(200);
  });

  it('never echoes the body of a request that is not JSON (it may carry Secret data)', async () => {
    t = await testApp();
    for (const payload of [
      '{"object": {"data": {"tls.key": "c2VjcmV0LWtleS1ieXRlcw=="}}, oops',
      '{"key": s3cr3t-value}',
      '{"a": "b"} trailing-s3cr3t',
      's3cr3t',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/hooks/gatewayclass/sync',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('LGW_HOOK_INVALID_JSON');
      expect(res.body).not.toMatch(/c2VjcmV0|s3cr3t|oops|trailing/);
      expect(res.json().message).toMatch(/^request body is not valid JSON( \(at position \d+\))?$/);
    }
  });

  it('answers 400, not an internal error, for a body shorter than its Content-Length, and says where JSON breaks', async () => {
    t = await testApp();
    const post = (payload: string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/hooks/gatewayclass/sync',
        headers: { 'content-type': 'application/json', ...headers },
        payload,
      });
    const short = await post('{"a":1}', { 'content-length': '20' });
    expect([short.statusCode, short.json().code]).toEqual([400, 'LGW_HOOK_INVALID_JSON']);
    const trailing = await post('{"a": 1} x');
    expect(trailing.json().message).toBe('request body is not valid JSON (at position 9)');
  });

  it('answers 413 above BODY_LIMIT_BYTES and accepts large bodies below it', async () => {
    t = await testApp({ env: { BODY_LIMIT_BYTES: String(1024 * 1024) } });
    const filler = 'x'.repeat(1024 * 1024);
    const tooLarge = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      payload: decoratorSyncBody('lattice-gatewayclass', gatewayClass('lattice', undefined, { description: filler })),
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toEqual({
      code: 'LGW_HOOK_BODY_TOO_LARGE',
      message: 'request body exceeds 1048576 bytes (BODY_LIMIT_BYTES)',
      path: '',
    });
    await t.app.close();

    t = await testApp();
    const big = decoratorSyncBody(
      'lattice-gatewayclass',
      gatewayClass('lattice', undefined, { description: 'y'.repeat(12 * 1024 * 1024) }),
    );
    const ok = await t.app.inject({ method: 'POST', url: '/hooks/gatewayclass/sync', payload: big });
    expect(ok.statusCode).toBe(200);
  });

  describe('with HOOK_AUTH_TOKEN', () => {
    it.each([
      [undefined, 401],
      ['Bearer wrong-token-of-some-length', 401],
      [`Basic ${TOKEN}`, 401],
      [`Bearer ${TOKEN}x`, 401],
      [`Bearer ${TOKEN}`, 200],
      [`bearer  ${TOKEN}`, 200],
    ])('Authorization %s → %d', async (authorization, status) => {
      t = await testApp({ env: { HOOK_AUTH_TOKEN: TOKEN } });
      const res = await t.app.inject({
        method: 'POST',
        url: '/hooks/gatewayclass/sync',
        headers: authorization ? { authorization } : {},
        payload: decoratorSyncBody('lattice-gatewayclass', gatewayClass('lattice')),
      });
      expect(res.statusCode).toBe(status);
      if (status === 401) {
        expect(res.json().code).toBe('LGW_HOOK_UNAUTHORIZED');
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it.each(['/hooks/nosuch/sync', '/%68ooks/nosuch/sync', '/hooks/gatewayclass/sync/', '/hooks/gatewayclass/explode', '/hooks'])(
      'does not reveal which hooks exist to an unauthenticated caller: %s',
      async (url) => {
        t = await testApp({ env: { HOOK_AUTH_TOKEN: TOKEN } });
        const res = await t.app.inject({ method: 'POST', url, payload: {} });
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe('LGW_HOOK_UNAUTHORIZED');
        expect(res.body).not.toContain('gatewayclass,');
      },
    );

    it('names the served controllers in a 404 to an authenticated caller', async () => {
      t = await testApp({ env: { HOOK_AUTH_TOKEN: TOKEN } });
      const res = await t.app.inject({
        method: 'POST',
        url: '/%68ooks/nosuch/sync',
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: {},
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('LGW_HOOK_NOT_FOUND');
      expect(res.json().message).toContain('served controllers: gatewayclass, classifier');
    });

    it.each(['/healthz', '/readyz', '/metrics'])('keeps %s open', async (url) => {
      t = await testApp({ env: { HOOK_AUTH_TOKEN: TOKEN } });
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(200);
    });

    it('counts the refused requests of a hook as unauthorized, however its path is spelled', async () => {
      t = await testApp({ env: { HOOK_AUTH_TOKEN: TOKEN } });
      await t.app.inject({ method: 'POST', url: '/%68ooks/gatewayclass/sync', payload: {} });
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('lattice_gw_hook_requests_total{controller="gatewayclass",hook="sync",outcome="unauthorized"} 1');
    });

    it('never logs the token', async () => {
      t = await testApp({ env: { HOOK_AUTH_TOKEN: TOKEN, LOG_LEVEL: 'trace' } });
      await t.app.inject({
        method: 'POST',
        url: '/hooks/gatewayclass/sync',
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: decoratorSyncBody('x', gatewayClass('lattice')),
      });
      expect(JSON.stringify(t.logs)).not.toContain(TOKEN);
    });
  });

  it('accepts __proto__ and constructor keys as data without polluting prototypes', async () => {
    t = await testApp();
    const payload = `{"controller":{"kind":"DecoratorController"},"object":{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"lattice","generation":1,"labels":{"__proto__":"x"},"annotations":{"constructor":"y"}},"spec":{"controllerName":"application-networking.k8s.aws/gateway-api-controller","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}},"status":{"__proto__":{"polluted":true}}},"related":{"ConfigMap.v1":{"a/b":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"a"},"data":{"__proto__":"evil"}}}}}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/sync',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    // The foreign status field survives as data in the status we return.
    expect(res.body).toContain('"__proto__":{"polluted":true}');
  });

  it('answers 500 with an error id that is also logged, and never a stack trace', async () => {
    t = await testApp({ controllers: [throwingController(new Error('secret internals at /srv/app.js:12'))] });
    const res = await t.app.inject({ method: 'POST', url: '/hooks/boom/sync', payload: decoratorSyncBody('x', gatewayClass('lattice')) });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.code).toBe('LGW_HOOK_INTERNAL');
    expect(body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).not.toContain('secret internals');
    expect(res.body).not.toContain('at ');
    const logged = t.logs.find((line) => line.errorId === body.errorId);
    expect(logged).toMatchObject({ level: 'error', controller: 'boom', hook: 'sync' });
    expect(JSON.stringify(logged)).toContain('secret internals');
  });

  it('answers a SyntaxError of a controller as an internal error, not as an invalid body', async () => {
    t = await testApp({ controllers: [throwingController(new SyntaxError('Unexpected token } in JSON'))] });
    const res = await t.app.inject({ method: 'POST', url: '/hooks/boom/sync', payload: decoratorSyncBody('x', gatewayClass('lattice')) });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('LGW_HOOK_INTERNAL');
  });

  it('answers a request error of a controller with its code, message, path and the status of its code', async () => {
    t = await testApp({
      controllers: [
        throwingController(new HookRequestError('LGW_HOOK_INVALID_ENVELOPE', 'invalid sync request: /related is odd', '/related')),
      ],
    });
    const res = await t.app.inject({ method: 'POST', url: '/hooks/boom/sync', payload: decoratorSyncBody('x', gatewayClass('lattice')) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'LGW_HOOK_INVALID_ENVELOPE', message: 'invalid sync request: /related is odd', path: '/related' });
  });

  it('answers 429 with Retry-After when the controller must retry later', async () => {
    t = await testApp({ controllers: [throwingController(new RetryLaterError('Lattice is throttling', 2.2))] });
    const res = await t.app.inject({ method: 'POST', url: '/hooks/boom/sync', payload: decoratorSyncBody('x', gatewayClass('lattice')) });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json().code).toBe('LGW_HOOK_RETRY_LATER');
  });
});
