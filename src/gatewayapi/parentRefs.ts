import type { ObjectIndex } from '../metacontroller/objectIndex';
import { GATEWAY_GROUP, type AnyRoute, type Gateway, type GatewayClass, type ParentReference } from './types';

/** A parentRef with the CRD defaults applied (group, kind, and the route's namespace). */
export interface ResolvedParentRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export function normalizeParentRef(ref: ParentReference, routeNamespace: string): ResolvedParentRef {
  const normalized: ResolvedParentRef = {
    group: ref.group ?? GATEWAY_GROUP,
    kind: ref.kind ?? 'Gateway',
    namespace: ref.namespace || routeNamespace,
    name: ref.name,
  };
  if (ref.sectionName !== undefined && ref.sectionName !== '') normalized.sectionName = ref.sectionName;
  if (ref.port !== undefined) normalized.port = ref.port;
  return normalized;
}

/**
 * Whether two normalized parentRefs name the same parent: every field counts (parentRefKey is the
 * same identity as a string). Field by field, as a Gateway's sync compares 1,000 routes' refs.
 */
export function sameParentRef(a: ResolvedParentRef, b: ResolvedParentRef): boolean {
  return (
    a.name === b.name &&
    a.namespace === b.namespace &&
    a.kind === b.kind &&
    a.group === b.group &&
    a.sectionName === b.sectionName &&
    a.port === b.port
  );
}

/** A normalized parentRef's identity as a map key (see sameParentRef). */
export function parentRefKey(ref: ResolvedParentRef): string {
  return [ref.group, ref.kind, ref.namespace, ref.name, ref.sectionName ?? '', ref.port ?? ''].join('|');
}

export function isGatewayParent(ref: ResolvedParentRef): boolean {
  return ref.group === GATEWAY_GROUP && ref.kind === 'Gateway';
}

/** The route's parentRefs that name Gateways, normalized, in spec order. */
export function gatewayParentRefs(route: AnyRoute): ResolvedParentRef[] {
  const namespace = route.metadata.namespace ?? 'default';
  const refs: ResolvedParentRef[] = [];
  for (const ref of route.spec?.parentRefs ?? []) {
    const normalized = normalizeParentRef(ref, namespace);
    if (isGatewayParent(normalized)) refs.push(normalized);
  }
  return refs;
}

export function isOurGatewayClass(gatewayClass: GatewayClass | undefined, controllerName: string): boolean {
  return gatewayClass?.spec?.controllerName === controllerName;
}

export function gatewayClassOf(gateway: Gateway, index: ObjectIndex): GatewayClass | undefined {
  const className = gateway.spec?.gatewayClassName;
  return className ? index.get<GatewayClass>({ group: GATEWAY_GROUP, kind: 'GatewayClass', name: className }) : undefined;
}

/** True when the Gateway's class (found among the request's objects) names our controller. */
export function isOurGateway(gateway: Gateway, index: ObjectIndex, controllerName: string): boolean {
  return isOurGatewayClass(gatewayClassOf(gateway, index), controllerName);
}

/** The Gateways (present in the request) that the route's parentRefs name and that are of our class. */
export function ourParentGateways(route: AnyRoute, index: ObjectIndex, controllerName: string): Gateway[] {
  const found: Gateway[] = [];
  for (const ref of gatewayParentRefs(route)) {
    const gateway = index.get<Gateway>({ group: GATEWAY_GROUP, kind: 'Gateway', namespace: ref.namespace, name: ref.name });
    if (gateway && isOurGateway(gateway, index, controllerName) && !found.includes(gateway)) found.push(gateway);
  }
  return found;
}
