import { selectorMatches } from '../metacontroller/labelSelector';
import type { KubeObject } from '../metacontroller/types';
import { matchListenerHostnames } from './hostnames';
import type { ListenerAnalysis } from './listeners';
import { gatewayParentRefs, type ResolvedParentRef } from './parentRefs';
import type { AnyRoute, Gateway, Listener } from './types';

export type AttachmentReason = 'Accepted' | 'NoMatchingParent' | 'NotAllowedByListeners' | 'NoMatchingListenerHostname';

export interface ListenerAttachment {
  analysis: ListenerAnalysis;
  /** Hostnames of the route usable on this listener (intersection); empty means any. */
  hostnames: string[];
}

export interface ParentAttachment {
  parentRef: ResolvedParentRef;
  reason: AttachmentReason;
  message: string;
  /** The listeners that admit the route (non-empty exactly when reason is Accepted). */
  listeners: ListenerAttachment[];
}

/** Why HTTP listeners do not take GRPCRoutes by default (docs/gateway-api-support.md, GRPCRoute). */
const GRPC_ON_HTTP =
  '. VPC Lattice negotiates HTTP/2, which gRPC needs, with ALPN on HTTPS listeners; an HTTP listener carries GRPCRoutes only when its allowedRoutes.kinds lists GRPCRoute';

/** Looks up a Namespace object by name (for allowedRoutes Selector). */
export type NamespaceLookup = (name: string) => KubeObject | undefined;

function namespaceAllowed(listener: Listener, gateway: Gateway, routeNamespace: string, namespaces: NamespaceLookup): boolean {
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNamespace === gateway.metadata.namespace;
  if (from === 'Selector') {
    const namespace = namespaces(routeNamespace);
    const selector = listener.allowedRoutes?.namespaces?.selector;
    return namespace !== undefined && selector !== undefined && selectorMatches(selector, namespace.metadata.labels);
  }
  return false;
}

function describeRef(ref: ResolvedParentRef): string {
  const parts = [`Gateway ${ref.namespace}/${ref.name}`];
  if (ref.sectionName !== undefined) parts.push(`sectionName ${ref.sectionName}`);
  if (ref.port !== undefined) parts.push(`port ${ref.port}`);
  return parts.join(', ');
}

/**
 * The Gateway API attachment of one route parentRef to a Gateway: relevant listeners
 * (sectionName/port), then allowedRoutes kinds and namespaces, then hostname intersection.
 * Attachment does not depend on listener or route validity.
 */
export function attachToGateway(
  route: AnyRoute,
  parentRef: ResolvedParentRef,
  gateway: Gateway,
  analyses: readonly ListenerAnalysis[],
  namespaces: NamespaceLookup,
): ParentAttachment {
  const relevant = analyses.filter(
    (a) =>
      (parentRef.sectionName === undefined || a.listener.name === parentRef.sectionName) &&
      (parentRef.port === undefined || a.listener.port === parentRef.port),
  );
  if (relevant.length === 0) {
    return { parentRef, reason: 'NoMatchingParent', message: `No listener matches ${describeRef(parentRef)}`, listeners: [] };
  }
  const routeNamespace = route.metadata.namespace ?? '';
  const allowed = relevant.filter(
    (a) => a.supportedKinds.some((k) => k.kind === route.kind) && namespaceAllowed(a.listener, gateway, routeNamespace, namespaces),
  );
  if (allowed.length === 0) {
    const grpcOnHttp =
      route.kind === 'GRPCRoute' &&
      relevant.some((a) => a.latticeProtocol === 'HTTP' && !a.supportedKinds.some((k) => k.kind === 'GRPCRoute'));
    return {
      parentRef,
      reason: 'NotAllowedByListeners',
      message: `No listener of ${describeRef(parentRef)} allows a ${route.kind} from namespace ${routeNamespace}; check the listeners' allowedRoutes${grpcOnHttp ? GRPC_ON_HTTP : ''}`,
      listeners: [],
    };
  }
  const listeners: ListenerAttachment[] = [];
  for (const analysis of allowed) {
    const match = matchListenerHostnames(analysis.listener.hostname, route.spec?.hostnames);
    if (match.matches) listeners.push({ analysis, hostnames: match.hostnames });
  }
  if (listeners.length === 0) {
    return {
      parentRef,
      reason: 'NoMatchingListenerHostname',
      message: `No hostname of the route intersects the listener hostnames of ${describeRef(parentRef)}`,
      listeners: [],
    };
  }
  return { parentRef, reason: 'Accepted', message: 'Accepted', listeners };
}

/** Whether a parentRef names this Gateway. */
export function refersTo(parentRef: ResolvedParentRef, gateway: Gateway): boolean {
  return parentRef.name === gateway.metadata.name && parentRef.namespace === gateway.metadata.namespace;
}

/** Whether the route's own status reports it Accepted for that parentRef (see routeAcceptance.ts). */
export type AcceptedFor = (route: AnyRoute, parentRef: ResolvedParentRef) => boolean;

/**
 * attachedRoutes per listener name: routes (not deleting) attached by the rules above and
 * `accepted` for that parentRef, each counted once per listener.
 */
export function countAttachedRoutes(
  gateway: Gateway,
  analyses: readonly ListenerAnalysis[],
  routes: readonly AnyRoute[],
  namespaces: NamespaceLookup,
  accepted: AcceptedFor = () => true,
): Map<string, number> {
  const counts = new Map<string, number>(analyses.map((a) => [a.listener.name, 0]));
  for (const route of routes) {
    if (route.metadata.deletionTimestamp) continue;
    const attachedTo = new Set<string>();
    for (const parentRef of gatewayParentRefs(route)) {
      if (!refersTo(parentRef, gateway) || !accepted(route, parentRef)) continue;
      for (const { analysis } of attachToGateway(route, parentRef, gateway, analyses, namespaces).listeners)
        attachedTo.add(analysis.listener.name);
    }
    for (const name of attachedTo) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}
