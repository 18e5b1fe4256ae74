import { conditionsSchema, policyStatusSchema, policyTargetRefSchema, type CrdDefinition } from './schemas';

const serviceNetwork: CrdDefinition = {
  kind: 'ServiceNetwork',
  plural: 'servicenetworks',
  singular: 'servicenetwork',
  shortNames: ['sn'],
  scope: 'Cluster',
  description:
    'A VPC Lattice service network managed from Kubernetes: created (or adopted when untagged) with the name of this object, deleted with it when it is ours and unused.',
  spec: {
    type: 'object',
    description:
      'No fields: the service network takes the name of the object; extra AWS tags come from the application-networking.k8s.aws/tags annotation.',
  },
  status: {
    type: 'object',
    properties: {
      conditions: conditionsSchema('Accepted and Programmed.'),
      serviceNetworkARN: { type: 'string', description: 'ARN of the VPC Lattice service network.' },
      serviceNetworkID: { type: 'string', description: 'ID of the VPC Lattice service network.' },
      latticeVerified: {
        type: 'string',
        description: 'Drift check record: "<fingerprint> <unix seconds>" of the last sync that verified the network in VPC Lattice.',
      },
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    },
  },
  printerColumns: [
    { name: 'ARN', type: 'string', jsonPath: '.status.serviceNetworkARN' },
    { name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status' },
  ],
};

const vpcAssociationPolicy: CrdDefinition = {
  kind: 'VpcAssociationPolicy',
  plural: 'vpcassociationpolicies',
  singular: 'vpcassociationpolicy',
  shortNames: ['vap'],
  scope: 'Namespaced',
  description: "Associates the service network of a Gateway with the cluster's VPC (CLUSTER_VPC_ID), with security groups.",
  spec: {
    type: 'object',
    required: ['targetRef'],
    properties: {
      associateWithVpc: {
        type: 'boolean',
        description:
          'Whether the service network is associated with the cluster VPC (default true). false removes an association this controller made.',
      },
      securityGroupIds: {
        type: 'array',
        description: 'Security groups of the association (1 to 5).',
        minItems: 1,
        maxItems: 5,
        items: { type: 'string', minLength: 3, maxLength: 32, pattern: '^sg-[0-9a-z]+$' },
      },
      targetRef: { ...policyTargetRefSchema, description: 'The Gateway whose service network is associated.' },
    },
  },
  status: policyStatusSchema('Accepted (Accepted, Conflicted, TargetNotFound, Invalid) and Programmed.'),
  printerColumns: [
    { name: 'Target', type: 'string', jsonPath: '.spec.targetRef.name' },
    { name: 'Accepted', type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].status' },
  ],
};

/** Service networks and their VPC associations. */
export const NETWORKING_CRDS: readonly CrdDefinition[] = [serviceNetwork, vpcAssociationPolicy];
