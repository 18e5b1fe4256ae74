import { sameLatticeResource, type PolicyObject } from '../gatewayapi/policy';
import { GATEWAY_TARGET, GRPCROUTE_TARGET, HTTPROUTE_TARGET } from '../gatewayapi/policyTargets';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import { condition } from '../metacontroller/conditions';
import { qualifiedName } from '../metacontroller/objects';
import type { KubeObject, MetadataPatch } from '../metacontroller/types';
import { ensureAuthPolicy, removeAuthPolicy } from '../lattice/authPolicies';
import { compactAuthPolicy } from '../lattice/authPolicyDocument';
import { describePolicyResource, policyResourceType, type PolicyResource } from '../lattice/policyResources';
import {
  ACCEPTED,
  createPolicyController,
  forgotten,
  isManagedTarget,
  refusedByAws,
  waitingForResource,
  WAIT_RESYNC_SECONDS,
  type Leaving,
  type PolicyKind,
  type Released,
} from './policyController';
import { targetIdentity, targetResourceArn } from './policyTarget';
import type { HookContext, HookController } from './types';

/** Where the auth policy was put (Go controller compatible), so that it is removed from there and only there. */
export const IAM_RESOURCE_ID_ANNOTATION = `${KEY_PREFIX}iam-auth-policy-resource-id`;
export const IAM_RESOURCE_TYPE_ANNOTATION = `${KEY_PREFIX}iam-auth-policy-resource-type`;
export const IAM_RESOURCE_NAME_ANNOTATION = `${KEY_PREFIX}iam-auth-policy-resource-name`;

const RECORD_KEYS = [IAM_RESOURCE_ID_ANNOTATION, IAM_RESOURCE_TYPE_ANNOTATION, IAM_RESOURCE_NAME_ANNOTATION] as const;

interface IAMAuthPolicy extends PolicyObject {
  spec?: PolicyObject['spec'] & { policy?: string };
}

function recordedResource(policy: IAMAuthPolicy): string | undefined {
  return policy.metadata.annotations?.[IAM_RESOURCE_ID_ANNOTATION] || undefined;
}

function recordOf(resource: PolicyResource): MetadataPatch {
  return {
    [IAM_RESOURCE_ID_ANNOTATION]: resource.id,
    [IAM_RESOURCE_TYPE_ANNOTATION]: resource.type,
    [IAM_RESOURCE_NAME_ANNOTATION]: resource.name,
  };
}

/** `sn-…` or `svc-…` of the target's Lattice resource. */
function resourceIdOf(target: KubeObject | undefined): string | undefined {
  const arn = target && targetResourceArn(target);
  return arn && policyResourceType(arn) ? arn.slice(arn.lastIndexOf('/') + 1) : undefined;
}

/**
 * Whether the recorded resource is the target's: its resource, or — for a Gateway whose network is
 * not known at the moment (none yet, or several of its name) — a network recorded under the
 * Gateway's name. Only a policy moved to another resource releases the one it protected.
 */
export function recordIsTargets(policy: IAMAuthPolicy, target: KubeObject): boolean {
  const recorded = recordedResource(policy);
  const current = resourceIdOf(target);
  if (current || target.kind !== 'Gateway') return recorded === current;
  const annotations = policy.metadata.annotations ?? {};
  return (
    annotations[IAM_RESOURCE_TYPE_ANNOTATION] === 'ServiceNetwork' &&
    (annotations[IAM_RESOURCE_NAME_ANNOTATION] === target.metadata.name || recorded === target.metadata.name)
  );
}

/**
 * What a policy leaving its target does with the resource it recorded, when a successor holds
 * that resource: the successor's document replaces ours, so restoring NONE first would open the
 * resource in between. Once the successor records the resource (it does whenever it acted there,
 * even when Lattice refused its document) it answers for it: `handOver`. Until then `wait`. A
 * resource the successor does not act on (another one, or no successor) is released.
 */
export function succession(policy: IAMAuthPolicy, leaving: Leaving<IAMAuthPolicy, KubeObject>): 'release' | 'wait' | 'handOver' {
  const recorded = recordedResource(policy);
  const successor = leaving.successor;
  if (!recorded || !successor || resourceIdOf(successor.target) !== recorded) return 'release';
  return recordedResource(successor.policy) === recorded ? 'handOver' : 'wait';
}

/** Releases the resource this policy recorded: only if its tag names the policy, or, untagged, it carries the policy's document. */
function releaseRecorded(policy: IAMAuthPolicy, ctx: HookContext, recorded: string): Promise<Released> {
  const document = compactAuthPolicy(policy.spec?.policy);
  return removeAuthPolicy(ctx.aws, {
    resource: recorded,
    managedBy: ctx.aws.identity.managedBy,
    policyName: qualifiedName(policy),
    ...(document.ok ? { document: document.document } : {}),
  });
}

async function release(policy: IAMAuthPolicy, ctx: HookContext, leaving: Leaving<IAMAuthPolicy, KubeObject>): Promise<Released> {
  const managedBy = ctx.aws.identity.managedBy;
  const recorded = recordedResource(policy);
  switch (succession(policy, leaving)) {
    case 'handOver':
      return { done: true, message: `left to ${qualifiedName(leaving.successor?.policy ?? policy)}` };
    case 'wait':
      // Nothing to wait for once the resource is gone (it took its auth policy with it).
      if (recorded && (await describePolicyResource(ctx.aws.api, recorded)))
        return { done: false, message: `waiting for ${qualifiedName(leaving.successor?.policy ?? policy)} to take ${recorded} over` };
      return { done: true, message: 'the resource no longer exists' };
    case 'release':
      break;
  }
  if (recorded) return releaseRecorded(policy, ctx, recorded);
  // No record (an answer was lost after the write): on deletion, with no successor that may carry
  // the same document, only a target carrying exactly ours.
  const arn = leaving.deleting && !leaving.successor && leaving.target ? targetResourceArn(leaving.target) : undefined;
  const document = compactAuthPolicy(policy.spec?.policy);
  if (arn && document.ok)
    return removeAuthPolicy(ctx.aws, {
      resource: arn,
      managedBy,
      policyName: qualifiedName(policy),
      onlyIfDocument: document.document,
      target: leaving.target && targetIdentity(leaving.target),
    });
  return { done: true, message: 'no auth policy put' };
}

const iamAuthPolicy: PolicyKind<IAMAuthPolicy, KubeObject> = {
  name: 'iamauthpolicy',
  description: "Requires IAM auth (AWS_IAM) with the policy's document on a Gateway's service network or a route's VPC Lattice service.",
  kind: 'IAMAuthPolicy',
  resource: 'iamauthpolicies',
  // Lattice does not authenticate TLS passthrough: a TLSRoute target is Invalid.
  kinds: [GATEWAY_TARGET, HTTPROUTE_TARGET, GRPCROUTE_TARGET],
  isOurs: isManagedTarget,
  // A policy whose document never applied holds nothing: it does not keep a valid one off the target.
  contends: (_policy, other) => compactAuthPolicy(other.spec?.policy).ok || recordedResource(other) !== undefined,
  // Gateways of one name share a network, and a network has one auth policy.
  sameResource: sameLatticeResource,
  recordKeys: RECORD_KEYS,
  release,

  async apply(policy, { ref, target }, ctx) {
    const recorded = recordedResource(policy);
    let record: MetadataPatch = {};
    // Retargeted: the resource protected before goes back to NONE first, even when the new one does
    // not exist yet or the document is invalid. Failing closed keeps a resource protected against a
    // broken edit of its own policy, not one the policy was moved away from.
    if (recorded && !recordIsTargets(policy, target)) {
      await releaseRecorded(policy, ctx, recorded);
      record = forgotten(RECORD_KEYS);
    }
    const document = compactAuthPolicy(policy.spec?.policy);
    // A document that cannot be applied leaves the last applied one in force: failing closed.
    if (!document.ok) return { conditions: [condition('Accepted', 'False', 'Invalid', document.problem)], record };
    const resourceArn = targetResourceArn(target);
    if (!resourceArn) return { ...waitingForResource(ref), record };
    const result = await ensureAuthPolicy(ctx.aws, {
      resourceArn,
      document: document.document,
      managedBy: ctx.aws.identity.managedBy,
      policyName: qualifiedName(policy),
      target: targetIdentity(target),
    });
    switch (result.state) {
      case 'applied': {
        const { resource } = result;
        return {
          conditions: [
            ACCEPTED,
            condition('Programmed', 'True', 'Programmed', `${resource.type} ${resource.name} requires AWS_IAM auth with this policy`),
          ],
          record: recordOf(resource),
        };
      }
      case 'missing':
        return { ...waitingForResource(ref), record };
      // Another owner's is recorded even so: this policy now answers for it (release leaves it alone).
      case 'conflicted':
        return {
          conditions: [condition('Accepted', 'False', 'Conflicted', result.message)],
          record: result.resource ? recordOf(result.resource) : record,
          resyncAfterSeconds: WAIT_RESYNC_SECONDS,
        };
      case 'invalid':
        return { conditions: [condition('Accepted', 'False', 'Invalid', result.message)], record: recordOf(result.resource) };
      case 'failed':
        return { ...refusedByAws([ACCEPTED], result.message), record: recordOf(result.resource) };
    }
  },
};

export function createIAMAuthPolicyController(): HookController {
  return createPolicyController(iamAuthPolicy);
}
