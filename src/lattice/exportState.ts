import { exportTargetGroupPrefix } from '../model/names';
import type { LatticeApi } from './api';
import type { LatticeOwner } from './ownership';
import { observeTargetGroups, type ObservedTargetGroup } from './targetGroupState';

/**
 * An export's target groups with their tags (pending, withdrawn), only those its owner's tags
 * claim: the ARNs come from an annotation anyone can edit.
 */
export async function observeExportGroups(
  api: LatticeApi,
  owner: LatticeOwner,
  arns: Iterable<string>,
  wanted: ReadonlySet<string>,
): Promise<ObservedTargetGroup[]> {
  const groups: ObservedTargetGroup[] = [];
  for (const group of await observeTargetGroups(api, arns, (name) => wanted.has(name))) {
    const tags = await api.tagsIfPresent(group.arn);
    if (tags !== undefined && owner.ownsTargetGroup(tags)) groups.push({ ...group, tags });
  }
  return groups;
}

/**
 * The export's groups found by their deterministic name prefix in this VPC: what a deletion must
 * not forget even when a failed pass never recorded an ARN. One List (of this VPC's groups) per
 * finalize pass; syncs never list.
 */
export async function findExportGroupArns(api: LatticeApi, vpcId: string, namespace: string, exportName: string): Promise<string[]> {
  const prefix = exportTargetGroupPrefix(namespace, exportName);
  return (await api.listTargetGroups(vpcId)).filter((g) => g.name?.startsWith(prefix) && g.arn).map((g) => g.arn as string);
}
