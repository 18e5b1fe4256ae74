import {
  attachPolicy,
  holderOf,
  policyTargetRefs,
  resolveAttachment,
  type PolicyAttachmentRules,
  type PolicyObject,
  type PolicyTargetRef,
} from '../gatewayapi/policy';
import { policyRelatedRules, type PolicyTargetKind } from '../gatewayapi/policyTargets';
import { policyAncestors, policyStatus, type PolicyAncestorRef } from '../gatewayapi/policyStatus';
import { MANAGED_LABEL, MANAGED_LABEL_VALUE, OUR_API_GROUP, OUR_API_VERSION } from '../gatewayapi/ourKeys';
import { awsErrorMessage, isUserActionable } from '../lattice/awsErrors';
import { condition, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { metadataPatch, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookRequest, DecoratorHookResponse, KubeObject, MetadataPatch } from '../metacontroller/types';
import { driftView, fingerprintOf, forgetVerification, recordDecision, withVerification } from './driftCheck';
import type { DecoratorHandlers, DecoratorWiring, HookContext, HookController } from './types';

/**
 * The hook controller every policy kind shares (GEP-713 policy attachment): customize asks for the
 * target and every policy of the kind; sync decides whether the policy applies (one targetRef, a
 * valid spec, a target of ours, no older competitor), applies it or releases what it did before,
 * and answers with `status.conditions` + `status.ancestors` and the annotations recording what it
 * did in Lattice; finalize releases it (or leaves it to the policy that takes the target over).
 * A kind only says how it applies and releases itself.
 */

/** Policy condition types this project writes. */
export const POLICY_CONDITIONS = ['Accepted', 'Programmed'] as const;
/** Lattice is converging: look again soon. */
export const PENDING_RESYNC_SECONDS = 5;
/** Waiting for something outside this hook (another hook's resource, a user's fix). */
export const WAIT_RESYNC_SECONDS = 30;

export const ACCEPTED = condition('Accepted', 'True', 'Accepted');

/** What one sync decided. */
export interface PolicyOutcome {
  conditions: DesiredCondition[];
  /** The kind's record annotations: a value sets one, `null` removes it, a key left out stays. */
  record: MetadataPatch;
  resyncAfterSeconds?: number;
}

export interface Released {
  /** Nothing of this policy's remains in Lattice, or what remains is another policy's now (else: look again later, keeping the record). */
  done: boolean;
  message: string;
}

/** Where a policy stops applying, for the kind to decide what to undo and what to leave. */
export interface Leaving<P extends PolicyObject, T extends KubeObject> {
  /** The target the policy leaves, while it is still there. */
  target?: T;
  /**
   * The policy that holds (or, once this one is deleted, takes over) that target's Lattice
   * resource, with its own target: what it will overwrite may be left to it rather than undone first.
   */
  successor?: { policy: P; target: T };
  /** The policy is being deleted: without a record, a kind may look for its work on `target`. */
  deleting?: boolean;
}

export interface PolicyKind<P extends PolicyObject, T extends KubeObject> extends PolicyAttachmentRules<P, T> {
  /** Controller name (`/hooks/<name>/…`, Metacontroller object `lattice-<name>`). */
  name: string;
  description: string;
  kind: string;
  /** Lowercase plural of the kind. */
  resource: string;
  kinds: readonly PolicyTargetKind[];
  /** Annotations on the policy that record what it did in Lattice. */
  recordKeys: readonly string[];
  /** Applies an attached policy to its target; `policies` are every policy of the kind in the request. */
  apply(policy: P, attached: { ref: PolicyTargetRef; target: T; policies: readonly P[] }, ctx: HookContext): Promise<PolicyOutcome>;
  /** Undoes what the policy did (as recorded), or leaves it to the successor that takes it over. */
  release(policy: P, ctx: HookContext, leaving: Leaving<P, T>): Promise<Released>;
}

/** Classified as ours (a Gateway of our class, or a route attached to one). */
export function isManagedTarget(target: KubeObject): boolean {
  return target.metadata.labels?.[MANAGED_LABEL] === MANAGED_LABEL_VALUE;
}

/** The Gateway's network or the route's service does not exist yet: accepted, not programmed, look again. */
export function waitingForResource(ref: PolicyTargetRef): PolicyOutcome {
  const what = ref.kind === 'Gateway' ? 'service network' : 'VPC Lattice service';
  return {
    conditions: [
      ACCEPTED,
      condition('Programmed', 'False', 'Pending', `Waiting for the ${what} of ${ref.kind} ${ref.namespace}/${ref.name}`),
    ],
    record: {},
    resyncAfterSeconds: WAIT_RESYNC_SECONDS,
  };
}

/** Every record annotation removed. */
export function forgotten(recordKeys: readonly string[]): MetadataPatch {
  return Object.fromEntries(recordKeys.map((key) => [key, null]));
}

/** AWS refused a change a person must fix (permissions, quotas, refused input): the record stays, the policy looks again. */
export function refusedByAws(conditions: readonly DesiredCondition[], message: string): PolicyOutcome {
  return {
    conditions: [...conditions, condition('Programmed', 'False', 'Invalid', message)],
    record: {},
    resyncAfterSeconds: WAIT_RESYNC_SECONDS,
  };
}

/**
 * Runs an apply or a release: an AWS error a person must fix becomes `Programmed=False/Invalid`
 * with the AWS message next to `conditions` (the hook does not fail over and over without saying
 * why); transient errors stay RetryLaterError (429), anything else fails the hook.
 */
async function reportingAwsRefusals(conditions: readonly DesiredCondition[], run: () => Promise<PolicyOutcome>): Promise<PolicyOutcome> {
  try {
    return await run();
  } catch (error) {
    if (!isUserActionable(error)) throw error;
    return refusedByAws(conditions, awsErrorMessage(error));
  }
}

/** Releases what the policy did; its record goes once nothing remains, else it is kept and looked at again. */
export async function releasing<P extends PolicyObject, T extends KubeObject>(
  kind: PolicyKind<P, T>,
  policy: P,
  ctx: HookContext,
  conditions: DesiredCondition[],
  leaving: Leaving<P, T> = {},
): Promise<PolicyOutcome> {
  const released = await kind.release(policy, ctx, leaving);
  if (released.done) return { conditions, record: forgotten(kind.recordKeys) };
  ctx.log.debug({ detail: released.message }, 'policy release in progress');
  return { conditions, record: {}, resyncAfterSeconds: PENDING_RESYNC_SECONDS };
}

/** The hook answer of a policy: status (conditions and ancestors), record annotations, resync, finalized. */
export function answerPolicy(
  policy: PolicyObject,
  ctx: HookContext,
  outcome: PolicyOutcome & { ancestors: readonly PolicyAncestorRef[]; finalized?: boolean },
): DecoratorHookResponse {
  const status = policyStatus(
    policy,
    { conditions: outcome.conditions, ancestors: outcome.ancestors },
    {
      controllerName: ctx.config.controllerName,
      generation: generationOf(policy),
      now: ctx.now().toISOString(),
      ownedTypes: POLICY_CONDITIONS,
    },
  );
  return {
    status: statusIfChanged(policy.status, status),
    annotations: metadataPatch(policy.metadata.annotations, outcome.record),
    ...(outcome.resyncAfterSeconds ? { resyncAfterSeconds: outcome.resyncAfterSeconds } : {}),
    ...(outcome.finalized ? { finalized: true } : {}),
  };
}

function policiesOf<P extends PolicyObject>(kind: { kind: string }, index: ObjectIndex): P[] {
  return index.list<P>(OUR_API_GROUP, kind.kind);
}

/** A successor with its target, as `Leaving` takes it. */
function withTarget<P extends PolicyObject, T extends KubeObject>(
  kind: PolicyKind<P, T>,
  successor: P | undefined,
  index: ObjectIndex,
): Pick<Leaving<P, T>, 'successor'> {
  const resolved = successor && resolveAttachment<P, T>(successor, index, kind);
  return successor && resolved?.state === 'found' ? { successor: { policy: successor, target: resolved.target } } : {};
}

/**
 * What a policy's Lattice work depends on: the policy, where it attaches (its target without
 * status, the policy holding the target), and the other policies of its kind.
 */
function policyFingerprint<P extends PolicyObject, T extends KubeObject>(
  kind: PolicyKind<P, T>,
  policy: P,
  policies: readonly P[],
  index: ObjectIndex,
): string {
  const others = policies.filter((p) => p.metadata.uid !== policy.metadata.uid || p.metadata.name !== policy.metadata.name);
  const attachment = attachPolicy<P, T>(policy, [...others, policy], index, kind);
  return fingerprintOf({
    policy: driftView(policy),
    attachment: {
      state: attachment.state,
      ...(attachment.state !== 'rejected' ? { ref: attachment.ref, target: driftView(attachment.target) } : {}),
      ...(attachment.state !== 'attached' ? { condition: attachment.condition } : {}),
    },
    others: others.map(driftView),
  });
}

async function decide<P extends PolicyObject, T extends KubeObject>(
  kind: PolicyKind<P, T>,
  policy: P,
  policies: readonly P[],
  index: ObjectIndex,
  ctx: HookContext,
): Promise<DecoratorHookResponse> {
  const attachment = attachPolicy<P, T>(policy, policies, index, kind);
  if (attachment.state === 'rejected') {
    const conditions = [attachment.condition];
    return answerPolicy(policy, ctx, {
      ...(await reportingAwsRefusals(conditions, () => releasing(kind, policy, ctx, conditions))),
      ancestors: [],
    });
  }
  const ancestors = policyAncestors(attachment.ref, attachment.target, ctx.config.controllerName);
  if (attachment.state === 'conflicted') {
    const conditions = [attachment.condition];
    const leaving = { target: attachment.target, ...withTarget(kind, attachment.winner, index) };
    return answerPolicy(policy, ctx, {
      ...(await reportingAwsRefusals(conditions, () => releasing(kind, policy, ctx, conditions, leaving))),
      ancestors,
    });
  }
  const attached = { ref: attachment.ref, target: attachment.target, policies };
  return answerPolicy(policy, ctx, { ...(await reportingAwsRefusals([ACCEPTED], () => kind.apply(policy, attached, ctx))), ancestors });
}

/** A policy verified within its drift window whose inputs did not change answers without AWS; otherwise it is decided in full. */
async function sync<P extends PolicyObject, T extends KubeObject>(
  kind: PolicyKind<P, T>,
  request: DecoratorHookRequest,
  ctx: HookContext,
): Promise<DecoratorHookResponse> {
  const policy = request.object as P;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const policies = policiesOf<P>(kind, index);
  const fingerprint = (next: KubeObject) => policyFingerprint(kind, next as P, policies, index);
  const decision = recordDecision(ctx, policy, fingerprint(policy));
  if (decision.skip) return { status: null, annotations: {}, resyncAfterSeconds: decision.resyncAfterSeconds };
  const answer = await decide(kind, policy, policies, index, ctx);
  // Settled: applied or released, nothing left to wait for.
  return withVerification(ctx, policy, answer, fingerprint, answer.resyncAfterSeconds === undefined, { recordConverging: true });
}

async function finalize<P extends PolicyObject, T extends KubeObject>(
  kind: PolicyKind<P, T>,
  request: DecoratorHookRequest,
  ctx: HookContext,
): Promise<DecoratorHookResponse> {
  const policy = request.object as P;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const refs = policyTargetRefs(policy);
  const ref = refs.length === 1 ? refs[0] : undefined;
  const target = ref && kind.kinds.some((k) => k.group === ref.group && k.kind === ref.kind) ? index.get<T>(ref) : undefined;
  // The policy that takes the target over once this one is gone (this one, deleting, no longer competes).
  const successor = ref ? holderOf(policy, ref, policiesOf<P>(kind, index), index, kind) : undefined;
  const conditions = [condition('Accepted', 'True', 'Accepted', 'Deleting')];
  const ancestors = ref && target ? policyAncestors(ref, target, ctx.config.controllerName) : [];
  const leaving = { ...(target ? { target } : {}), ...withTarget(kind, successor, index), deleting: true };
  const outcome = await reportingAwsRefusals(conditions, () => releasing(kind, policy, ctx, conditions, leaving));
  // Released or handed over, unless that is still in progress (then it is looked at again).
  const answer = answerPolicy(policy, ctx, { ...outcome, ancestors, finalized: outcome.resyncAfterSeconds === undefined });
  return { ...answer, annotations: { ...answer.annotations, ...forgetVerification(policy) } };
}

/** The DecoratorController of one policy kind, with customize and finalize hooks. */
export function createPolicyController<P extends PolicyObject, T extends KubeObject>(kind: PolicyKind<P, T>): HookController {
  const wiring: DecoratorWiring = {
    kind: 'DecoratorController',
    name: kind.name,
    description: kind.description,
    resources: [{ apiVersion: OUR_API_VERSION, resource: kind.resource }],
    hooks: { customize: true, finalize: true },
  };
  const handlers: DecoratorHandlers = {
    customize: (request) => ({ relatedResources: policyRelatedRules(request.parent as PolicyObject, kind.kinds, kind.resource) }),
    sync: (request, ctx) => sync(kind, request, ctx),
    finalize: (request, ctx) => finalize(kind, request, ctx),
  };
  return { wiring, handlers };
}
