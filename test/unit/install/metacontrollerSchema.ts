import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * JSON Schemas of Metacontroller's DecoratorController and CompositeController
 * (`metacontroller.k8s.io/v1alpha1`, v4.16 or newer), written from the API types
 * (`pkg/apis/metacontroller/v1alpha1/types.go`) and checked field by field against the CRDs of
 * Metacontroller v4.17.2 (`manifests/production/metacontroller-crds-v1.yaml`).
 *
 * Every object has `additionalProperties: false`: the API server would prune an unknown or
 * misplaced field without a word (a hook setting in the wrong place, a Composite-only field on a
 * Decorator), so the tests refuse it. Where the CRD is looser than what Metacontroller accepts
 * when it builds a controller, the schema follows Metacontroller:
 * - a webhook has either `url`, or `service` and `path` (webhookURL in pkg/hooks/webhook.go);
 * - `authorization` and `basicAuth` exclude each other, `authorization.type` is never `Basic`,
 *   and a `caBundle` has exactly one source (pkg/hooks/endpoint_config.go);
 * - `etag.cacheTimeoutSeconds` needs `etag.cacheCleanupSeconds` (Metacontroller dereferences it);
 * - label and annotation selector requirements follow metav1.LabelSelector's rules.
 * And where a field exists in the CRD but does nothing, it is refused: `preUpdateChild` and
 * `postUpdateChild` hooks are never called. Metadata is what generated controllers carry (name,
 * labels, annotations): the kinds are cluster-scoped, so a namespace is an error.
 */

const int32 = { type: 'integer', minimum: -2147483648, maximum: 2147483647 } as const;
const nonNegativeInt32 = { ...int32, minimum: 0 } as const;
const text = { type: 'string', minLength: 1 } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dnsLabel = { type: 'string', maxLength: 63, pattern: `^${DNS_LABEL}$` } as const;
const dnsSubdomain = { type: 'string', maxLength: 253, pattern: `^${DNS_LABEL}(\\.${DNS_LABEL})*$` } as const;
/** Go's time.ParseDuration (the CRD's `format: duration`). */
const goDuration = { type: 'string', pattern: '^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$' } as const;

function object(
  properties: Record<string, unknown>,
  required: string[] = [],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}), ...extra };
}

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const arrayOf = (items: unknown, extra: Record<string, unknown> = {}) => ({ type: 'array', items, ...extra });

/** Not both: Metacontroller refuses a webhook or endpoint with both. */
const notBothAuthorizations = { not: { required: ['authorization', 'basicAuth'] } };

const connection = {
  authorization: ref('authorization'),
  basicAuth: ref('basicAuth'),
  caBundle: ref('caBundle'),
  clientTLS: ref('clientTLS'),
};

const definitions = {
  selectorRequirement: object(
    {
      key: text,
      operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
      values: arrayOf({ type: 'string' }),
    },
    ['key', 'operator'],
    {
      if: { properties: { operator: { enum: ['In', 'NotIn'] } } },
      then: { required: ['values'], properties: { values: { type: 'array', minItems: 1 } } },
      else: { not: { required: ['values'] } },
    },
  ),
  labelSelector: object({ matchLabels: stringMap, matchExpressions: arrayOf(ref('selectorRequirement')) }),
  annotationSelector: object({ matchAnnotations: stringMap, matchExpressions: arrayOf(ref('selectorRequirement')) }),
  /** `group/version` or a core version; Metacontroller reads the resource in exactly that version. */
  apiVersion: { type: 'string', pattern: `^(${DNS_LABEL}(\\.${DNS_LABEL})*/)?v[0-9]+((alpha|beta)[0-9]+)?$` },
  /** The lowercase plural, without a subresource. */
  resource: { type: 'string', pattern: `^${DNS_LABEL}$` },
  updateMethod: { enum: ['OnDelete', 'Recreate', 'InPlace', 'RollingRecreate', 'RollingInPlace'] },

  secretKeyRef: object({ name: dnsSubdomain, namespace: dnsLabel, key: text }, ['name', 'namespace', 'key']),
  secretRef: object({ name: dnsSubdomain, namespace: dnsLabel }, ['name', 'namespace']),
  optionalKeyRef: object({ name: dnsSubdomain, namespace: dnsLabel, key: text }, ['name', 'namespace']),
  authorization: object({ type: { ...text, not: { const: 'Basic' } }, secretRef: ref('secretKeyRef') }, ['secretRef']),
  basicAuth: object({ secretRef: ref('secretRef'), usernameKey: text, passwordKey: text }, ['secretRef']),
  caBundle: object({ inline: text, secretRef: ref('optionalKeyRef'), configMapRef: ref('optionalKeyRef') }, [], {
    minProperties: 1,
    maxProperties: 1,
  }),
  clientTLS: object({ secretRef: ref('secretRef'), certKey: text, privateKeyKey: text }, ['secretRef']),

  endpointConfig: object({ host: text, ...connection }, ['host'], notBothAuthorizations),
  webhook: object(
    {
      url: { type: 'string', pattern: '^https?://[^/?#\\s]+(/\\S*)?$' },
      service: object(
        {
          name: dnsLabel,
          namespace: dnsLabel,
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          protocol: { enum: ['http', 'https'] },
        },
        ['name', 'namespace'],
      ),
      path: { type: 'string', pattern: '^/\\S*$' },
      timeout: goDuration,
      responseUnMarshallMode: { enum: ['loose', 'strict'] },
      etag: object({ enabled: { type: 'boolean' }, cacheTimeoutSeconds: nonNegativeInt32, cacheCleanupSeconds: nonNegativeInt32 }, [], {
        dependencies: { cacheTimeoutSeconds: ['cacheCleanupSeconds'] },
      }),
      ...connection,
    },
    [],
    {
      oneOf: [
        { required: ['url'], not: { anyOf: [{ required: ['service'] }, { required: ['path'] }] } },
        { required: ['service', 'path'], not: { required: ['url'] } },
      ],
      ...notBothAuthorizations,
    },
  ),
  hook: object({ version: { enum: ['v1', 'v2'] }, webhook: ref('webhook') }, ['webhook']),
  hooks: object({ sync: ref('hook'), finalize: ref('hook'), customize: ref('hook') }),
  endpointConfigs: arrayOf(ref('endpointConfig')),
  resyncPeriodSeconds: { ...int32, minimum: 1 },
  metadata: object({ name: dnsSubdomain, labels: stringMap, annotations: stringMap }, ['name']),
};

const METACONTROLLER_API_VERSION = 'metacontroller.k8s.io/v1alpha1';

function controllerSchema(kind: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    definitions,
    ...object({ apiVersion: { const: METACONTROLLER_API_VERSION }, kind: { const: kind }, metadata: ref('metadata'), spec }, [
      'apiVersion',
      'kind',
      'metadata',
      'spec',
    ]),
  };
}

export const DECORATOR_CONTROLLER_SCHEMA = controllerSchema(
  'DecoratorController',
  object(
    {
      resources: arrayOf(
        object(
          {
            apiVersion: ref('apiVersion'),
            resource: ref('resource'),
            labelSelector: ref('labelSelector'),
            annotationSelector: ref('annotationSelector'),
            ignoreStatusChanges: { type: 'boolean' },
          },
          ['apiVersion', 'resource'],
        ),
        { minItems: 1 },
      ),
      attachments: arrayOf(
        object({ apiVersion: ref('apiVersion'), resource: ref('resource'), updateStrategy: object({ method: ref('updateMethod') }) }, [
          'apiVersion',
          'resource',
        ]),
      ),
      resyncPeriodSeconds: ref('resyncPeriodSeconds'),
      hooks: ref('hooks'),
      endpointConfigs: ref('endpointConfigs'),
    },
    ['resources'],
  ),
);

export const COMPOSITE_CONTROLLER_SCHEMA = controllerSchema(
  'CompositeController',
  object(
    {
      parentResource: object(
        {
          apiVersion: ref('apiVersion'),
          resource: ref('resource'),
          labelSelector: ref('labelSelector'),
          ignoreStatusChanges: { type: 'boolean' },
          revisionHistory: object({ fieldPaths: arrayOf(text) }),
        },
        ['apiVersion', 'resource'],
      ),
      childResources: arrayOf(
        object(
          {
            apiVersion: ref('apiVersion'),
            resource: ref('resource'),
            updateStrategy: object({
              method: ref('updateMethod'),
              statusChecks: object({
                conditions: arrayOf(object({ type: text, status: { type: 'string' }, reason: { type: 'string' } }, ['type'])),
              }),
            }),
          },
          ['apiVersion', 'resource'],
        ),
      ),
      generateSelector: { type: 'boolean' },
      resyncPeriodSeconds: ref('resyncPeriodSeconds'),
      hooks: ref('hooks'),
      endpointConfigs: ref('endpointConfigs'),
    },
    ['parentResource'],
  ),
);

// strictRequired would refuse the `required` of the not/oneOf rules, which name properties of the
// enclosing object; a misspelt `required` cannot hide anyway: with additionalProperties false no
// valid object could have it, and the valid manifests would fail.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validators: Record<string, ValidateFunction> = {
  DecoratorController: ajv.compile(DECORATOR_CONTROLLER_SCHEMA),
  CompositeController: ajv.compile(COMPOSITE_CONTROLLER_SCHEMA),
};

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  if (error.keyword === 'additionalProperties')
    return `${where}: unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/** What is wrong with a DecoratorController or CompositeController, one line per problem (empty: valid). */
export function controllerSchemaErrors(controller: unknown): string[] {
  const kind = (controller as { kind?: unknown } | null)?.kind;
  const validate = typeof kind === 'string' && Object.hasOwn(validators, kind) ? validators[kind] : undefined;
  if (!validate) return [`/kind: ${JSON.stringify(kind)} is neither DecoratorController nor CompositeController`];
  return validate(controller) ? [] : (validate.errors ?? []).map(describeError);
}
