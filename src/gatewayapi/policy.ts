import { condition, type DesiredCondition } from '../metacontroller/conditions';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import { groupOf, olderFirst } from '../metacontroller/objects';
import type { KubeObject } from '../metacontroller/types';
import { referencePermitted } from './referenceGrants';
import { GATEWAY_GROUP } from './types';

/**
 * Policy attachment (GEP-713) shared by every policy kind: target references, target resolution
 * (same namespace unless a ReferenceGrant allows otherwise), conflicts between the policies of one
 * kind that attach to one target or Lattice resource (the oldest wins, then the first by
 * namespace/name), and the policy status (`conditions`, as the Go controller writes them, plus
 * GEP-713 `ancestors`).
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

export function isGatewayRef(ref: PolicyTargetRef): boolean {
  return ref.group === GATEWAY_GROUP && ref.kind === 'Gateway';
}

/**
 * Whether two targets stand for one VPC Lattice resource: the same object, or Gateways of one name
 * (a Gateway is bound to the service network of its name, whatever its namespace).
 */
export function sameLatticeResource(a: PolicyTargetRef, b: PolicyTargetRef): boolean {
  return sameTarget(a, b) || (isGatewayRef(a) && isGatewayRef(b) && a.name === b.name);
}

export type TargetResolution<T extends KubeObject> =
  | { state: 'found'; target: T; ref: PolicyTargetRef }
  | { state: 'invalid'; condition: DesiredCondition }
  | { state: 'notFound'; condition: DesiredCondition };

const invalid = (message: string): DesiredCondition => condition('Accepted', 'False', 'Invalid', message);

/** Why a policy may not refer to this target (its kind, or another namespace without a ReferenceGrant); undefined when it may. */
function referenceProblem(
  policy: PolicyObject,
  ref: PolicyTargetRef,
  index: ObjectIndex,
  kinds: readonly { group: string; kind: string }[],
): DesiredCondition | undefined {
  if (!kinds.some((k) => k.group === ref.group && k.kind === ref.kind)) {
    const allowed = kinds.map((k) => `${k.group || 'core'}/${k.kind}`).join(', ');
    return invalid(`targetRef ${ref.group || 'core'}/${ref.kind} is not supported; a ${policy.kind} targets ${allowed}`);
  }
  const fromNamespace = policy.metadata.namespace ?? '';
  const permitted = referencePermitted(
    {
      from: { group: groupOf(policy.apiVersion), kind: policy.kind, namespace: fromNamespace },
      to: { group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name },
    },
    index,
  );
  return permitted
    ? undefined
    : invalid(`targetRef to ${ref.kind} ${ref.namespace}/${ref.name} in another namespace needs a ReferenceGrant in ${ref.namespace}`);
}

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
  const problem = referenceProblem(policy, ref, index, options.kinds);
  if (problem) return { state: 'invalid', condition: problem };
  const target = index.get<T>({ group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name });
  if (!target || target.metadata.deletionTimestamp || (options.isOurs && !options.isOurs(target))) {
    return {
      state: 'notFound',
      condition: condition(
        'Accepted',
        'False',
        'TargetNotFound',
        `${ref.kind} ${ref.namespace}/${ref.name} not found, or not managed by this controller`,
      ),
    };
  }
  return { state: 'found', target, ref };
}

/**
 * The policy of this kind that wins a target: among the non-deleting policies (of the request's
 * objects) that reference it (or, with `sameResource`, a target of the same Lattice resource) and
 * `contend` for it, the oldest, then the first by namespace/name. `contends` narrows the
 * competition, e.g. to the policies that may attach at all, or of one destination type.
 */
export function winningPolicy<P extends PolicyObject>(
  policies: readonly P[],
  target: PolicyTargetRef,
  contends: (policy: P) => boolean = () => true,
  sameResource: (a: PolicyTargetRef, b: PolicyTargetRef) => boolean = sameTarget,
): P | undefined {
  const contenders = policies.filter(
    (p) => !p.metadata.deletionTimestamp && policyTargetRefs(p).some((r) => sameResource(r, target)) && contends(p),
  );
  return [...contenders].sort(olderFirst)[0];
}

export function conflictedCondition(winner: PolicyObject, target: PolicyTargetRef): DesiredCondition {
  const held = policyTargetRefs(winner)[0] ?? target;
  const shared = sameTarget(held, target) ? '' : `, the same VPC Lattice resource as ${target.kind} ${target.namespace}/${target.name}`;
  return condition(
    'Accepted',
    'False',
    'Conflicted',
    `${winner.kind} ${winner.metadata.namespace}/${winner.metadata.name} already targets ${held.kind} ${held.namespace}/${held.name}${shared} (the oldest policy wins)`,
  );
}

export type PolicyAttachment<P extends PolicyObject, T extends KubeObject> =
  | { state: 'attached'; ref: PolicyTargetRef; target: T }
  | { state: 'conflicted'; ref: PolicyTargetRef; target: T; winner: P; condition: DesiredCondition }
  | { state: 'rejected'; condition: DesiredCondition };

/** What distinguishes one policy kind's attachment from another's. */
export interface PolicyAttachmentRules<P extends PolicyObject, T extends KubeObject> {
  kinds: readonly { group: string; kind: string }[];
  /** Targets of other implementations are not found, for us. */
  isOurs?: (target: T) => boolean;
  /** Why the policy's own spec cannot be applied (undefined when it can): such a policy never wins a target. */
  specProblem?: (policy: P) => string | undefined;
  /** Whether `other` competes with `policy` for a target; by default every policy of the kind does. */
  contends?: (policy: P, other: P) => boolean;
  /**
   * Whether policies on two targets compete because they act on one Lattice resource (e.g.
   * `sameLatticeResource`); by default only policies on the same target do.
   */
  sameResource?: (a: PolicyTargetRef, b: PolicyTargetRef) => boolean;
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return a.metadata.namespace === b.metadata.namespace && a.metadata.name === b.metadata.name;
}

/**
 * The reference of a policy that may attach, whether or not its target exists: exactly one
 * targetRef, without sectionName, a valid spec, a supported kind, a permitted namespace.
 */
function attachableRef<P extends PolicyObject, T extends KubeObject>(
  policy: P,
  index: ObjectIndex,
  rules: PolicyAttachmentRules<P, T>,
): { ref: PolicyTargetRef } | { condition: DesiredCondition } {
  const refs = policyTargetRefs(policy);
  const [ref] = refs;
  if (refs.length !== 1 || !ref) return { condition: invalid(`A ${policy.kind} needs exactly one targetRef`) };
  // Lattice applies a policy to a whole network or service: a section of it cannot be told apart.
  if (ref.sectionName) return { condition: invalid(`sectionName is not supported: the policy applies to the whole ${ref.kind}`) };
  const problem = rules.specProblem?.(policy);
  if (problem !== undefined) return { condition: invalid(problem) };
  const refused = referenceProblem(policy, ref, index, rules.kinds);
  return refused ? { condition: refused } : { ref };
}

/** Where a policy attaches (its target, found and ours), or the condition saying why it does not. */
export function resolveAttachment<P extends PolicyObject, T extends KubeObject>(
  policy: P,
  index: ObjectIndex,
  rules: PolicyAttachmentRules<P, T>,
): TargetResolution<T> {
  const checked = attachableRef(policy, index, rules);
  if ('condition' in checked) return { state: 'invalid', condition: checked.condition };
  return resolvePolicyTarget<T>(policy, checked.ref, index, rules);
}

/**
 * The policies that could attach to their target if it exists (the check the hooks that apply
 * TargetGroupPolicies make, where the target is theirs to judge).
 */
export function attachable<P extends PolicyObject, T extends KubeObject>(
  rules: PolicyAttachmentRules<P, T>,
  index: ObjectIndex,
): (policy: P) => boolean {
  return (policy) => 'ref' in attachableRef(policy, index, rules);
}

/**
 * The policies of this kind that compete with `policy` (itself included): those that attach
 * (a policy another one could not attach never takes a target from it) and contend with it.
 */
export function contendersOf<P extends PolicyObject, T extends KubeObject>(
  policy: P,
  rules: PolicyAttachmentRules<P, T>,
  index: ObjectIndex,
): (other: P) => boolean {
  return (other) =>
    (sameObject(policy, other) || (rules.contends?.(policy, other) ?? true)) &&
    resolveAttachment<P, T>(other, index, rules).state === 'found';
}

/**
 * The policy that holds `ref` (the policy's target) among `policies`, as far as `policy` is
 * concerned: itself when it wins, another policy when that one is older, the successor when
 * `policy` is being deleted.
 */
export function holderOf<P extends PolicyObject, T extends KubeObject>(
  policy: P,
  ref: PolicyTargetRef,
  policies: readonly P[],
  index: ObjectIndex,
  rules: PolicyAttachmentRules<P, T>,
): P | undefined {
  return winningPolicy(policies, ref, contendersOf(policy, rules, index), rules.sameResource);
}

/**
 * Decides whether a policy applies: one targetRef, a valid spec, a target that exists and is ours
 * (same namespace unless a ReferenceGrant allows it), and no older policy competing for it.
 * `policies` are every policy of the kind in the request (the policy itself included).
 */
export function attachPolicy<P extends PolicyObject, T extends KubeObject>(
  policy: P,
  policies: readonly P[],
  index: ObjectIndex,
  rules: PolicyAttachmentRules<P, T>,
): PolicyAttachment<P, T> {
  const resolved = resolveAttachment<P, T>(policy, index, rules);
  if (resolved.state !== 'found') return { state: 'rejected', condition: resolved.condition };
  const winner = holderOf(policy, resolved.ref, policies, index, rules);
  if (winner && !sameObject(winner, policy)) {
    return {
      state: 'conflicted',
      ref: resolved.ref,
      target: resolved.target,
      winner,
      condition: conflictedCondition(winner, resolved.ref),
    };
  }
  return { state: 'attached', ref: resolved.ref, target: resolved.target };
}
