import {
  attachPolicy,
  contendersOf,
  policyAncestors,
  policyRelatedRules,
  policyStatus,
  policyTargetRefs,
  winningPolicy,
  type PolicyAncestorRef,
  type PolicyAttachmentRules,
  type PolicyObject,
  type PolicyTargetKind,
  type PolicyTargetRef,
} from '../gatewayapi/policy';
import { MANAGED_LABEL, MANAGED_LABEL_VALUE, OUR_API_GROUP, OUR_API_VERSION, SERVICE_ARN_ANNOTATION, SERVICE_NETWORK_ARN_ANNOTATION } from '../gatewayapi/ourKeys';
import { condition, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { metadataPatch, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookRequest, DecoratorHookResponse, KubeObject, MetadataPatch } from '../metacontroller/types';
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
  /** Nothing of this policy's remains in Lattice (else: look again later, keeping the record). */
  done: boolean;
  message: string;
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
  /**
   * Undoes what the policy did (as recorded). `target` is given only on deletion without a
   * successor, for a kind that can recognise its work on the target without a record.
   */
  release(policy: P, ctx: HookContext, target: T | undefined): Promise<Released>;
  /**
   * Whether what the policy did belongs to `target`'s Lattice resource, so that the policy winning
   * the target takes it over as it is (the loser forgets it instead of releasing it).
   */
  handsOver(policy: P, target: T): boolean;
}

/** Classified as ours (a Gateway of our class, or a route attached to one). */
export function isManagedTarget(target: KubeObject): boolean {
  return target.metadata.labels?.[MANAGED_LABEL] === MANAGED_LABEL_VALUE;
}

/** The Lattice resource of a target, as the Gateway and route hooks record it: a service network or a service. */
export function targetResourceArn(target: KubeObject): string | undefined {
  const key = target.kind === 'Gateway' ? SERVICE_NETWORK_ARN_ANNOTATION : SERVICE_ARN_ANNOTATION;
  return target.metadata.annotations?.[key];
}

/** The Gateway's network or the route's service does not exist yet: accepted, not programmed, look again. */
export function waitingForResource(ref: PolicyTargetRef): PolicyOutcome {
  const what = ref.kind === 'Gateway' ? 'service network' : 'VPC Lattice service';
  return {
    conditions: [ACCEPTED, condition('Programmed', 'False', 'Pending', `Waiting for the ${what} of ${ref.kind} ${ref.namespace}/${ref.name}`)],
    record: {},
    resyncAfterSeconds: WAIT_RESYNC_SECONDS,
  };
}

/** Every record annotation removed. */
export function forgotten(recordKeys: readonly string[]): MetadataPatch {
  return Object.fromEntries(recordKeys.map((key) => [key, null]));
}

/** Releases what the policy did; its record goes once nothing remains, else it is kept and looked at again. */
export async function releasing<P extends PolicyObject, T extends KubeObject>(
  kind: PolicyKind<P, T>,
  policy: P,
  ctx: HookContext,
  conditions: DesiredCondition[],
  target?: T,
): Promise<PolicyOutcome> {
  const released = await kind.release(policy, ctx, target);
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
    { controllerName: ctx.config.controllerName, generation: generationOf(policy), now: ctx.now().toISOString(), ownedTypes: POLICY_CONDITIONS },
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

async function sync<P extends PolicyObject, T extends KubeObject>(kind: PolicyKind<P, T>, request: DecoratorHookRequest, ctx: HookContext): Promise<DecoratorHookResponse> {
  const policy = request.object as P;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const policies = policiesOf<P>(kind, index);
  const attachment = attachPolicy<P, T>(policy, policies, index, kind);
  if (attachment.state === 'rejected') {
    return answerPolicy(policy, ctx, { ...(await releasing(kind, policy, ctx, [attachment.condition])), ancestors: [] });
  }
  const ancestors = policyAncestors(attachment.ref, attachment.target, ctx.config.controllerName);
  if (attachment.state === 'conflicted') {
    const conditions = [attachment.condition];
    const outcome = kind.handsOver(policy, attachment.target) ? { conditions, record: forgotten(kind.recordKeys) } : await releasing(kind, policy, ctx, conditions);
    return answerPolicy(policy, ctx, { ...outcome, ancestors });
  }
  return answerPolicy(policy, ctx, { ...(await kind.apply(policy, { ref: attachment.ref, target: attachment.target, policies }, ctx)), ancestors });
}

async function finalize<P extends PolicyObject, T extends KubeObject>(kind: PolicyKind<P, T>, request: DecoratorHookRequest, ctx: HookContext): Promise<DecoratorHookResponse> {
  const policy = request.object as P;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const refs = policyTargetRefs(policy);
  const ref = refs.length === 1 ? refs[0] : undefined;
  const target = ref && kind.kinds.some((k) => k.group === ref.group && k.kind === ref.kind) ? index.get<T>(ref) : undefined;
  const successor = ref ? winningPolicy(policiesOf<P>(kind, index), ref, contendersOf(policy, kind)) : undefined;
  const conditions = [condition('Accepted', 'True', 'Accepted', 'Deleting')];
  const ancestors = ref && target ? policyAncestors(ref, target, ctx.config.controllerName) : [];
  // A policy that takes the target over keeps what this one did there.
  const outcome =
    successor && target && kind.handsOver(policy, target)
      ? { conditions, record: forgotten(kind.recordKeys) }
      : await releasing(kind, policy, ctx, conditions, successor ? undefined : target);
  // Released or handed over, unless the release is still in progress (then it is looked at again).
  return answerPolicy(policy, ctx, { ...outcome, ancestors, finalized: outcome.resyncAfterSeconds === undefined });
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
