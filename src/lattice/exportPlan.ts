import type { TargetGroupConfig } from '@aws-sdk/client-vpc-lattice';
import { EXPORT_PENDING_TAG, WITHDRAWN_TAG } from '../model/exports';
import { protocolFamily } from '../model/importCandidates';
import type { TargetGroupModel } from '../model/targetGroups';
import { hasEveryTarget, type OpSink } from './targetGroupPlan';
import type { ObservedTargetGroup } from './targetGroupState';

/**
 * What an export plans beyond its groups and targets (planTargetGroups in targetGroupPlan.ts): when importers may see a
 * group, and how a group it no longer exports goes. Pure, like the route plan.
 */

/** An exported port as importers tell groups apart: two groups in one slot are one export in transition. */
function slotOf(config: TargetGroupConfig | undefined): string {
  return `${config?.port ?? ''}/${protocolFamily(config?.protocol, config?.protocolVersion)}`;
}

/**
 * Shows a wanted group to importers (removes its pending or withdrawn tag) once it holds every
 * target, then withdraws what is no longer wanted. A group being replaced keeps serving its users
 * until the replacement is shown, so an importer never has nothing to forward to.
 */
export function planExportVisibility(
  desired: readonly TargetGroupModel[],
  observed: readonly ObservedTargetGroup[],
  ops: OpSink,
  waits: string[],
): void {
  const byName = new Map(observed.map((g) => [g.name, g]));
  const filling = new Set<string>();
  for (const tg of desired) {
    const group = byName.get(tg.name);
    const hiding = [EXPORT_PENDING_TAG, WITHDRAWN_TAG].filter((key) => group?.tags?.[key] !== undefined);
    if (group && hiding.length === 0) continue;
    if (group && hasEveryTarget(tg, group)) {
      ops.push({ kind: 'untagTargetGroup', targetGroupArn: group.arn, targetGroupName: group.name, tagKeys: hiding });
      continue;
    }
    filling.add(slotOf(tg.config));
    waits.push(`target group ${tg.name} is shown to importers once its targets are registered`);
  }
  const wanted = new Set(desired.map((g) => g.name));
  planWithdrawals(
    observed.filter((g) => !wanted.has(g.name)),
    ops,
    waits,
    filling,
  );
}

/**
 * Withdraw, then retire: a group a rule still forwards to (another cluster's service) is tagged
 * Withdrawn, so its importers move their traffic away; once nothing uses it, it is deregistered,
 * drained and deleted. A group whose replacement is still `filling` is not withdrawn yet.
 */
export function planWithdrawals(
  groups: readonly ObservedTargetGroup[],
  ops: OpSink,
  waits: string[],
  filling: ReadonlySet<string> = new Set(),
): void {
  for (const group of groups) {
    if (group.serviceArns.length === 0) {
      ops.push({ kind: 'retireTargetGroup', targetGroupArn: group.arn, targetGroupName: group.name });
      continue;
    }
    const users = group.serviceArns.join(', ');
    if (filling.has(slotOf(group.config))) {
      waits.push(`target group ${group.name} keeps serving ${users} until its replacement holds its targets`);
      continue;
    }
    if (group.tags?.[WITHDRAWN_TAG] !== 'true')
      ops.push({ kind: 'tagTargetGroup', targetGroupArn: group.arn, targetGroupName: group.name, tags: { [WITHDRAWN_TAG]: 'true' } });
    waits.push(`target group ${group.name} is no longer exported but still used by ${users}; importers were told it is withdrawn`);
  }
}

/** Whether a group this export no longer wants is still used by another cluster's rules (worth a slower poll). */
export function awaitingImporters(observed: readonly ObservedTargetGroup[], wanted: ReadonlySet<string>): boolean {
  return observed.some((g) => !wanted.has(g.name) && g.serviceArns.length > 0);
}
