import { GATEWAY_API_CRD_NAMES } from '../../src/gatewayapi/supportedVersion';
import { FIXED_NOW, testApp, type TestApp } from '../support/app';
import { crd, decoratorSyncBody, FOREIGN_CONTROLLER, gatewayClass } from '../support/objects';

const CRDS_V161 = ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'tlsroutes', 'referencegrants'].map((p) => crd(p, 'v1.6.1'));
const OLD = '2026-01-01T00:00:00.000Z';

async function sync(t: TestApp, object: ReturnType<typeof gatewayClass>, related = CRDS_V161) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/hooks/gatewayclass/sync',
    payload: decoratorSyncBody('lattice-gatewayclass', object, related),
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('GatewayClass hook', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => t.app.close());

  it('accepts a class of our controller and publishes SupportedVersion and supportedFeatures', async () => {
    const body = await sync(
      t,
      gatewayClass('amazon-vpc-lattice', undefined, {}, { metadata: { name: 'amazon-vpc-lattice', generation: 3 } }),
    );
    expect(body).toEqual({
      status: {
        conditions: [
          {
            type: 'Accepted',
            status: 'True',
            reason: 'Accepted',
            message: 'Accepted by lattice-gateway-hooks',
            observedGeneration: 3,
            lastTransitionTime: FIXED_NOW.toISOString(),
          },
          {
            type: 'SupportedVersion',
            status: 'True',
            reason: 'SupportedVersion',
            message: 'Gateway API v1.6.1 (supported: v1.5.x, v1.6.x)',
            observedGeneration: 3,
            lastTransitionTime: FIXED_NOW.toISOString(),
          },
        ],
        supportedFeatures: expect.any(Array),
      },
    });
    const names = body.status.supportedFeatures.map((f: { name: string }) => f.name);
    expect(names).toEqual([...names].sort());
  });

  it('leaves classes of other controllers untouched', async () => {
    const foreign = gatewayClass(
      'envoy',
      FOREIGN_CONTROLLER,
      {},
      { status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'envoy', lastTransitionTime: OLD }] } },
    );
    expect(await sync(t, foreign)).toEqual({ status: null });
    const customize = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/customize',
      payload: { controller: { kind: 'DecoratorController' }, parent: foreign },
    });
    expect(customize.json()).toEqual({ relatedResources: [] });
  });

  it('asks for the Gateway API CRDs of our classes only', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/hooks/gatewayclass/customize',
      payload: { controller: { kind: 'DecoratorController' }, parent: gatewayClass('lattice') },
    });
    expect(res.json()).toEqual({
      relatedResources: [{ apiVersion: 'apiextensions.k8s.io/v1', resource: 'customresourcedefinitions', names: GATEWAY_API_CRD_NAMES }],
    });
  });

  it('refuses parameters it does not support with InvalidParameters', async () => {
    const body = await sync(
      t,
      gatewayClass('lattice', undefined, { parametersRef: { group: 'example.com', kind: 'Params', name: 'p', namespace: 'infra' } }),
    );
    expect(body.status.conditions[0]).toMatchObject({
      type: 'Accepted',
      status: 'False',
      reason: 'InvalidParameters',
      message: expect.stringContaining('example.com/Params infra/p'),
    });
  });

  it('reports unsupported or unannotated CRD bundles, but stays Accepted (best effort)', async () => {
    const body = await sync(t, gatewayClass('lattice'), [
      crd('gateways', 'v1.2.0'),
      crd('httproutes', undefined),
      crd('tcproutes', 'v0.1.0'),
    ]);
    expect(body.status.conditions[0]).toMatchObject({ type: 'Accepted', status: 'True' });
    expect(body.status.conditions[1]).toMatchObject({
      type: 'SupportedVersion',
      status: 'False',
      reason: 'UnsupportedVersion',
      message:
        'Unsupported Gateway API CRDs: gateways.gateway.networking.k8s.io is v1.2.0; httproutes.gateway.networking.k8s.io has no gateway.networking.k8s.io/bundle-version annotation (supported: v1.5.x, v1.6.x)',
    });
  });

  it('says Unknown when it cannot see the CRDs', async () => {
    const body = await sync(t, gatewayClass('lattice'), []);
    expect(body.status.conditions[1]).toMatchObject({ type: 'SupportedVersion', status: 'Unknown', reason: 'Pending' });
  });

  it('keeps foreign conditions and other status fields, and answers null when nothing changes', async () => {
    const existing = {
      conditions: [
        { type: 'example.com/Audited', status: 'True', reason: 'Audited', message: '', lastTransitionTime: OLD },
        {
          type: 'Accepted',
          status: 'Unknown',
          reason: 'Pending',
          message: 'Waiting for controller',
          lastTransitionTime: '1970-01-01T00:00:00Z',
        },
      ],
    };
    const first = await sync(t, gatewayClass('lattice', undefined, {}, { status: existing }));
    expect(first.status.conditions[0]).toEqual(existing.conditions[0]);
    expect(first.status.conditions.map((c: { type: string }) => c.type)).toEqual(['example.com/Audited', 'Accepted', 'SupportedVersion']);
    const again = await sync(t, gatewayClass('lattice', undefined, {}, { status: first.status }));
    expect(again).toEqual({ status: null });
  });

  it('keeps lastTransitionTime when the condition status stays the same', async () => {
    const status = {
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'old message', observedGeneration: 1, lastTransitionTime: OLD },
        {
          type: 'SupportedVersion',
          status: 'True',
          reason: 'SupportedVersion',
          message: 'old',
          observedGeneration: 1,
          lastTransitionTime: OLD,
        },
      ],
    };
    const body = await sync(t, gatewayClass('lattice', undefined, {}, { metadata: { name: 'lattice', generation: 2 }, status }));
    for (const c of body.status.conditions) {
      expect(c.lastTransitionTime).toBe(OLD);
      expect(c.observedGeneration).toBe(2);
    }
  });

  it('does not overwrite a status written for a newer generation', async () => {
    const status = {
      conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 5, lastTransitionTime: OLD }],
    };
    expect(await sync(t, gatewayClass('lattice', undefined, {}, { metadata: { name: 'lattice', generation: 4 }, status }))).toEqual({
      status: null,
    });
  });
});
