import { normalizeParentRef, sameParentRef, type ResolvedParentRef } from './parentRefs';
import type { AnyRoute, ParentReference } from './types';

interface StatusParent {
  controllerName?: string;
  parentRef?: ParentReference;
  conditions?: { type?: string; status?: string }[];
}

/**
 * Whether the route's status says this controller accepted it for `parentRef`
 * (ListenerStatus.attachedRoutes: "Routes with any other value for the Accepted condition MUST
 * NOT be included"). A route not synced yet is not counted; writing its status re-syncs the
 * Gateway, which counts it then. The last written Accepted counts even while the route's new
 * generation is being synced: dropping it meanwhile would change the Gateway's status twice per
 * route edit, and each Gateway status change re-syncs every route of the Gateway.
 */
export function acceptedFor(route: AnyRoute, parentRef: ResolvedParentRef, controllerName: string): boolean {
  const namespace = route.metadata.namespace ?? 'default';
  const parents = ((route.status as { parents?: StatusParent[] } | undefined)?.parents ?? []) as StatusParent[];
  return parents.some((entry) => {
    if (
      entry?.controllerName !== controllerName ||
      !entry.parentRef ||
      !sameParentRef(normalizeParentRef(entry.parentRef, namespace), parentRef)
    )
      return false;
    const accepted = (entry.conditions ?? []).find((c) => c?.type === 'Accepted');
    return accepted?.status === 'True';
  });
}
