import type { HealthCheckConfig } from '@aws-sdk/client-vpc-lattice';
import { canonicalJson } from '../model/canonicalJson';
import type { TargetGroupModel } from '../model/targetGroups';
import type { TargetModel } from '../model/targets';
import { chunks, TARGETS_PER_CALL } from './batches';
import type { ObservedTargetGroup } from './targetGroupState';

/**
 * The target-group part of a plan, shared by routes and exports: a pure diff of the wanted groups
 * and targets against what Lattice holds. Operations name groups by their Lattice names; apply
 * resolves them to ids as it goes.
 */
export type TargetGroupOp =
  | { kind: 'createTargetGroup'; targetGroup: TargetGroupModel }
  | { kind: 'updateHealthCheck'; targetGroupName: string; healthCheck: HealthCheckConfig }
  | { kind: 'addInvokePermission'; targetGroupName: string; functionArn: string }
  | { kind: 'removeInvokePermission'; targetGroupName: string; functionArn: string }
  | { kind: 'registerTargets'; targetGroupName: string; targets: TargetModel[] }
  | { kind: 'deregisterTargets'; targetGroupName: string; targets: TargetModel[] }
  | { kind: 'retireTargetGroup'; targetGroupArn: string; targetGroupName: string }
  | { kind: 'tagTargetGroup'; targetGroupArn: string; targetGroupName: string; tags: Record<string, string> }
  | { kind: 'untagTargetGroup'; targetGroupArn: string; targetGroupName: string; tagKeys: string[] };

const TARGET_GROUP_OP_KINDS: ReadonlySet<string> = new Set<TargetGroupOp['kind']>([
  'createTargetGroup',
  'updateHealthCheck',
  'addInvokePermission',
  'removeInvokePermission',
  'registerTargets',
  'deregisterTargets',
  'retireTargetGroup',
  'tagTargetGroup',
  'untagTargetGroup',
]);

export function isTargetGroupOp(op: { kind: string }): op is TargetGroupOp {
  return TARGET_GROUP_OP_KINDS.has(op.kind);
}

/** Where a planner appends its operations: a target-group plan, or a route's plan that holds them too. */
export interface OpSink {
  push(...ops: TargetGroupOp[]): number;
}

function targetKey(t: { id: string; port?: number }): string {
  return `${t.id}:${t.port ?? ''}`;
}

/** ACTIVE, with every wanted target registered (and not draining) and, for a function, Lattice allowed to invoke it: rules may forward to it. */
export function hasEveryTarget(desired: TargetGroupModel, group: ObservedTargetGroup): boolean {
  if (group.status !== 'ACTIVE') return false;
  if (desired.lambda && group.invokePermitted !== true) return false;
  const present = new Set((group.targets ?? []).filter((t) => t.status !== 'DRAINING').map(targetKey));
  return desired.targets.every((t) => present.has(targetKey(t)));
}

function healthCheckDrift(desired: HealthCheckConfig | undefined, observed: HealthCheckConfig | undefined): boolean {
  if (!desired) return false;
  const current = (observed ?? {}) as Record<string, unknown>;
  return Object.entries(desired as Record<string, unknown>).some(
    ([k, v]) => canonicalJson(current[k] ?? null) !== canonicalJson(v ?? null),
  );
}

/** Creates missing groups, repairs health checks, grants invoke permissions, registers missing and deregisters unwanted targets. */
export function planTargetGroups(
  desired: readonly TargetGroupModel[],
  observed: readonly ObservedTargetGroup[],
  ops: OpSink,
  waits: string[],
): void {
  const byName = new Map(observed.map((g) => [g.name, g]));
  for (const tg of desired) {
    const existing = byName.get(tg.name);
    if (!existing) {
      ops.push({ kind: 'createTargetGroup', targetGroup: tg });
      if (tg.targets.length > 0) waits.push(`target group ${tg.name} is being created; its targets follow`);
      continue;
    }
    if (existing.status !== 'ACTIVE') {
      waits.push(`target group ${tg.name} is ${existing.status}`);
      continue;
    }
    if (healthCheckDrift(tg.config.healthCheck, existing.config?.healthCheck)) {
      ops.push({ kind: 'updateHealthCheck', targetGroupName: tg.name, healthCheck: tg.config.healthCheck ?? {} });
    }
    // Lattice must be allowed to invoke a function before requests reach it.
    if (tg.lambda && existing.invokePermitted !== true)
      ops.push({ kind: 'addInvokePermission', targetGroupName: tg.name, functionArn: tg.lambda.functionArn });
    const present = new Map((existing.targets ?? []).filter((t) => t.status !== 'DRAINING').map((t) => [targetKey(t), t]));
    const wanted = new Set(tg.targets.map(targetKey));
    const register = tg.targets.filter((t) => !present.has(targetKey(t)));
    const deregister = [...present.values()]
      .filter((t) => !wanted.has(targetKey(t)))
      .map((t) => ({ id: t.id, ...(t.port !== undefined ? { port: t.port } : {}) }));
    for (const part of chunks(register, TARGETS_PER_CALL)) ops.push({ kind: 'registerTargets', targetGroupName: tg.name, targets: part });
    // A function leaving its group (it went missing) loses our statement first, as on retirement.
    if (tg.type === 'LAMBDA')
      for (const t of deregister) ops.push({ kind: 'removeInvokePermission', targetGroupName: tg.name, functionArn: t.id });
    for (const part of chunks(deregister, TARGETS_PER_CALL))
      ops.push({ kind: 'deregisterTargets', targetGroupName: tg.name, targets: part });
  }
}

/** Our target groups that nothing will use once the plan ran: retired (deregistered, drained, deleted). */
export function planRetirements(
  desired: readonly TargetGroupModel[],
  observed: readonly ObservedTargetGroup[],
  ownTargetGroupArns: ReadonlySet<string>,
  stillUsed: ReadonlySet<string>,
  ops: OpSink,
): void {
  const wanted = new Set(desired.map((g) => g.name));
  for (const group of observed) {
    if (!wanted.has(group.name) && ownTargetGroupArns.has(group.arn) && !stillUsed.has(group.id)) {
      ops.push({ kind: 'retireTargetGroup', targetGroupArn: group.arn, targetGroupName: group.name });
    }
  }
}
