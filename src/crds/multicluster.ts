import { conditionsSchema, policyStatusSchema, policyTargetRefSchema, type CrdDefinition, type JsonSchema } from './schemas';

const port: JsonSchema = { type: 'integer', format: 'int32', minimum: 1, maximum: 65535 };

const serviceExport: CrdDefinition = {
  kind: 'ServiceExport',
  plural: 'serviceexports',
  singular: 'serviceexport',
  shortNames: ['svcexport'],
  scope: 'Namespaced',
  description:
    'Exports the Service of the same name (or the one named by the application-networking.k8s.aws/service-name annotation) to VPC Lattice as target groups other clusters can import. Needs the annotation application-networking.k8s.aws/federation: amazon-vpc-lattice.',
  spec: {
    type: 'object',
    properties: {
      exportedPorts: {
        type: 'array',
        description:
          'One target group per entry. Without it, the legacy application-networking.k8s.aws/port annotation, else every Service port as HTTP.',
        items: {
          type: 'object',
          required: ['port'],
          properties: {
            port: { ...port, description: 'A port of the Service.' },
            routeType: {
              type: 'string',
              enum: ['HTTP', 'GRPC', 'TLS'],
              default: 'HTTP',
              description: 'The kind of route that will use it: HTTP/1 (HTTP), gRPC (GRPC) or TLS passthrough (TCP).',
            },
          },
        },
      },
    },
  },
  status: {
    type: 'object',
    properties: { conditions: conditionsSchema('Accepted and Programmed (the Go controller writes none).') },
  },
  printerColumns: [{ name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status' }],
};

const importedTargetGroup: JsonSchema = {
  type: 'object',
  required: ['arn', 'id'],
  properties: {
    arn: { type: 'string' },
    id: { type: 'string' },
    port: { type: 'integer', format: 'int32' },
    protocol: { type: 'string' },
    protocolVersion: { type: 'string' },
    clusterName: { type: 'string' },
    vpcId: { type: 'string' },
  },
};

const serviceImport: CrdDefinition = {
  kind: 'ServiceImport',
  plural: 'serviceimports',
  singular: 'serviceimport',
  shortNames: ['svcimport'],
  scope: 'Namespaced',
  description:
    'A service exported from other clusters, usable as a route backendRef (group application-networking.k8s.aws, kind ServiceImport). Resolved to exported target groups by tags (annotations export-name, aws-vpc, aws-eks-cluster-name narrow it) or to the one named by application-networking.k8s.aws/target-group-arn.',
  spec: {
    type: 'object',
    properties: {
      ports: {
        type: 'array',
        items: {
          type: 'object',
          required: ['port'],
          properties: {
            name: { type: 'string' },
            port: { type: 'integer', format: 'int32' },
            protocol: { type: 'string' },
            appProtocol: { type: 'string' },
          },
        },
        'x-kubernetes-list-type': 'atomic',
      },
      type: { type: 'string', enum: ['ClusterSetIP', 'Headless'] },
      ips: { type: 'array', maxItems: 1, items: { type: 'string' } },
      sessionAffinity: { type: 'string' },
      sessionAffinityConfig: {
        type: 'object',
        properties: { clientIP: { type: 'object', properties: { timeoutSeconds: { type: 'integer', format: 'int32' } } } },
      },
    },
  },
  status: {
    type: 'object',
    properties: {
      conditions: conditionsSchema('Resolved: whether the import names exactly one exported target group per port.'),
      clusters: {
        type: 'array',
        description: 'The exporting clusters.',
        items: { type: 'object', required: ['cluster'], properties: { cluster: { type: 'string' } } },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['cluster'],
      },
      targetGroups: {
        type: 'array',
        description: 'The exported target groups this import resolved to; routes read them from here.',
        items: importedTargetGroup,
      },
    },
  },
  printerColumns: [{ name: 'Resolved', type: 'string', jsonPath: '.status.conditions[?(@.type=="Resolved")].status' }],
};

const healthCheck: JsonSchema = {
  type: 'object',
  description: 'Health check of the target groups; changes are applied in place.',
  properties: {
    enabled: { type: 'boolean' },
    intervalSeconds: { type: 'integer', format: 'int32', minimum: 5, maximum: 300 },
    timeoutSeconds: { type: 'integer', format: 'int32', minimum: 1, maximum: 120 },
    healthyThresholdCount: { type: 'integer', format: 'int32', minimum: 2, maximum: 10 },
    unhealthyThresholdCount: { type: 'integer', format: 'int32', minimum: 2, maximum: 10 },
    statusMatch: { type: 'string', description: 'HTTP codes counted healthy, e.g. "200" or "200-299".' },
    path: { type: 'string' },
    port: { ...port },
    protocol: { type: 'string', enum: ['HTTP', 'HTTPS'] },
    protocolVersion: { type: 'string', enum: ['HTTP1', 'HTTP2'] },
  },
};

const targetGroupPolicy: CrdDefinition = {
  kind: 'TargetGroupPolicy',
  plural: 'targetgrouppolicies',
  singular: 'targetgrouppolicy',
  shortNames: ['tgp'],
  scope: 'Namespaced',
  description: 'Protocol, protocol version and health check of the target groups made for a Service or a ServiceExport.',
  spec: {
    type: 'object',
    required: ['targetRef'],
    properties: {
      protocol: { type: 'string', description: 'HTTP (default) or HTTPS. A change replaces the target groups.' },
      protocolVersion: {
        type: 'string',
        description: 'HTTP1 (default) or HTTP2 (ignored behind GRPCRoutes). A change replaces the target groups.',
      },
      healthCheck,
      targetRef: { ...policyTargetRefSchema, description: 'The Service or ServiceExport.' },
    },
  },
  status: policyStatusSchema('Accepted (Accepted, Conflicted, TargetNotFound, Invalid).'),
  printerColumns: [
    { name: 'Target', type: 'string', jsonPath: '.spec.targetRef.name' },
    { name: 'Accepted', type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].status' },
  ],
};

/** ServiceExport, ServiceImport and TargetGroupPolicy. */
export const MULTICLUSTER_CRDS: readonly CrdDefinition[] = [serviceExport, serviceImport, targetGroupPolicy];
