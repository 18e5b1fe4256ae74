import { gatewayParentRefs, normalizeParentRef, ourParentGateways } from '../../../src/gatewayapi/parentRefs';
import type { HTTPRoute } from '../../../src/gatewayapi/types';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import { FOREIGN_CONTROLLER, gateway, gatewayClass, objectMap, OUR_CONTROLLER, route } from '../../support/objects';

describe('parentRefs', () => {
  it('applies the CRD defaults', () => {
    expect(normalizeParentRef({ name: 'edge' }, 'apps')).toEqual({
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      namespace: 'apps',
      name: 'edge',
    });
    expect(normalizeParentRef({ name: 'edge', namespace: 'infra', sectionName: 'https', port: 443 }, 'apps')).toEqual({
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      namespace: 'infra',
      name: 'edge',
      sectionName: 'https',
      port: 443,
    });
  });

  it('keeps only Gateway parents', () => {
    const r = route('HTTPRoute', 'apps', 'r', [
      { name: 'a' },
      { group: '', kind: 'Service', name: 'svc' },
      { kind: 'ListenerSet', name: 'ls' },
    ]) as HTTPRoute;
    expect(gatewayParentRefs(r).map((p) => p.name)).toEqual(['a']);
  });

  it('finds each Gateway of our class once', () => {
    const r = route('HTTPRoute', 'apps', 'r', [
      { name: 'edge', sectionName: 'a' },
      { name: 'edge', sectionName: 'b' },
      { name: 'eg' },
      { name: 'missing' },
    ]) as HTTPRoute;
    const index = ObjectIndex.of(
      r,
      objectMap(
        gateway('apps', 'edge', 'lattice'),
        gateway('apps', 'eg', 'envoy'),
        gatewayClass('lattice', OUR_CONTROLLER),
        gatewayClass('envoy', FOREIGN_CONTROLLER),
      ),
    );
    expect(ourParentGateways(r, index, OUR_CONTROLLER).map((g) => g.metadata.name)).toEqual(['edge']);
  });
});
