import { SERVICE_EXPORT_SOURCE } from './exports';
import { ownershipOf, TAG } from './tags';

/**
 * Which Lattice resources are orphans: ours (this cluster's ManagedBy), naming by their tags a
 * Kubernetes owner that no longer exists, and old enough that their owner cannot merely be
 * missing from a view of the cluster taken a moment before the resource was created.
 */

/** The Kubernetes object a resource's tags name as its owner. */
export interface OrphanOwner {
  kind: 'Route' | 'ServiceExport';
  namespace: string;
  name: string;
}

/**
 * Routes of every kind share one key: a service or target group tagged for route `ns/name` is
 * adopted by whichever route of that name syncs (ownership does not check RouteType), so it is
 * owned while any route of that name exists.
 */
export function ownerKey(owner: OrphanOwner): string {
  return `${owner.kind}/${owner.namespace}/${owner.name}`;
}

/**
 * The owner named by a resource's tags, if they name one: export target groups by their
 * SourceTypeKey and ServiceName/ServiceNamespace, everything a route made by RouteName and
 * RouteNamespace. Service networks carry ManagedBy alone: they name no owner and are never orphans.
 */
export function ownerFromTags(tags: Readonly<Record<string, string>>): OrphanOwner | undefined {
  if (tags[TAG.sourceTypeKey] === SERVICE_EXPORT_SOURCE) {
    const name = tags[TAG.serviceName];
    const namespace = tags[TAG.serviceNamespace];
    return name && namespace ? { kind: 'ServiceExport', namespace, name } : undefined;
  }
  const name = tags[TAG.routeName];
  const namespace = tags[TAG.routeNamespace];
  return name && namespace ? { kind: 'Route', namespace, name } : undefined;
}

export type OrphanResourceType = 'service' | 'target-group';

export interface OrphanCandidate {
  resourceType: OrphanResourceType;
  arn: string;
  tags: Readonly<Record<string, string>>;
  /** From the List summary; unknown means the age cannot be proven and the resource is kept. */
  createdAt: Date | undefined;
}

export interface OrphanCriteria {
  /** This cluster's ManagedBy value. */
  managedBy: string;
  /** ownerKey of every object that exists in the cluster. */
  liveOwners: ReadonlySet<string>;
  now: Date;
  /** Resources younger than this are never collected. */
  graceSeconds: number;
}

export type OrphanVerdict =
  | { orphan: true; owner: OrphanOwner }
  | { orphan: false; reason: 'unowned' | 'foreign' | 'no-owner-tag' | 'owner-exists' | 'too-young' };

/** Whether a resource is old enough to be collected (checked before its tags are read). */
export function oldEnough(createdAt: Date | undefined, now: Date, graceSeconds: number): boolean {
  if (createdAt === undefined || Number.isNaN(createdAt.getTime())) return false;
  return now.getTime() - createdAt.getTime() >= graceSeconds * 1000;
}

export function orphanVerdict(candidate: OrphanCandidate, criteria: OrphanCriteria): OrphanVerdict {
  const ownership = ownershipOf(candidate.tags, criteria.managedBy);
  if (ownership !== 'ours') return { orphan: false, reason: ownership };
  const owner = ownerFromTags(candidate.tags);
  if (owner === undefined) return { orphan: false, reason: 'no-owner-tag' };
  if (criteria.liveOwners.has(ownerKey(owner))) return { orphan: false, reason: 'owner-exists' };
  if (!oldEnough(candidate.createdAt, criteria.now, criteria.graceSeconds)) return { orphan: false, reason: 'too-young' };
  return { orphan: true, owner };
}
