import { checkObjectShape } from '../../../src/gatewayapi/objectShapes';
import type { KubeObject } from '../../../src/metacontroller/types';

function slice(fields: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'api-abc12', namespace: 'apps', labels: { 'kubernetes.io/service-name': 'api' } },
    addressType: 'IPv4',
    ...fields,
  } as KubeObject;
}

describe('object shapes', () => {
  it('accepts the EndpointSlice of a Service without ready pods: the API server sends its endpoints and ports as null', () => {
    expect(() => checkObjectShape(slice({ endpoints: null, ports: null }), '/related/x')).not.toThrow();
    expect(() => checkObjectShape(slice({ endpoints: [], ports: [] }), '/related/x')).not.toThrow();
  });

  it('still refuses endpoints that are neither a list nor null', () => {
    expect(() => checkObjectShape(slice({ endpoints: 'none' }), '/related/x')).toThrow(
      expect.objectContaining({ code: 'LGW_HOOK_INVALID_OBJECT', path: '/related/x/endpoints' }),
    );
  });

  it("refuses lists longer than the CRD's maxItems, which no stored object has", () => {
    const listeners = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `l${i}`, port: 80, protocol: 'HTTP' }));
    const gateway = (n: number) =>
      ({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'edge', namespace: 'infra' },
        spec: { gatewayClassName: 'lattice', listeners: listeners(n) },
      }) as KubeObject;
    expect(() => checkObjectShape(gateway(64), '/object')).not.toThrow();
    expect(() => checkObjectShape(gateway(50_000), '/object')).toThrow(
      expect.objectContaining({ code: 'LGW_HOOK_INVALID_OBJECT', path: '/object/spec/listeners' }),
    );
    const route = (parentRefs: number) =>
      ({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'shop', namespace: 'apps' },
        spec: { parentRefs: Array.from({ length: parentRefs }, () => ({ name: 'edge' })) },
      }) as KubeObject;
    expect(() => checkObjectShape(route(32), '/object')).not.toThrow();
    expect(() => checkObjectShape(route(33), '/object')).toThrow(expect.objectContaining({ path: '/object/spec/parentRefs' }));
  });
});
