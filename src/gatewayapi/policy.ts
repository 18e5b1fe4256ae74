import { condition, type DesiredCondition } from '../metacontroller/conditions';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import { groupOf } from '../metacontroller/objects';
import type { KubeObject } from '../metacontroller/types';
import { referencePermitted } from './referenceGrants';

/**
 * Policy attachment (GEP-713) shared by every policy kind: target references, target resolution
 * (same namespace unless a ReferenceGrant allows otherwise), and conflicts between policies of one
 * kind on one target (the oldest wins, then the first by namespace/name).
 */

export interface PolicyTargetRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  sectionName?: string;
}

export interface PolicyObject extends KubeObject {
  spec?: {
    targetRef?: { group?: string; kind?: string; name?: string; namespace?: string; sectionName?: string };
    targetRefs?: { group?: string; kind?: string; name?: string; namespace?: string; sectionName?: string }[];
    [field: string]: unknown;
  };
  status?: { conditions?: unknown[]; [field: string]: unknown };
}

/** The policy's targets: `targetRefs` (GEP-713) or the singular `targetRef` (Go controller), normalized. */
export function policyTargetRefs(policy: PolicyObject): PolicyTargetRef[] {
  const raw = policy.spec?.targetRefs ?? (policy.spec?.targetRef ? [policy.spec.targetRef] : []);
  const namespace = policy.metadata.namespace ?? '';
  return raw
    .filter((r) => typeof r?.name === 'string' && typeof r?.kind === 'string')
    .map((r) => ({
      group: r.group ?? '',
      kind: r.kind as string,
      name: r.name as string,
      namespace: r.namespace || namespace,
      ...(r.sectionName ? { sectionName: r.sectionName } : {}),
    }));
}

export function sameTarget(a: PolicyTargetRef, b: PolicyTargetRef): boolean {
  return a.group === b.group && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name && a.sectionName === b.sectionName;
}

export type TargetResolution<T extends KubeObject> =
  | { state: 'found'; target: T; ref: PolicyTargetRef }
  | { state: 'invalid'; condition: DesiredCondition }
  | { state: 'notFound'; condition: DesiredCondition };

/**
 * Finds the target of one reference among the request's objects. `kinds` lists the group/kinds
 * this policy may target; `isOurs` rejects targets of other implementations (not found, for us).
 */
export function resolvePolicyTarget<T extends KubeObject>(
  policy: PolicyObject,
  ref: PolicyTargetRef,
  index: ObjectIndex,
  options: { kinds: readonly { group: string; kind: string }[]; isOurs?: (target: T) => boolean },
): TargetResolution<T> {
  if (!options.kinds.some((k) => k.group === ref.group && k.kind === ref.kind)) {
    const allowed = options.kinds.map((k) => `${k.group || 'core'}/${k.kind}`).join(', ');
    return { state: 'invalid', condition: condition('Accepted', 'False', 'Invalid', `targetRef ${ref.group || 'core'}/${ref.kind} is not supported; a ${policy.kind} targets ${allowed}`) };
  }
  const fromNamespace = policy.metadata.namespace ?? '';
  const permitted = referencePermitted(
    { from: { group: groupOf(policy.apiVersion), kind: policy.kind, namespace: fromNamespace }, to: { group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name } },
    index,
  );
  if (!permitted) {
    return {
      state: 'invalid',
      condition: condition('Accepted', 'False', 'Invalid', `targetRef to ${ref.kind} ${ref.namespace}/${ref.name} in another namespace needs a ReferenceGrant in ${ref.namespace}`),
    };
  }
  const target = index.get<T>({ group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name });
  if (!target || target.metadata.deletionTimestamp || (options.isOurs && !options.isOurs(target))) {
    return { state: 'notFound', condition: condition('Accepted', 'False', 'TargetNotFound', `${ref.kind} ${ref.namespace}/${ref.name} not found, or not managed by this controller`) };
  }
  return { state: 'found', target, ref };
}

function olderFirst(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const nb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/**
 * The policy of this kind that wins a target: among the non-deleting policies (of the request's
 * objects) that reference it, the oldest, then the first by namespace/name.
 */
export function winningPolicy<P extends PolicyObject>(policies: readonly P[], target: PolicyTargetRef): P | undefined {
  const contenders = policies.filter((p) => !p.metadata.deletionTimestamp && policyTargetRefs(p).some((r) => sameTarget(r, target)));
  return [...contenders].sort(olderFirst)[0];
}

export function conflictedCondition(winner: PolicyObject, target: PolicyTargetRef): DesiredCondition {
  return condition(
    'Accepted',
    'False',
    'Conflicted',
    `${winner.kind} ${winner.metadata.namespace}/${winner.metadata.name} already targets ${target.kind} ${target.namespace}/${target.name} (the oldest policy wins)`,
  );
}
