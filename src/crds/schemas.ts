/** OpenAPI building blocks shared by our CRDs. */

export type JsonSchema = Record<string, unknown>;

/** metav1.Condition, as every Kubernetes API declares it. */
export const conditionSchema: JsonSchema = {
  type: 'object',
  required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
  properties: {
    lastTransitionTime: { type: 'string', format: 'date-time' },
    message: { type: 'string', maxLength: 32768 },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    reason: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    type: {
      type: 'string',
      maxLength: 316,
      pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    },
  },
};

export function conditionsSchema(description: string): JsonSchema {
  return {
    type: 'array',
    description,
    maxItems: 8,
    items: conditionSchema,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  };
}

/** A Gateway API style policy target reference (group, kind, name, optional namespace). */
export const policyTargetRefSchema: JsonSchema = {
  type: 'object',
  required: ['group', 'kind', 'name'],
  properties: {
    group: { type: 'string', maxLength: 253, pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' },
    kind: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$' },
    name: { type: 'string', minLength: 1, maxLength: 253 },
    namespace: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    sectionName: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    },
  },
};

/** A Gateway API ParentReference, as GEP-713 ancestor entries carry it. */
const parentReferenceSchema: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    group: {
      type: 'string',
      default: 'gateway.networking.k8s.io',
      maxLength: 253,
      pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    },
    kind: { type: 'string', default: 'Gateway', minLength: 1, maxLength: 63, pattern: '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$' },
    namespace: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    name: { type: 'string', minLength: 1, maxLength: 253 },
    sectionName: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    },
    port: { type: 'integer', format: 'int32', minimum: 1, maximum: 65535 },
  },
};

/** GEP-713 `status.ancestors`: per Gateway through which the policy applies, each controller's conditions. */
export const policyAncestorsSchema: JsonSchema = {
  type: 'array',
  description:
    'Per ancestor (the Gateway, or the Gateways of a route) and controller, the policy conditions (GEP-713 PolicyAncestorStatus).',
  maxItems: 16,
  items: {
    type: 'object',
    required: ['ancestorRef', 'controllerName'],
    properties: {
      ancestorRef: parentReferenceSchema,
      controllerName: {
        type: 'string',
        minLength: 1,
        maxLength: 253,
        pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$",
      },
      // A copy: a schema object used twice in one CRD would be rendered as a YAML alias.
      conditions: { ...structuredClone(conditionsSchema('The conditions of the policy for this ancestor.')), minItems: 1 },
    },
  },
};

/** A policy's status: `conditions` (as the Go controller writes them) and GEP-713 `ancestors`. */
export function policyStatusSchema(conditionsDescription: string): JsonSchema {
  return { type: 'object', properties: { conditions: conditionsSchema(conditionsDescription), ancestors: policyAncestorsSchema } };
}

export interface CrdDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Cluster' | 'Namespaced';
  description: string;
  spec: JsonSchema;
  status: JsonSchema;
  printerColumns?: { name: string; type: string; jsonPath: string; priority?: number }[];
}

export const OUR_GROUP = 'application-networking.k8s.aws';

/** A CustomResourceDefinition of our group, v1alpha1 served and stored, with the status subresource. */
export function customResourceDefinition(definition: CrdDefinition): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${definition.plural}.${OUR_GROUP}`, labels: { 'app.kubernetes.io/name': 'lattice-gateway-hooks' } },
    spec: {
      group: OUR_GROUP,
      names: {
        kind: definition.kind,
        listKind: `${definition.kind}List`,
        plural: definition.plural,
        singular: definition.singular,
        shortNames: definition.shortNames,
        categories: ['gateway-api'],
      },
      scope: definition.scope,
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            ...(definition.printerColumns ?? []),
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: definition.description,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: definition.spec,
                status: definition.status,
              },
            },
          },
        },
      ],
    },
  };
}
