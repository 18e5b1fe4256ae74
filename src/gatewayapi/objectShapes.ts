import Ajv, { type ValidateFunction } from 'ajv';
import { HookRequestError } from '../errors';
import type { KubeObject } from '../metacontroller/types';

/**
 * The shape of the fields the readers of each kind rely on: which are lists, maps, strings,
 * numbers. Only shapes, so that a malformed object (a list that is a string, a map that is a
 * list) is refused with a path instead of throwing deep inside a reader; whether a value makes
 * sense stays the readers' business, answered with status conditions. The API server enforces
 * these shapes for objects it stored; a request that breaks them did not come from it.
 * Fields the CRDs require, and that readers dereference, are required here too.
 */

type Shape = Record<string, unknown>;
const S: Shape = { type: 'string' };
const I: Shape = { type: 'integer' };
const B: Shape = { type: 'boolean' };
const map: Shape = { type: 'object', additionalProperties: S };
/**
 * A list, with the CRD's maxItems where it has one: the API server stores nothing longer, and a
 * forged request must not make a reader that compares items in pairs spin for seconds.
 */
const arr = (items: Shape, maxItems?: number): Shape => ({ type: 'array', items, ...(maxItems !== undefined ? { maxItems } : {}) });
const strings: Shape = arr(S);
/** A list the API server may send as null (a Go slice without omitempty, empty). */
const listOrNull = (items: Shape): Shape => ({ type: ['array', 'null'], items });
const obj = (properties: Record<string, Shape>, required: string[] = []): Shape => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});

const condition = obj({ type: S, status: S, reason: S, message: S, observedGeneration: I, lastTransitionTime: S }, ['type', 'status']);
const conditions = arr(condition);
const objectRef = obj({ group: S, kind: S, name: S, namespace: S, sectionName: S, port: I }, ['name']);
const filter = obj({ type: S }, ['type']);
const backendRef = obj({ group: S, kind: S, name: S, namespace: S, port: I, weight: I, filters: arr(filter, 16) }, ['name']);
const nameValue = obj({ type: S, name: S, value: S }, ['name', 'value']);
const routeStatus = obj({ parents: arr(obj({ parentRef: objectRef, controllerName: S, conditions }, ['parentRef'])) });
const policyStatus = obj({ conditions, ancestors: arr(obj({ ancestorRef: objectRef, controllerName: S, conditions }, ['ancestorRef'])) });
const policySpec = (extra: Record<string, Shape>) => obj({ targetRef: objectRef, ...extra });

function route(match: Shape, maxHostnames = 16): Shape {
  const rule = obj({ name: S, matches: arr(match, 64), filters: arr(filter, 16), backendRefs: arr(backendRef, 16), timeouts: obj({}) });
  const spec = obj({ parentRefs: arr(objectRef, 32), hostnames: arr(S, maxHostnames), rules: arr(rule, 16) });
  return obj({ spec, status: routeStatus }, ['spec']);
}

const httpMatch = obj({
  path: obj({ type: S, value: S }),
  headers: arr(nameValue, 16),
  queryParams: arr(nameValue, 16),
  method: S,
});
const grpcMatch = obj({ method: obj({ type: S, service: S, method: S }), headers: arr(nameValue, 16) });

const listener = obj(
  {
    name: S,
    hostname: S,
    port: I,
    protocol: S,
    tls: obj({ mode: S, certificateRefs: arr(objectRef, 64), options: map }),
    allowedRoutes: obj({
      namespaces: obj({
        from: S,
        selector: obj({ matchLabels: map, matchExpressions: arr(obj({ key: S, operator: S, values: strings }, ['key', 'operator'])) }),
      }),
      kinds: arr(obj({ group: S, kind: S }, ['kind']), 8),
    }),
  },
  ['name', 'port', 'protocol'],
);

const SHAPES: Record<string, Shape> = {
  GatewayClass: obj({ spec: obj({ controllerName: S }, ['controllerName']), status: obj({ conditions }) }, ['spec']),
  Gateway: obj(
    {
      spec: obj({ gatewayClassName: S, listeners: arr(listener, 64), addresses: arr(obj({ type: S, value: S }), 16) }, [
        'gatewayClassName',
        'listeners',
      ]),
      status: obj({
        conditions,
        addresses: arr(obj({ type: S, value: S })),
        listeners: arr(obj({ name: S, attachedRoutes: I, conditions, supportedKinds: arr(obj({ group: S, kind: S })) })),
      }),
    },
    ['spec'],
  ),
  HTTPRoute: route(httpMatch),
  GRPCRoute: route(grpcMatch),
  TLSRoute: route(obj({}), 1024),
  ReferenceGrant: obj(
    {
      spec: obj(
        {
          from: arr(obj({ group: S, kind: S, namespace: S }, ['group', 'kind', 'namespace']), 16),
          to: arr(obj({ group: S, kind: S, name: S }, ['group', 'kind']), 16),
        },
        ['from', 'to'],
      ),
    },
    ['spec'],
  ),
  Service: obj({ spec: obj({ type: S, ports: arr(obj({ name: S, port: I, protocol: S, appProtocol: S }, ['port'])) }) }),
  EndpointSlice: obj({
    addressType: S,
    endpoints: listOrNull(
      obj({ addresses: strings, conditions: obj({ ready: B, serving: B, terminating: B }), targetRef: obj({}) }, ['addresses']),
    ),
    ports: listOrNull(obj({ name: S, port: I, protocol: S, appProtocol: S })),
  }),
  ServiceNetwork: obj({ status: obj({ conditions }) }),
  ServiceExport: obj({ spec: obj({ exportedPorts: arr(obj({ port: I, routeType: S }, ['port'])) }), status: obj({ conditions }) }),
  ServiceImport: obj({
    spec: obj({ type: S, ports: arr(obj({ port: I, protocol: S, name: S }, ['port'])) }),
    status: obj({ conditions, clusters: arr(obj({})), targetGroups: arr(obj({})) }),
  }),
  TargetGroupPolicy: obj({
    spec: policySpec({ protocol: S, protocolVersion: S, healthCheck: obj({ enabled: B, path: S, port: I, protocol: S, statusMatch: S }) }),
    status: policyStatus,
  }),
  VpcAssociationPolicy: obj({ spec: policySpec({ associateWithVpc: B, securityGroupIds: strings }), status: policyStatus }),
  IAMAuthPolicy: obj({ spec: policySpec({ policy: S }), status: policyStatus }),
  AccessLogPolicy: obj({ spec: policySpec({ destinationArn: S }), status: policyStatus }),
  LambdaTarget: obj({ spec: obj({ functionArn: S }), status: obj({ conditions }) }),
};

/** Every other kind is namespaced: its name means nothing without its namespace (and names built from both need it). */
const CLUSTER_SCOPED = new Set(['GatewayClass', 'ServiceNetwork']);
// As the API server enforces: names of these kinds are RFC 1123 subdomains, namespaces RFC 1123
// labels. Names end up in Lattice names and tags (a tag value holds at most 256 characters).
const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const NAME: Shape = { type: 'string', maxLength: 253, pattern: `^${LABEL}(\\.${LABEL})*$` };
const NAMESPACE: Shape = { type: 'string', maxLength: 63, pattern: `^${LABEL}$` };
const clusterScoped = obj({ metadata: obj({ name: NAME }) });
const namespaced = obj({ metadata: obj({ name: NAME, namespace: NAMESPACE }, ['namespace']) });

const ajv = new Ajv({ allErrors: false, ownProperties: true, strict: true });
const validators = new Map<string, ValidateFunction>(
  Object.entries(SHAPES).map(([kind, shape]) => [
    kind,
    ajv.compile({ allOf: [CLUSTER_SCOPED.has(kind) ? clusterScoped : namespaced, shape] }),
  ]),
);

const SPELLINGS = new Map(Object.keys(SHAPES).map((kind) => [kind.toLowerCase(), kind]));

/** False for a kind that names a checked kind in another case (`GATEWAY`): its shape would go unchecked. */
export function hasCanonicalSpelling(kind: string): boolean {
  const canonical = SPELLINGS.get(kind.toLowerCase());
  return canonical === undefined || canonical === kind;
}

/**
 * Refuses an object whose fields do not have the shapes the readers rely on (400
 * LGW_HOOK_INVALID_OBJECT). `where` gives the JSON pointer of the object in the request, asked
 * for only when the object is refused (a Gateway's sync checks 1,000 routes).
 */
export function checkObjectShape(object: KubeObject, where: string | (() => string)): void {
  const validate = Object.hasOwn(SHAPES, object.kind) ? validators.get(object.kind) : undefined;
  if (!validate || validate(object as unknown)) return;
  const error = validate.errors?.[0];
  const path = `${typeof where === 'string' ? where : where()}${error?.instancePath ?? ''}`;
  throw new HookRequestError(
    'LGW_HOOK_INVALID_OBJECT',
    `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}: ${path} ${error?.message ?? 'is invalid'}`,
    path,
  );
}
