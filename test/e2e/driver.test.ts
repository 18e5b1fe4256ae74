import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { FakeCluster } from '../../tools/metacontroller/cluster';
import { MetacontrollerDriver } from '../../tools/metacontroller/driver';
import { OUR_CONTROLLER } from '../support/objects';

/**
 * The driver is the stand-in for Metacontroller in every end-to-end test, so its own behaviour is
 * pinned here against a scripted hook server, protocol rule by protocol rule.
 */

type Handler = (body: Record<string, unknown>) => { status?: number; headers?: Record<string, string>; body: unknown };

const GW = 'gateway.networking.k8s.io';
const OURS = 'application-networking.k8s.aws';
const FINALIZER = 'metacontroller.io/decoratorcontroller-test-decorator';
const MANIFESTS = join(__dirname, '..', 'fixtures', 'driver-manifests');

function httpRoute(name: string, labels: Record<string, string> = { managed: 'true' }) {
  return { apiVersion: `${GW}/v1`, kind: 'HTTPRoute', metadata: { name, namespace: 'apps', labels }, spec: { parentRefs: [] } };
}

describe('Metacontroller driver', () => {
  let server: FastifyInstance;
  let cluster: FakeCluster;
  let driver: MetacontrollerDriver;
  const handlers = new Map<string, Handler>();
  const received: { path: string; body: Record<string, unknown> }[] = [];
  const baseUrl = () => `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;

  beforeEach(async () => {
    handlers.clear();
    received.length = 0;
    server = Fastify();
    server.post('/*', async (request, reply) => {
      const path = request.url;
      const body = request.body as Record<string, unknown>;
      received.push({ path, body });
      const handler = handlers.get(path);
      if (!handler) return reply.code(404).send({ error: 'no handler' });
      const answer = handler(body);
      return reply
        .code(answer.status ?? 200)
        .headers(answer.headers ?? {})
        .send(answer.body);
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    cluster = new FakeCluster();
    driver = new MetacontrollerDriver({ cluster, baseUrl: baseUrl(), manifestsDir: MANIFESTS, timeScale: 0.01 });
    handlers.set('/d/customize', () => ({
      body: { relatedResources: [{ apiVersion: 'v1', resource: 'services', namespace: 'apps', names: ['web'] }] },
    }));
  });

  afterEach(async () => {
    await driver.close();
    await server.close();
  });

  it('loads hook definitions, resolving service-form URLs and timeouts', () => {
    const decorator = driver.controller('test-decorator');
    expect(decorator.hooks.sync).toMatchObject({
      version: 'v2',
      url: 'http://hooks.test:8080/d/sync',
      path: '/d/sync',
      timeoutMs: 5000,
      strict: true,
    });
    expect(decorator.hooks.finalize).toMatchObject({ timeoutMs: 10000 });
    expect(driver.controller('test-decorator-v1').hooks.sync).toMatchObject({ version: 'v1', strict: false });
  });

  it('adds the finalizer first, sends v2 maps, and applies labels, annotations, status and attachments', async () => {
    cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps' }, spec: {} });
    cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 'apps' }, spec: {} });
    cluster.apply({
      ...httpRoute('shop', { managed: 'true', drop: 'me' }),
      metadata: { ...httpRoute('shop').metadata, labels: { managed: 'true', drop: 'me' }, annotations: { keep: 'yes' } },
    });
    handlers.set('/d/sync', (body) => {
      const object = body.object as { metadata: { finalizers?: string[] } };
      expect(object.metadata.finalizers).toContain(FINALIZER);
      return {
        body: {
          labels: { drop: null, added: 'x' },
          annotations: { note: 'n' },
          status: { parents: [{ controllerName: 'x' }] },
          attachments: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-config' }, data: { a: '1' } }],
        },
      };
    });
    await driver.runUntilStable();

    const first = received.find((r) => r.path === '/d/sync')?.body as Record<string, unknown>;
    expect(Object.keys(first).sort()).toEqual(['attachments', 'controller', 'finalizing', 'object', 'related']);
    expect(first.related).toEqual({ 'Service.v1': { 'apps/web': expect.objectContaining({ kind: 'Service' }) } });
    expect(first.attachments).toEqual({ 'ConfigMap.v1': {} });
    expect(first.finalizing).toBe(false);

    const route = cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' });
    expect(route.metadata.labels).toEqual({ managed: 'true', added: 'x' });
    expect(route.metadata.annotations).toEqual({ keep: 'yes', note: 'n' });
    expect(route.status).toEqual({ parents: [{ controllerName: 'x' }] });
    const config = cluster.mustGet({ group: '', kind: 'ConfigMap', namespace: 'apps', name: 'shop-config' });
    expect(config.metadata.ownerReferences).toEqual([
      { apiVersion: `${GW}/v1`, kind: 'HTTPRoute', name: 'shop', uid: route.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(config.metadata.annotations).toEqual({ 'metacontroller.k8s.io/decorator-controller': 'test-decorator' });

    // Our own writes trigger one more sync, which sees the attachment; then it is stable.
    const syncs = driver.callsTo('test-decorator', 'sync');
    expect(syncs.length).toBeGreaterThanOrEqual(2);
    expect((syncs[syncs.length - 1]?.request as { attachments: unknown }).attachments).toEqual({
      'ConfigMap.v1': { 'apps/shop-config': expect.any(Object) },
    });
  });

  it('re-syncs when a related object changes, and calls customize again only for a new generation', async () => {
    cluster.apply(httpRoute('shop'));
    handlers.set('/d/sync', () => ({ body: {} }));
    await driver.runUntilStable();
    const before = driver.callsTo('test-decorator', 'sync').length;
    cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps' }, spec: { ports: [] } });
    await driver.runUntilStable();
    expect(driver.callsTo('test-decorator', 'sync').length).toBe(before + 1);
    cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'unrelated', namespace: 'apps' }, spec: {} });
    await driver.runUntilStable();
    expect(driver.callsTo('test-decorator', 'sync').length).toBe(before + 1);
    expect(driver.callsTo('test-decorator', 'customize')).toHaveLength(1);
    const route = cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' });
    cluster.apply({ ...route, spec: { parentRefs: [{ name: 'x' }] } });
    await driver.runUntilStable();
    expect(driver.callsTo('test-decorator', 'customize')).toHaveLength(2);
  });

  it('treats attachments as the full desired set', async () => {
    let names = ['a', 'b'];
    cluster.apply(httpRoute('shop'));
    handlers.set('/d/sync', () => ({
      body: { attachments: names.map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: names.join() } })) },
    }));
    await driver.runUntilStable();
    expect(cluster.list('', 'ConfigMap', 'apps').map((c) => c.metadata.name)).toEqual(['a', 'b']);
    names = ['b'];
    cluster.apply({ ...httpRoute('shop'), spec: { parentRefs: [{ name: 'bump' }] } });
    await driver.runUntilStable();
    expect(cluster.list('', 'ConfigMap', 'apps').map((c) => [c.metadata.name, (c as { data?: unknown }).data])).toEqual([
      ['b', { v: 'b' }],
    ]);
  });

  it('finalizes a deleted object until the hook says finalized, then the object and its attachments are gone', async () => {
    let finalizeCalls = 0;
    cluster.apply(httpRoute('shop'));
    handlers.set('/d/sync', () => ({ body: { attachments: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }] } }));
    handlers.set('/d/finalize', (body) => {
      finalizeCalls += 1;
      expect(body.finalizing).toBe(true);
      return {
        body:
          finalizeCalls < 3
            ? { resyncAfterSeconds: 1, attachments: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }] }
            : { finalized: true },
      };
    });
    await driver.runUntilStable();
    cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' });
    expect(cluster.get({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' })?.metadata.deletionTimestamp).toBeDefined();
    await driver.runUntilStable();
    expect(finalizeCalls).toBe(3);
    expect(cluster.get({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' })).toBeUndefined();
    expect(cluster.list('', 'ConfigMap')).toEqual([]);
  });

  it('finalizes an object that stops matching the selector, and only removes the finalizer', async () => {
    cluster.apply(httpRoute('shop'));
    handlers.set('/d/sync', () => ({ body: {} }));
    handlers.set('/d/finalize', () => ({ body: { finalized: true, labels: { cleaned: 'yes' } } }));
    await driver.runUntilStable();
    cluster.apply(httpRoute('shop', {}));
    await driver.runUntilStable();
    const route = cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' });
    expect(route.metadata.finalizers ?? []).not.toContain(FINALIZER);
    expect(route.metadata.labels).toEqual({ cleaned: 'yes' });
    expect(driver.callsTo('test-decorator', 'finalize')).toHaveLength(1);
  });

  it('records a SyncError and writes nothing for unknown fields, wrong status codes or bad JSON (v2 strict)', async () => {
    cluster.apply(httpRoute('shop'));
    let answer: { status?: number; body: unknown } = { body: { labels: { a: 'b' }, Status: {} } };
    handlers.set('/d/sync', () => answer);
    await expect(driver.runUntil(() => driver.events.length >= 1, { timeoutMs: 2000 })).resolves.toBeUndefined();
    expect(driver.events[0]?.message).toContain('unknown field "Status"');
    expect(cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' }).metadata.labels).toEqual({ managed: 'true' });
    answer = { status: 201, body: {} };
    await driver.runUntil(() => driver.events.length >= 2, { timeoutMs: 2000 });
    expect(driver.events[1]?.message).toContain('unsupported status code: 201');
    answer = { body: {} };
    await driver.runUntilStable();
  });

  it('re-queues after Retry-After on 429 without an event', async () => {
    cluster.apply(httpRoute('shop'));
    let calls = 0;
    handlers.set('/d/sync', () => {
      calls += 1;
      return calls === 1 ? { status: 429, headers: { 'retry-after': '2' }, body: {} } : { body: { labels: { done: 'yes' } } };
    });
    await driver.runUntilStable();
    expect(driver.events).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' }).metadata.labels?.done).toBe('yes');
  });

  it('follows resyncAfterSeconds, and counts three quiet polls in a row as stable', async () => {
    cluster.apply(httpRoute('shop'));
    let calls = 0;
    handlers.set('/d/sync', () => {
      calls += 1;
      return { body: calls === 2 ? { resyncAfterSeconds: 30, labels: { step: 'two' } } : { resyncAfterSeconds: 30 } };
    });
    await driver.runUntilStable({ timeoutMs: 5000 });
    // 1: new object; 2: resync, writes a label; 3: sync for that change; 4, 5, 6: quiet resyncs → stable.
    expect(driver.callsTo('test-decorator', 'sync')).toHaveLength(6);
    expect(cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' }).metadata.labels?.step).toBe('two');
  });

  it('is stable when only polls are due, even when a pass over them outlasts their period', async () => {
    cluster.apply(httpRoute('shop'));
    let calls = 0;
    // A periodic check (120 s, 1.2 s as the driver times it), due again below: as in a world so large that one pass outlasts it.
    handlers.set('/d/sync', () => ((calls += 1), { body: { resyncAfterSeconds: 120 } }));
    await driver.runUntilStable({ timeoutMs: 5000 });
    expect(calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await driver.runUntilStable({ timeoutMs: 5000 });
    expect(calls).toBe(1);
    // A periodic resync of everything (Metacontroller's resyncPeriodSeconds) runs before the world is stable again.
    driver.resyncAll();
    await driver.runUntilStable({ timeoutMs: 5000 });
    expect(calls).toBe(2);
  });

  it('uses v1 keys and drops other namespaces for a v1 hook of a namespaced object', async () => {
    cluster.apply({ apiVersion: `${GW}/v1`, kind: 'GRPCRoute', metadata: { name: 'rpc', namespace: 'apps' }, spec: {} });
    cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'mine', namespace: 'apps' }, spec: {} });
    cluster.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'theirs', namespace: 'other' }, spec: {} });
    handlers.set('/v1/customize', () => ({ body: { relatedResources: [{ apiVersion: 'v1', resource: 'services' }] } }));
    handlers.set('/v1/sync', () => ({ body: { unknownButLoose: true } }));
    await driver.runUntilStable();
    const request = driver.callsTo('test-decorator-v1', 'sync')[0]?.request as { related: Record<string, Record<string, unknown>> };
    expect(Object.keys(request.related['Service.v1'] ?? {})).toEqual(['mine']);
    expect(driver.events).toEqual([]);
  });

  it('fails when a status it applied has a condition of ours with an old observedGeneration, and not when the hook answered none', async () => {
    const condition = (type: string, observedGeneration: number) => ({
      type,
      status: 'True',
      reason: type,
      message: '',
      observedGeneration,
      lastTransitionTime: '2024-01-01T00:00:00Z',
    });
    let answer: 'current' | 'none' | 'stale' = 'current';
    handlers.set('/d/sync', (body) => {
      const generation = (body.object as { metadata: { generation: number } }).metadata.generation;
      if (answer === 'none') return { body: {} };
      const programmedAt = answer === 'stale' ? 1 : generation;
      return {
        body: {
          status: {
            parents: [
              {
                controllerName: OUR_CONTROLLER,
                conditions: [condition('Accepted', generation), condition(`${OURS}/Programmed`, programmedAt)],
              },
              // Another implementation's entry is not ours to check.
              { controllerName: 'example.com/other', conditions: [condition('Accepted', 1)] },
            ],
          },
        },
      };
    });
    cluster.apply(httpRoute('shop'));
    await driver.runUntilStable();

    // No status in the answer: the old conditions stay, and that is not the hook's doing.
    answer = 'none';
    cluster.apply({ ...httpRoute('shop'), spec: { parentRefs: [{ name: 'two' }] } });
    await driver.runUntilStable();

    answer = 'stale';
    cluster.apply({ ...httpRoute('shop'), spec: { parentRefs: [{ name: 'three' }] } });
    await expect(driver.runUntilStable()).rejects.toThrow(
      `HTTPRoute apps/shop is at generation 3 but its status carries stale conditions: status.parents[0].conditions ${OURS}/Programmed: observedGeneration 1`,
    );

    const unchecked = new MetacontrollerDriver({
      cluster,
      baseUrl: baseUrl(),
      manifestsDir: MANIFESTS,
      timeScale: 0.01,
      checkObservedGeneration: false,
    });
    try {
      await unchecked.runUntilStable();
      expect(unchecked.callsTo('test-decorator', 'sync').length).toBeGreaterThan(0);
    } finally {
      await unchecked.close();
    }
  });

  it('runs composite controllers: children labelled with controller-uid, status replaced with observedGeneration', async () => {
    cluster.apply({ apiVersion: `${OURS}/v1alpha1`, kind: 'ServiceNetwork', metadata: { name: 'mesh' }, spec: {} });
    handlers.set('/c/sync', (body) => {
      expect(Object.keys(body).sort()).toEqual(['children', 'controller', 'finalizing', 'parent', 'related']);
      return {
        body: {
          status: { ready: true },
          children: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mesh', namespace: 'kube-system' } }],
        },
      };
    });
    handlers.set('/c/finalize', () => ({ body: { status: null, children: [], finalized: true } }));
    await driver.runUntilStable();
    const parent = cluster.mustGet({ group: OURS, kind: 'ServiceNetwork', name: 'mesh' });
    expect(parent.status).toEqual({ ready: true, observedGeneration: 1 });
    expect(parent.metadata.finalizers).toEqual(['metacontroller.io/compositecontroller-test-composite']);
    const child = cluster.mustGet({ group: '', kind: 'ConfigMap', namespace: 'kube-system', name: 'mesh' });
    expect(child.metadata.labels).toEqual({ 'controller-uid': parent.metadata.uid });
    cluster.delete({ group: OURS, kind: 'ServiceNetwork', name: 'mesh' });
    await driver.runUntilStable();
    expect(cluster.get({ group: OURS, kind: 'ServiceNetwork', name: 'mesh' })).toBeUndefined();
    expect(cluster.list('', 'ConfigMap')).toEqual([]);
  });
});
