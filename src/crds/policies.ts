import { policyStatusSchema, policyTargetRefSchema, type CrdDefinition } from './schemas';

const POLICY_CONDITIONS = 'Accepted (Accepted, Conflicted, TargetNotFound, Invalid) and Programmed (Programmed, Pending, Invalid).';

const policyPrinterColumns = [
  { name: 'Target-Kind', type: 'string', jsonPath: '.spec.targetRef.kind' },
  { name: 'Target-Name', type: 'string', jsonPath: '.spec.targetRef.name' },
  { name: 'Accepted', type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].status' },
  { name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status' },
];

const iamAuthPolicy: CrdDefinition = {
  kind: 'IAMAuthPolicy',
  plural: 'iamauthpolicies',
  singular: 'iamauthpolicy',
  shortNames: ['iap'],
  scope: 'Namespaced',
  description:
    'Requires IAM auth (auth type AWS_IAM) with this auth policy on the VPC Lattice service network of a Gateway or the VPC Lattice service of an HTTPRoute or GRPCRoute. Deleting it, or retargeting it, restores auth type NONE where it was put.',
  spec: {
    type: 'object',
    required: ['targetRef'],
    properties: {
      policy: {
        type: 'string',
        description:
          'The auth policy: an IAM policy document (JSON object, at most 10 KB once compacted; it is sent to VPC Lattice on one line).',
      },
      targetRef: {
        ...policyTargetRefSchema,
        description: 'The Gateway, HTTPRoute or GRPCRoute the policy protects (GEP-713 policy attachment).',
      },
    },
  },
  status: policyStatusSchema(POLICY_CONDITIONS),
  printerColumns: policyPrinterColumns,
};

const accessLogPolicy: CrdDefinition = {
  kind: 'AccessLogPolicy',
  plural: 'accesslogpolicies',
  singular: 'accesslogpolicy',
  shortNames: ['alp'],
  scope: 'Namespaced',
  description:
    "Delivers the access logs of a Gateway's VPC Lattice service network, or of an HTTPRoute's, GRPCRoute's or TLSRoute's VPC Lattice service, to an S3 bucket, a CloudWatch Logs group or a Firehose delivery stream (one subscription per destination type and target).",
  spec: {
    type: 'object',
    required: ['destinationArn', 'targetRef'],
    properties: {
      destinationArn: {
        type: 'string',
        description:
          'ARN of the destination: arn:aws:s3:::bucket, arn:aws:logs:region:account:log-group:name or arn:aws:firehose:region:account:deliverystream/name. A change of type replaces the subscription; a change within the type updates it.',
        pattern: '^arn(:[a-z0-9]+([.-][a-z0-9]+)*){2}(:([a-z0-9]+([.-][a-z0-9]+)*)?){2}:([^/].*)?',
      },
      targetRef: {
        ...policyTargetRefSchema,
        description: 'The Gateway, HTTPRoute, GRPCRoute or TLSRoute whose access logs are delivered (GEP-713 policy attachment).',
      },
    },
  },
  status: policyStatusSchema(POLICY_CONDITIONS),
  printerColumns: policyPrinterColumns,
};

/** IAMAuthPolicy and AccessLogPolicy. */
export const POLICY_CRDS: readonly CrdDefinition[] = [iamAuthPolicy, accessLogPolicy];
