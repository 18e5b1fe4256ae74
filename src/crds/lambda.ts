import { conditionsSchema, type CrdDefinition } from './schemas';

const lambdaTarget: CrdDefinition = {
  kind: 'LambdaTarget',
  plural: 'lambdatargets',
  singular: 'lambdatarget',
  shortNames: ['lambdatgt'],
  scope: 'Namespaced',
  description:
    'An AWS Lambda function as a route backend: HTTPRoute backendRefs with group application-networking.k8s.aws and kind LambdaTarget (no port). Each route gets a LAMBDA target group holding the function, and VPC Lattice is allowed to invoke the function from it.',
  spec: {
    type: 'object',
    required: ['functionArn'],
    properties: {
      functionArn: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        description:
          'The function, in the account and Region of the controller (VPC Lattice invokes no other). An alias- or version-qualified ARN is recommended: Lattice invokes exactly what is registered, $LATEST for an unqualified ARN.',
      },
      eventStructureVersion: {
        type: 'string',
        enum: ['V1', 'V2'],
        default: 'V2',
        description: 'The structure of the event Lattice sends to the function.',
      },
    },
  },
  status: {
    type: 'object',
    properties: {
      conditions: conditionsSchema(
        'Accepted (the ARN names a function Lattice may invoke: its account and Region) and ResolvedRefs (the function exists).',
      ),
    },
  },
  printerColumns: [
    { name: 'Function', type: 'string', jsonPath: '.spec.functionArn' },
    { name: 'Accepted', type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].status' },
    { name: 'Resolved', type: 'string', jsonPath: '.status.conditions[?(@.type=="ResolvedRefs")].status' },
  ],
};

/** LambdaTarget. */
export const LAMBDA_CRDS: readonly CrdDefinition[] = [lambdaTarget];
