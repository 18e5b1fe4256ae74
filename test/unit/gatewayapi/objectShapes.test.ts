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
});
