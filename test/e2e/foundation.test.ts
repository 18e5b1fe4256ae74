import { MANAGED_LABEL } from '../../src/gatewayapi/ourKeys';
import { startHarness, type Harness } from '../support/harness';
import { crd, FOREIGN_CONTROLLER, gateway, gatewayClass, route } from '../support/objects';

const GW = 'gateway.networking.k8s.io';

function conditionsOf(h: Harness, kind: string, name: string, namespace?: string) {
  const object = h.cluster.mustGet({ group: GW, kind, name, ...(namespace ? { namespace } : {}) });
  return ((object.status as { conditions?: { type: string; status: string; reason: string }[] } | undefined)?.conditions ?? []).map(
    ({ type, status, reason }) => ({ type, status, reason }),
  );
}

function labelsOf(h: Harness, kind: string, namespace: string, name: string) {
  return h.cluster.mustGet({ group: GW, kind, namespace, name }).metadata.labels ?? {};
}

function strip(object: ReturnType<typeof gatewayClass>) {
  const { uid: _uid, generation: _generation, ...metadata } = object.metadata;
  return { ...object, metadata };
}

describe('foundation, end to end through the Metacontroller driver', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    for (const plural of ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'tlsroutes', 'referencegrants'])
      h.cluster.apply(crd(plural, 'v1.6.1'));
    h.cluster.apply(strip(gatewayClass('amazon-vpc-lattice')));
    h.cluster.apply(
      strip(
        gatewayClass(
          'envoy',
          FOREIGN_CONTROLLER,
          {},
          {
            status: {
              conditions: [
                {
                  type: 'Accepted',
                  status: 'True',
                  reason: 'Accepted',
                  message: 'envoy says hi',
                  lastTransitionTime: '2026-01-01T00:00:00Z',
                },
              ],
            },
          },
        ),
      ),
    );
  });
  afterEach(async () => h.close());

  it('accepts our GatewayClass and leaves another controller’s class untouched', async () => {
    const envoyBefore = h.cluster.mustGet({ group: GW, kind: 'GatewayClass', name: 'envoy' });
    await h.driver.runUntilStable();
    expect(conditionsOf(h, 'GatewayClass', 'amazon-vpc-lattice')).toEqual([
      { type: 'Accepted', status: 'True', reason: 'Accepted' },
      { type: 'SupportedVersion', status: 'True', reason: 'SupportedVersion' },
    ]);
    const envoyAfter = h.cluster.mustGet({ group: GW, kind: 'GatewayClass', name: 'envoy' });
    expect(envoyAfter).toEqual(envoyBefore);
    expect(h.driver.events).toEqual([]);
  });

  it('labels a Gateway of our class and its route, and unlabels a route re-pointed to a foreign Gateway', async () => {
    h.cluster.apply(gateway('infra', 'edge', 'amazon-vpc-lattice'));
    h.cluster.apply(gateway('infra', 'eg', 'envoy'));
    h.cluster.apply(route('HTTPRoute', 'apps', 'shop', [{ name: 'edge', namespace: 'infra' }]));
    h.cluster.apply(route('GRPCRoute', 'apps', 'rpc', [{ name: 'eg', namespace: 'infra' }]));
    await h.driver.runUntilStable();

    expect(labelsOf(h, 'Gateway', 'infra', 'edge')[MANAGED_LABEL]).toBe('true');
    expect(labelsOf(h, 'Gateway', 'infra', 'eg')[MANAGED_LABEL]).toBeUndefined();
    expect(labelsOf(h, 'HTTPRoute', 'apps', 'shop')[MANAGED_LABEL]).toBe('true');
    expect(labelsOf(h, 'GRPCRoute', 'apps', 'rpc')[MANAGED_LABEL]).toBeUndefined();

    // Re-point the route: the spec change bumps its generation, customize runs again, the label goes.
    const shop = h.cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' });
    h.cluster.apply({ ...shop, spec: { ...(shop.spec as object), parentRefs: [{ name: 'eg', namespace: 'infra' }] } });
    await h.driver.runUntilStable();
    expect(labelsOf(h, 'HTTPRoute', 'apps', 'shop')[MANAGED_LABEL]).toBeUndefined();
    expect(h.driver.events).toEqual([]);
  });

  it('follows a related object: a Gateway whose class changes controller loses the label', async () => {
    h.cluster.apply(gateway('infra', 'edge', 'amazon-vpc-lattice'));
    await h.driver.runUntilStable();
    expect(labelsOf(h, 'Gateway', 'infra', 'edge')[MANAGED_LABEL]).toBe('true');
    h.cluster.apply(strip(gatewayClass('amazon-vpc-lattice', FOREIGN_CONTROLLER)));
    await h.driver.runUntilStable();
    expect(labelsOf(h, 'Gateway', 'infra', 'edge')[MANAGED_LABEL]).toBeUndefined();
  });

  it('writes nothing when nothing changed', async () => {
    h.cluster.apply(gateway('infra', 'edge', 'amazon-vpc-lattice'));
    h.cluster.apply(route('HTTPRoute', 'apps', 'shop', [{ name: 'edge', namespace: 'infra' }]));
    await h.driver.runUntilStable();
    const snapshot = JSON.stringify(h.cluster.all());
    const calls = h.driver.calls.length;
    await h.driver.runUntilStable();
    expect(h.driver.calls.length).toBe(calls);
    expect(JSON.stringify(h.cluster.all())).toBe(snapshot);
    // Every answer after the first write of an object was a no-op.
    const writes = h.driver.calls.filter((c) => c.wrote).map((c) => `${c.controller} ${c.object}`);
    expect(new Set(writes).size).toBe(writes.length);
  });

  it('sends the bearer token Metacontroller is configured with', async () => {
    await h.close();
    h = await startHarness({ env: { HOOK_AUTH_TOKEN: 'a-token-of-sufficient-length' } });
    for (const plural of ['gatewayclasses', 'gateways']) h.cluster.apply(crd(plural, 'v1.6.1'));
    h.cluster.apply(strip(gatewayClass('amazon-vpc-lattice')));
    await h.driver.runUntilStable();
    expect(conditionsOf(h, 'GatewayClass', 'amazon-vpc-lattice')[0]).toEqual({ type: 'Accepted', status: 'True', reason: 'Accepted' });
  });
});
