import type { Service } from '../../../src/gatewayapi/coreTypes';
import type { AwsIdentity } from '../../../src/model/identity';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import { exportedPorts, exportedServiceName, exportTargetGroups, type ServiceExport } from '../../../src/model/exports';
import { exportTargetGroupPrefix } from '../../../src/model/names';
import { objectMap } from '../../support/objects';
import { endpointSlice } from '../../support/routeFixtures';

const identity: AwsIdentity = {
  accountId: '123456789012',
  clusterName: 'east',
  vpcId: 'vpc-0bbbbbbbbbbbbbbb2',
  managedBy: '123456789012/east/vpc-0bbbbbbbbbbbbbbb2',
};
const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'reviews-v2', namespace: 'shop' },
  spec: {
    ports: [
      { name: 'http', port: 80 },
      { name: 'grpc', port: 9090 },
    ],
  },
};

function exportOf(annotations: Record<string, string> = {}, spec: ServiceExport['spec'] = {}): ServiceExport {
  return {
    apiVersion: 'application-networking.k8s.aws/v1alpha1',
    kind: 'ServiceExport',
    metadata: { name: 'reviews', namespace: 'shop', annotations },
    spec,
  };
}

describe('ServiceExport model', () => {
  it('reads exportedPorts, the legacy port annotation, or every Service port', () => {
    expect(
      exportedPorts(
        exportOf(
          {},
          {
            exportedPorts: [
              { port: 80, routeType: 'HTTP' },
              { port: 9090, routeType: 'GRPC' },
            ],
          },
        ),
        service,
      ),
    ).toEqual({
      ports: [
        { port: 80, routeType: 'HTTP' },
        { port: 9090, routeType: 'GRPC' },
      ],
      problems: [],
    });
    expect(exportedPorts(exportOf({ 'application-networking.k8s.aws/port': '80, x' }), service)).toEqual({
      ports: [{ port: 80, routeType: 'HTTP' }],
      problems: ['application-networking.k8s.aws/port: "x" is not a port'],
    });
    expect(exportedPorts(exportOf(), service).ports.map((p) => p.port)).toEqual([80, 9090]);
    expect(exportedPorts(exportOf({}, { exportedPorts: [{ port: 81 }] }), service)).toEqual({
      ports: [],
      problems: ['the Service has no port 81'],
    });
  });

  it('exports the Service named by the service-name annotation', () => {
    expect(exportedServiceName(exportOf({ 'application-networking.k8s.aws/service-name': 'reviews-v2' }))).toBe('reviews-v2');
    expect(exportedServiceName(exportOf())).toBe('reviews');
  });

  it('makes one target group per port, HTTP/GRPC/TCP, tagged for importers and named under the importers’ prefix', () => {
    const index = ObjectIndex.of(
      service,
      objectMap(
        endpointSlice('shop', 'reviews-v2', ['10.9.0.1'], 8080, 'http'),
        endpointSlice('shop', 'reviews-v2', ['10.9.0.1'], 9000, 'grpc'),
      ),
    );
    const groups = exportTargetGroups(
      exportOf({}, { exportedPorts: [{ port: 80 }, { port: 9090, routeType: 'GRPC' }] }),
      service,
      [
        { port: 80, routeType: 'HTTP' },
        { port: 9090, routeType: 'GRPC' },
        { port: 80, routeType: 'TLS' },
      ],
      index,
      identity,
    );
    expect(groups.map((g) => [g.config.protocol, g.config.protocolVersion, g.config.port])).toEqual([
      ['HTTP', 'HTTP1', 80],
      ['HTTP', 'GRPC', 9090],
      ['TCP', undefined, 80],
    ]);
    for (const g of groups) expect(g.name.startsWith(exportTargetGroupPrefix('shop', 'reviews'))).toBe(true);
    expect(groups[0]?.tags).toEqual({
      'application-networking.k8s.aws/ManagedBy': identity.managedBy,
      'application-networking.k8s.aws/ClusterName': 'east',
      'application-networking.k8s.aws/SourceTypeKey': 'ServiceExport',
      'application-networking.k8s.aws/ServiceName': 'reviews',
      'application-networking.k8s.aws/ServiceNamespace': 'shop',
      'application-networking.k8s.aws/ProtocolVersion': 'HTTP1',
      'application-networking.k8s.aws/ExportedPort': '80',
      // Hidden from importers until the exporting cluster has registered its targets.
      'application-networking.k8s.aws/ExportPending': 'true',
    });
    expect(groups[0]?.config.vpcIdentifier).toBe(identity.vpcId);
    expect(groups[1]?.targets).toEqual([{ id: '10.9.0.1', port: 9000 }]);
  });
});
