import type { ObjectIndex } from '../metacontroller/objectIndex';
import type { KubeObject } from '../metacontroller/types';
import { attachToGateway, type ParentAttachment } from './attachment';
import { analyzeListeners } from './listeners';
import { isOurGateway, normalizeParentRef, isGatewayParent } from './parentRefs';
import { GATEWAY_GROUP, type AnyRoute, type Gateway, type ParentReference } from './types';

/** A route parentRef that names a Gateway of our class, with its attachment. */
export interface RouteParent {
  /** The parentRef as written in the spec (copied into status). */
  specRef: ParentReference;
  gateway: Gateway;
  attachment: ParentAttachment;
}

/**
 * The parentRefs we are responsible for: those naming an existing Gateway of our class. Others
 * (foreign classes, missing Gateways, other parent kinds) get no status entry from us.
 */
export function routeParents(route: AnyRoute, index: ObjectIndex, controllerName: string): RouteParent[] {
  const routeNamespace = route.metadata.namespace ?? '';
  const namespaces = (name: string) => index.get<KubeObject>({ group: '', kind: 'Namespace', name });
  const parents: RouteParent[] = [];
  // Per Gateway, not per parentRef: several refs (one per section) name the same Gateway.
  const analyses = new Map<Gateway, ReturnType<typeof analyzeListeners>>();
  for (const specRef of route.spec?.parentRefs ?? []) {
    const ref = normalizeParentRef(specRef, routeNamespace);
    if (!isGatewayParent(ref)) continue;
    const gateway = index.get<Gateway>({ group: GATEWAY_GROUP, kind: 'Gateway', namespace: ref.namespace, name: ref.name });
    if (!gateway || !isOurGateway(gateway, index, controllerName)) continue;
    let analysis = analyses.get(gateway);
    if (analysis === undefined) analyses.set(gateway, (analysis = analyzeListeners(gateway)));
    parents.push({ specRef, gateway, attachment: attachToGateway(route, ref, gateway, analysis, namespaces) });
  }
  return parents;
}
