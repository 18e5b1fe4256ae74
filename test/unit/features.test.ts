import { GATEWAY_API_FEATURES, supportedFeatures } from '../../src/gatewayapi/features';
import { createControllers } from '../../src/controllers/registry';

describe('supportedFeatures', () => {
  it('is the sorted, de-duplicated union of what the served controllers declare', () => {
    expect(supportedFeatures([['HTTPRoute', 'Gateway'], undefined, ['Gateway', 'ReferenceGrant']])).toEqual([
      { name: 'Gateway' },
      { name: 'HTTPRoute' },
      { name: 'ReferenceGrant' },
    ]);
  });

  it('only names Gateway API features, and each one is declared by a served controller', () => {
    const controllers = createControllers();
    for (const controller of controllers) {
      for (const feature of controller.features ?? []) expect(GATEWAY_API_FEATURES).toContain(feature);
    }
    const published = supportedFeatures(controllers.map((c) => c.features)).map((f) => f.name);
    const declared = new Set(controllers.flatMap((c) => [...(c.features ?? [])]));
    expect(new Set(published)).toEqual(declared);
  });

  it('does not claim GRPCRoute: every upstream GRPCRoute test attaches to an HTTP listener, which takes no GRPCRoute by default', () => {
    const names = supportedFeatures(createControllers().map((c) => c.features)).map((f) => f.name);
    expect(names).not.toContain('GRPCRoute');
    expect(names).not.toContain('GRPCRouteNamedRouteRule');
    expect(names).toEqual([
      'Gateway',
      'GatewayPort8080',
      'HTTPRoute',
      'HTTPRouteMethodMatching',
      'HTTPRouteNamedRouteRule',
      'HTTPRouteParentRefPort',
      'ReferenceGrant',
      'TLSRoute',
    ]);
  });
});
