import type { EndpointSlice, Service } from '../../../src/gatewayapi/coreTypes';
import { targetsFor } from '../../../src/model/targets';

const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'apps' },
  spec: {
    ports: [
      { name: 'http', port: 80, targetPort: 8675 },
      { name: 'metrics', port: 9090 },
    ],
  },
};

function slice(
  name: string,
  addressType: 'IPv4' | 'IPv6',
  endpoints: EndpointSlice['endpoints'],
  ports = [{ name: 'http', port: 8675 }],
  serviceName = 'web',
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'apps', labels: { 'kubernetes.io/service-name': serviceName } },
    addressType,
    endpoints,
    ports,
  };
}

describe('targets from EndpointSlices', () => {
  it('registers ready and not-ready endpoints on the slice port named like the Service port, not terminating ones', () => {
    const slices = [
      slice('web-a', 'IPv4', [
        { addresses: ['10.10.1.1'], conditions: { ready: true } },
        { addresses: ['10.10.2.2'], conditions: { ready: false } },
        { addresses: ['10.10.3.3'], conditions: { ready: false, terminating: true } },
      ]),
      slice('web-b', 'IPv4', [{ addresses: ['10.10.0.9'], conditions: { ready: true } }]),
      slice('web-v6', 'IPv6', [{ addresses: ['fd00::1'], conditions: { ready: true } }]),
      slice('other', 'IPv4', [{ addresses: ['10.99.0.1'] }], [{ name: 'http', port: 1 }], 'other'),
    ];
    expect(targetsFor(service, 80, slices, 'IPv4')).toEqual([
      { id: '10.10.0.9', port: 8675 },
      { id: '10.10.1.1', port: 8675 },
      { id: '10.10.2.2', port: 8675 },
    ]);
    expect(targetsFor(service, 80, slices, 'IPv6')).toEqual([{ id: 'fd00::1', port: 8675 }]);
  });

  it('finds nothing for a port the Service does not have, or a slice without that port name', () => {
    const slices = [slice('web-a', 'IPv4', [{ addresses: ['10.0.0.1'] }])];
    expect(targetsFor(service, 81, slices, 'IPv4')).toEqual([]);
    expect(targetsFor(service, 9090, slices, 'IPv4')).toEqual([]);
  });
});
