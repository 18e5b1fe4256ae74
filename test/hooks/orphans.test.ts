import { FIXED_NOW, testApp, type TestApp } from '../support/app';
import { decoratorSyncBody, FOREIGN_CONTROLLER, gatewayClass } from '../support/objects';

type Class = ReturnType<typeof gatewayClass>;

/**
 * The app of these tests has no AWS: a sync that would sweep fails with 500 (LGW_AWS_UNAVAILABLE),
 * so a 200 proves that no AWS call was even attempted.
 */
async function sync(t: TestApp, object: Class, related: Class[] = [object]) {
  return t.app.inject({ method: 'POST', url: '/hooks/orphans/sync', payload: decoratorSyncBody('lattice-orphans', object, related) });
}

/** The sync went for AWS: it was a sweep. */
function sweeps(t: TestApp, res: Awaited<ReturnType<typeof sync>>): boolean {
  return res.statusCode === 500 && t.logs.some((line) => line.errorId === res.json().errorId && line.code === 'LGW_AWS_UNAVAILABLE');
}

describe('orphans hook', () => {
  let t: TestApp;
  afterEach(async () => t.app.close());

  it('asks for every class, route and export of our classes only', async () => {
    t = await testApp();
    const customize = async (parent: Class) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/hooks/orphans/customize',
          payload: { controller: { kind: 'DecoratorController' }, parent },
        })
      ).json();
    expect((await customize(gatewayClass('a'))).relatedResources.map((r: { resource: string }) => r.resource)).toEqual([
      'gatewayclasses',
      'httproutes',
      'grpcroutes',
      'tlsroutes',
      'serviceexports',
    ]);
    expect(await customize(gatewayClass('envoy', FOREIGN_CONTROLLER))).toEqual({ relatedResources: [] });
  });

  it('sweeps from one class of ours only: the first by name that is not being deleted', async () => {
    t = await testApp();
    const a = gatewayClass('a');
    const b = gatewayClass('b');
    const foreign = gatewayClass('0-envoy', FOREIGN_CONTROLLER);
    // b is not the sweeper while a exists: nothing to do, no AWS.
    expect((await sync(t, b, [foreign, a, b])).json()).toEqual({});
    // a is, and a sweep is due (never swept): it needs AWS.
    expect(sweeps(t, await sync(t, a, [foreign, a, b]))).toBe(true);
    // a being deleted hands the sweep to b.
    const leaving = gatewayClass('a', undefined, {}, { metadata: { name: 'a', deletionTimestamp: FIXED_NOW.toISOString() } });
    expect(sweeps(t, await sync(t, b, [leaving, b]))).toBe(true);
    // Another controller's class never sweeps.
    expect((await sync(t, foreign, [foreign, a])).json()).toEqual({});
  });

  it('does nothing at all with ORPHAN_SWEEP_SECONDS=0', async () => {
    t = await testApp({ env: { ORPHAN_SWEEP_SECONDS: '0' } });
    expect((await sync(t, gatewayClass('a'))).json()).toEqual({});
    const customize = await t.app.inject({
      method: 'POST',
      url: '/hooks/orphans/customize',
      payload: { controller: { kind: 'DecoratorController' }, parent: gatewayClass('a') },
    });
    expect(customize.json()).toEqual({ relatedResources: [] });
  });
});
