import { mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { copyStatus } from '../metacontroller/response';
import type { KubeObject } from '../metacontroller/types';
import type { PolicyObject, PolicyTargetRef } from './policy';
import { GATEWAY_GROUP, type ParentReference } from './types';

/** A Gateway through which a policy applies: where GEP-713 reports the policy's status. */
export interface PolicyAncestorRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** GEP-713: at most 16 ancestor entries; none is added past that. */
export const MAX_POLICY_ANCESTORS = 16;

function ancestorKey(ref: Partial<PolicyAncestorRef>): string {
  return [ref.group ?? GATEWAY_GROUP, ref.kind ?? 'Gateway', ref.namespace ?? '', ref.name ?? ''].join('/');
}

/**
 * The ancestors of a found target: a Gateway is its own; a route's are the Gateways of our class
 * it is attached to, as our route hook reports them in `status.parents` (entries of our
 * controllerName are written only for Gateways of our class).
 */
export function policyAncestors(ref: PolicyTargetRef, target: KubeObject, controllerName: string): PolicyAncestorRef[] {
  if (ref.group === GATEWAY_GROUP && ref.kind === 'Gateway')
    return [{ group: GATEWAY_GROUP, kind: 'Gateway', namespace: ref.namespace, name: ref.name }];
  const parents = ((target.status as { parents?: unknown } | undefined)?.parents ?? []) as {
    controllerName?: string;
    parentRef?: ParentReference;
  }[];
  const ancestors = new Map<string, PolicyAncestorRef>();
  for (const parent of Array.isArray(parents) ? parents : []) {
    const parentRef = parent?.parentRef;
    if (parent?.controllerName !== controllerName || !parentRef?.name) continue;
    const group = parentRef.group ?? GATEWAY_GROUP;
    const kind = parentRef.kind ?? 'Gateway';
    if (group !== GATEWAY_GROUP || kind !== 'Gateway') continue;
    const ancestor = { group, kind, namespace: parentRef.namespace || (target.metadata.namespace ?? ''), name: parentRef.name };
    ancestors.set(ancestorKey(ancestor), ancestor);
  }
  return [...ancestors.values()];
}

interface AncestorStatusEntry {
  ancestorRef?: Partial<PolicyAncestorRef>;
  controllerName?: string;
  conditions?: unknown[];
}

/**
 * `status.ancestors` with our entries (keyed by ancestorRef and controllerName) set to `desired`:
 * other controllers' entries stay as they are and where they are, ours are updated in place,
 * new ones are appended while fewer than 16 entries exist, ours no longer wanted are removed.
 */
export function mergePolicyAncestors(
  existing: unknown,
  desired: readonly PolicyAncestorRef[],
  controllerName: string,
  conditionsOf: (existing: unknown[] | undefined) => unknown[],
): unknown[] {
  const wanted = new Map(desired.map((ref) => [ancestorKey(ref), ref]));
  const placed = new Set<string>();
  const result: unknown[] = [];
  const entry = (ref: PolicyAncestorRef, conditions: unknown[] | undefined) => ({
    ancestorRef: { group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name },
    controllerName,
    conditions: conditionsOf(conditions),
  });
  for (const item of Array.isArray(existing) ? existing : []) {
    const current = item as AncestorStatusEntry | null;
    if (current?.controllerName !== controllerName || !current.ancestorRef) {
      result.push(item);
      continue;
    }
    const key = ancestorKey(current.ancestorRef);
    const want = wanted.get(key);
    if (!want || placed.has(key)) continue;
    placed.add(key);
    result.push(entry(want, current.conditions));
  }
  for (const [key, want] of wanted) {
    if (placed.has(key) || result.length >= MAX_POLICY_ANCESTORS) continue;
    placed.add(key);
    result.push(entry(want, undefined));
  }
  return result;
}

/**
 * The policy's status: our conditions in `status.conditions` (where the Go controller and its
 * users read them) and the same conditions per ancestor in `status.ancestors` (GEP-713); every
 * other field and other controllers' entries are kept.
 */
export function policyStatus(
  policy: PolicyObject,
  desired: { conditions: readonly DesiredCondition[]; ancestors: readonly PolicyAncestorRef[] },
  options: { controllerName: string; generation: number; now: string; ownedTypes: readonly string[] },
): Record<string, unknown> {
  const status = copyStatus(policy.status);
  const merge = (existing: unknown[] | undefined) => mergeConditions(existing, desired.conditions, options);
  status.conditions = merge(status.conditions as unknown[] | undefined);
  const ancestors = mergePolicyAncestors(status.ancestors, desired.ancestors, options.controllerName, merge);
  if (ancestors.length > 0) status.ancestors = ancestors;
  else delete status.ancestors;
  return status;
}
