import type { ServiceSummary, TargetGroupSummary } from '@aws-sdk/client-vpc-lattice';
import { RetryLaterError } from '../errors';
import { oldEnough, orphanVerdict, type OrphanOwner } from '../model/orphans';
import type { LatticeApi } from './api';
import { isConflict, isNotFound, orUndefinedIfNotFound } from './awsErrors';
import type { LambdaApi } from './lambdaApi';
import type { ExpiringSet } from './expiringSet';
import { retireTargetGroup } from './targetGroupApply';

export type RemovedResourceType = 'service-network-association' | 'service' | 'target-group';

export interface OrphanRemoval {
  resourceType: RemovedResourceType;
  arn: string;
  owner: OrphanOwner;
}

export interface SweepOptions {
  managedBy: string;
  /** ownerKey of every route and export that exists (the sync's related objects). */
  liveOwners: ReadonlySet<string>;
  /** ARNs recorded on existing objects: theirs, so never orphans, and their tags need no read. */
  recorded: ReadonlySet<string>;
  now: Date;
  graceSeconds: number;
  /** Epoch ms: no resource is started after it; the rest waits for the next pass. */
  stopAt: number;
  /**
   * ARNs whose tags said "not ours" (another cluster's or nobody's), so later sweeps skip their
   * ListTagsForResource. Only ever a reason to keep a resource, so a stale entry is safe; entries
   * still expire, for a resource that later becomes ours by takeover.
   */
  notOurs: ExpiringSet;
  lambda?: LambdaApi;
  onRemoval(removal: OrphanRemoval): void;
}

export interface SweepResult {
  /** Resources listed, and those whose tags had to be read. */
  listed: number;
  tagReads: number;
  orphans: number;
  /** Orphans whose removal is under way (associations or targets going, service deleting). */
  pending: number;
  /** Orphan target groups a service that is not an orphan still uses: kept, and said in the log. */
  inUse: string[];
  /** Every listed resource was looked at before `stopAt` (and no call ran out of budget). */
  complete: boolean;
}

type Listed = { kind: 'service'; summary: ServiceSummary } | { kind: 'target-group'; summary: TargetGroupSummary };

/** Associations first (Lattice refuses to delete an associated service), then the service with its listeners and rules. */
async function removeService(
  api: LatticeApi,
  summary: ServiceSummary,
  owner: OrphanOwner,
  onRemoval: SweepOptions['onRemoval'],
): Promise<'pending' | 'gone'> {
  const associations = await api.listServiceNetworkServiceAssociations({ serviceIdentifier: summary.id ?? '' });
  if (associations.length > 0) {
    for (const association of associations) {
      if (!association.arn || association.status === 'DELETE_IN_PROGRESS') continue;
      try {
        await api.deleteServiceNetworkServiceAssociation(association.arn);
        onRemoval({ resourceType: 'service-network-association', arn: association.arn, owner });
      } catch (error) {
        if (!isNotFound(error) && !isConflict(error)) throw error;
      }
    }
    return 'pending';
  }
  try {
    await api.deleteService(summary.arn ?? '');
    onRemoval({ resourceType: 'service', arn: summary.arn ?? '', owner });
    return 'pending';
  } catch (error) {
    if (isNotFound(error)) return 'gone';
    if (isConflict(error)) return 'pending';
    throw error;
  }
}

/** Targets deregistered and drained, then the group; its deletion is told by the DeleteTargetGroup call that went through. */
async function removeTargetGroup(api: LatticeApi, arn: string, owner: OrphanOwner, options: SweepOptions): Promise<'pending' | 'gone'> {
  const deletes = () => api.session.calls.filter((c) => c.operation === 'DeleteTargetGroup' && c.ok).length;
  const before = deletes();
  const outcome = await retireTargetGroup(api, arn, options.lambda);
  if (deletes() > before) options.onRemoval({ resourceType: 'target-group', arn, owner });
  return outcome.gone ? 'gone' : 'pending';
}

/**
 * One pass of the orphan collector: lists every service and target group of the account (one
 * call per page), reads the tags of those that no existing object records, that are old enough
 * and not known to be someone else's, and removes the orphans among them in dependency order —
 * services (associations, then the service with its listeners and rules) before target groups
 * (targets, then the group), a group still used by a service waiting for that service to go.
 * Stops starting work at `stopAt`; the next pass continues (what was removed is not listed again,
 * what was not ours is remembered).
 */
export async function sweepOrphans(api: LatticeApi, options: SweepOptions): Promise<SweepResult> {
  const result: SweepResult = { listed: 0, tagReads: 0, orphans: 0, pending: 0, inUse: [], complete: false };
  const nowMs = options.now.getTime();
  try {
    const [services, groups] = await Promise.all([api.listServices(), api.listTargetGroups()]);
    result.listed = services.length + groups.length;
    const listed: Listed[] = [
      ...services.map((summary) => ({ kind: 'service' as const, summary })),
      ...groups.map((summary) => ({ kind: 'target-group' as const, summary })),
    ];
    const deleting = new Set(services.filter((s) => s.status === 'DELETE_IN_PROGRESS').map((s) => s.arn ?? ''));
    for (const item of listed) {
      const { arn, createdAt, status } = item.summary;
      if (!arn || options.recorded.has(arn) || options.notOurs.has(arn, nowMs)) continue;
      // Too young to judge, or on its way out already: no call spent on it.
      if (!oldEnough(createdAt, options.now, options.graceSeconds) || status === 'DELETE_IN_PROGRESS') continue;
      if (Date.now() >= options.stopAt) return result;
      const tags = await orUndefinedIfNotFound(api.listTags(arn));
      if (tags === undefined) continue;
      result.tagReads += 1;
      const verdict = orphanVerdict({ resourceType: item.kind, arn, tags, createdAt }, options);
      if (!verdict.orphan) {
        if (verdict.reason === 'foreign' || verdict.reason === 'unowned') options.notOurs.add(arn, nowMs);
        continue;
      }
      result.orphans += 1;
      if (item.kind === 'service') {
        if ((await removeService(api, item.summary, verdict.owner, options.onRemoval)) === 'pending') {
          result.pending += 1;
          deleting.add(arn);
        }
        continue;
      }
      const users = item.summary.serviceArns ?? [];
      if (users.length > 0) {
        // Used by a service: only once that service is gone (its rules forward here).
        if (users.some((user) => deleting.has(user))) result.pending += 1;
        else result.inUse.push(arn);
        continue;
      }
      if ((await removeTargetGroup(api, arn, verdict.owner, options)) === 'pending') result.pending += 1;
    }
    result.complete = true;
    return result;
  } catch (error) {
    // Out of budget or throttled: what is done stays done, the next pass goes on.
    if (error instanceof RetryLaterError) return result;
    throw error;
  }
}
