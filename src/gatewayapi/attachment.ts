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

/** The listener is one the parentRef selects (by sectionName and port, when given). */
function isRelevant(analysis: ListenerAnalysis, parentRef: ResolvedParentRef): boolean {
  const { name, port } = analysis.listener;
  return (
    (parentRef.sectionName === undefined || name === parentRef.sectionName) && (parentRef.port === undefined || port === parentRef.port)
  );
}

function allowsKind(analysis: ListenerAnalysis, kind: string): boolean {
  for (const supported of analysis.supportedKinds) if (supported.kind === kind) return true;
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
  // One loop, no intermediate lists: a Gateway's sync runs this for each of its routes (see attachmentsToGateway).
  const routeNamespace = route.metadata.namespace ?? '';
  let relevant = 0;
  let allowed = 0;
  const listeners: ListenerAttachment[] = [];
  for (const analysis of analyses) {
    if (!isRelevant(analysis, parentRef)) continue;
    relevant++;
    if (!allowsKind(analysis, route.kind) || !namespaceAllowed(analysis.listener, gateway, routeNamespace, namespaces)) continue;
    allowed++;
    const match = matchListenerHostnames(analysis.listener.hostname, route.spec?.hostnames);
    if (match.matches) listeners.push({ analysis, hostnames: match.hostnames });
  }
  if (relevant === 0) {
    return { parentRef, reason: 'NoMatchingParent', message: `No listener matches ${describeRef(parentRef)}`, listeners: [] };
  }
  if (allowed === 0) {
    const grpcOnHttp =
      route.kind === 'GRPCRoute' &&
      analyses.some((a) => isRelevant(a, parentRef) && a.latticeProtocol === 'HTTP' && !allowsKind(a, 'GRPCRoute'));
    return {
      parentRef,
      reason: 'NotAllowedByListeners',
      message: `No listener of ${describeRef(parentRef)} allows a ${route.kind} from namespace ${routeNamespace}; check the listeners' allowedRoutes${grpcOnHttp ? GRPC_ON_HTTP : ''}`,
      listeners: [],
    };
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

/** What a Gateway's routes attach to it: the two things its status needs from them. */
export interface GatewayAttachments {
  /**
   * attachedRoutes per listener name: routes (not deleting) attached by the rules above and
   * `accepted` for that parentRef, each counted once per listener.
   */
  attachedRoutes: Map<string, number>;
  /** Routes with a parentRef the rules above attach to the Gateway (whatever their own status says), in the order given. */
  attached: AnyRoute[];
}

/**
 * The attachments of every route to one Gateway, each parentRef evaluated once: a Gateway's sync
 * carries all its routes (1,000 in a large fleet) and runs whenever one of them changes.
 */
export function attachmentsToGateway(
  gateway: Gateway,
  analyses: readonly ListenerAnalysis[],
  routes: readonly AnyRoute[],
  namespaces: NamespaceLookup,
  accepted: AcceptedFor = () => true,
): GatewayAttachments {
  const attachedRoutes = new Map<string, number>(analyses.map((a) => [a.listener.name, 0]));
  // The last route counted on each listener: a route counts once per listener, whatever its parentRefs.
  const lastCounted = new Map<string, AnyRoute>();
  const attached: AnyRoute[] = [];
  for (const route of routes) {
    const countable = !route.metadata.deletionTimestamp;
    let attaches = false;
    for (const parentRef of gatewayParentRefs(route)) {
      if (!refersTo(parentRef, gateway)) continue;
      const attachment = attachToGateway(route, parentRef, gateway, analyses, namespaces);
      if (attachment.reason !== 'Accepted') continue;
      attaches = true;
      if (!countable || !accepted(route, parentRef)) continue;
      for (const { analysis } of attachment.listeners) {
        const name = analysis.listener.name;
        if (lastCounted.get(name) === route) continue;
        lastCounted.set(name, route);
        attachedRoutes.set(name, (attachedRoutes.get(name) ?? 0) + 1);
      }
    }
    if (attaches) attached.push(route);
  }
  return { attachedRoutes, attached };
}
