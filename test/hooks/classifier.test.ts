import { MANAGED_LABEL } from '../../src/gatewayapi/ourKeys';
import { testApp, type TestApp } from '../support/app';
import { decoratorSyncBody, FOREIGN_CONTROLLER, gateway, gatewayClass, route } from '../support/objects';

const lattice = gatewayClass('amazon-vpc-lattice');
const envoy = gatewayClass('envoy', FOREIGN_CONTROLLER);
const ours = gateway('infra', 'edge', 'amazon-vpc-lattice');
const theirs = gateway('infra', 'eg', 'envoy');

async function classify(t: TestApp, object: ReturnType<typeof gateway>, related: ReturnType<typeof gateway>[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/hooks/classifier/sync',
    payload: decoratorSyncBody('lattice-classifier', object, related),
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function customize(t: TestApp, parent: ReturnType<typeof gateway>) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/hooks/classifier/customize',
    payload: { controller: { kind: 'DecoratorController' }, parent },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('classifier hook', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => t.app.close());

  it('labels a Gateway of our class and leaves its status alone', async () => {
    expect(await classify(t, ours, [lattice])).toEqual({ labels: { [MANAGED_LABEL]: 'true' } });
  });

  it('does not label, and unlabels, Gateways of other classes or of a missing class', async () => {
    expect(await classify(t, theirs, [envoy])).toEqual({ labels: {} });
    const wasLabelled = { ...theirs, metadata: { ...theirs.metadata, labels: { [MANAGED_LABEL]: 'true', keep: 'me' } } };
    expect(await classify(t, wasLabelled, [envoy])).toEqual({ labels: { [MANAGED_LABEL]: null } });
    expect(await classify(t, { ...ours, metadata: { ...ours.metadata, labels: { [MANAGED_LABEL]: 'true' } } }, [])).toEqual({
      labels: { [MANAGED_LABEL]: null },
    });
  });

  it.each(['HTTPRoute', 'GRPCRoute', 'TLSRoute'] as const)('labels a %s with at least one parentRef to our Gateway', async (kind) => {
    const r = route(kind, 'apps', 'shop', [
      { name: 'eg', namespace: 'infra' },
      { name: 'edge', namespace: 'infra', sectionName: 'http' },
    ]);
    expect(await classify(t, r, [ours, theirs, lattice, envoy])).toEqual({ labels: { [MANAGED_LABEL]: 'true' } });
  });

  it('defaults the parentRef namespace to the route namespace and ignores non-Gateway parents', async () => {
    const sameNs = gateway('apps', 'edge', 'amazon-vpc-lattice');
    expect(await classify(t, route('HTTPRoute', 'apps', 'a', [{ name: 'edge' }]), [sameNs, lattice])).toEqual({
      labels: { [MANAGED_LABEL]: 'true' },
    });
    expect(await classify(t, route('HTTPRoute', 'apps', 'b', [{ name: 'edge', namespace: 'infra' }]), [sameNs, lattice])).toEqual({
      labels: {},
    });
    expect(await classify(t, route('HTTPRoute', 'apps', 'c', [{ group: '', kind: 'Service', name: 'edge' }]), [sameNs, lattice])).toEqual({
      labels: {},
    });
  });

  it('removes the label from a route re-pointed to a foreign Gateway', async () => {
    const labelled = route('HTTPRoute', 'apps', 'shop', [{ name: 'eg', namespace: 'infra' }]);
    labelled.metadata.labels = { [MANAGED_LABEL]: 'true' };
    expect(await classify(t, labelled, [theirs, envoy])).toEqual({ labels: { [MANAGED_LABEL]: null } });
  });

  it('asks for the Gateway class of a Gateway, and for the parent Gateways and all classes of a route', async () => {
    expect(await customize(t, ours)).toEqual({
      relatedResources: [{ apiVersion: 'gateway.networking.k8s.io/v1', resource: 'gatewayclasses', names: ['amazon-vpc-lattice'] }],
    });
    const r = route('HTTPRoute', 'apps', 'shop', [
      { name: 'edge', namespace: 'infra' },
      { name: 'b' },
      { name: 'a' },
      { name: 'edge', namespace: 'infra', sectionName: 'x' },
    ]);
    expect(await customize(t, r)).toEqual({
      relatedResources: [
        { apiVersion: 'gateway.networking.k8s.io/v1', resource: 'gateways', namespace: 'apps', names: ['a', 'b'] },
        { apiVersion: 'gateway.networking.k8s.io/v1', resource: 'gateways', namespace: 'infra', names: ['edge'] },
        { apiVersion: 'gateway.networking.k8s.io/v1', resource: 'gatewayclasses', labelSelector: {} },
      ],
    });
    expect(await customize(t, route('HTTPRoute', 'apps', 'lonely', []))).toEqual({ relatedResources: [] });
  });
});
