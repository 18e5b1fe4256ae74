import type { AnyRoute } from '../../gatewayapi/types';
import { KEY_PREFIX } from '../../gatewayapi/ourKeys';
import { routeOwns, type RouteOwner } from '../../lattice/ownership';
import type { RouteKindAdapter } from '../../model/routeKinds';
import type { HookContext } from '../types';

export const ALLOW_TAKEOVER_ANNOTATION = `${KEY_PREFIX}allow-takeover-from`;

/** Whose the route's Lattice resources are: this installation, this route (by uid for client tokens). */
export function routeOwnerOf(route: AnyRoute, adapter: RouteKindAdapter, ctx: HookContext): RouteOwner {
  const { identity } = ctx.aws;
  const owner = {
    managedBy: identity.managedBy,
    vpcId: identity.vpcId,
    tokenOwner: `${identity.managedBy}/${route.kind}/${route.metadata.uid ?? `${route.metadata.namespace}/${route.metadata.name}`}`,
    routeName: route.metadata.name,
    routeNamespace: route.metadata.namespace ?? '',
    routeType: adapter.routeType,
    allowTakeoverFrom: route.metadata.annotations?.[ALLOW_TAKEOVER_ANNOTATION],
  };
  return { ...owner, ownsTargetGroup: (tags) => routeOwns(owner, tags) };
}
