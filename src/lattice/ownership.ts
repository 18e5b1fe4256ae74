import { ownershipOf, TAG } from '../model/tags';

/** Who the Lattice resources of one Kubernetes object (a route, an export) belong to. */
export interface LatticeOwner {
  /** ManagedBy of this installation. */
  managedBy: string;
  vpcId: string;
  /** Identity of the object for client tokens: `<managedBy>/<kind>/<uid>`. */
  tokenOwner: string;
  /** Whether a target group (by its tags) is this object's: only those are ever retired. */
  ownsTargetGroup(tags: Readonly<Record<string, string>>): boolean;
}

export interface RouteOwner extends LatticeOwner {
  routeName: string;
  routeNamespace: string;
  routeType: string;
  /** `allow-takeover-from` annotation: a ManagedBy value whose service we may take over. */
  allowTakeoverFrom: string | undefined;
}

/** A route's resources (its service, its target groups) carry its ManagedBy, name and namespace. */
export function routeOwns(
  owner: { managedBy: string; routeName: string; routeNamespace: string },
  tags: Readonly<Record<string, string>>,
): boolean {
  return (
    ownershipOf(tags, owner.managedBy) === 'ours' &&
    tags[TAG.routeName] === owner.routeName &&
    tags[TAG.routeNamespace] === owner.routeNamespace
  );
}
