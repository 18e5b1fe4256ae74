import { GATEWAY_TARGET, GRPCROUTE_TARGET, HTTPROUTE_TARGET, type PolicyObject } from '../gatewayapi/policy';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import { condition } from '../metacontroller/conditions';
import type { KubeObject, MetadataPatch } from '../metacontroller/types';
import { ensureAuthPolicy, removeAuthPolicy } from '../lattice/authPolicies';
import { compactAuthPolicy } from '../lattice/authPolicyDocument';
import { policyResourceType } from '../lattice/policyResources';
import {
  ACCEPTED,
  createPolicyController,
  forgotten,
  isManagedTarget,
  targetResourceArn,
  waitingForResource,
  WAIT_RESYNC_SECONDS,
  type PolicyKind,
} from './policyController';
import type { HookController } from './types';

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

/** `sn-…` or `svc-…` of the target's Lattice resource. */
function resourceIdOf(target: KubeObject): string | undefined {
  const arn = targetResourceArn(target);
  return arn && policyResourceType(arn) ? arn.slice(arn.lastIndexOf('/') + 1) : undefined;
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
  recordKeys: RECORD_KEYS,
  // On the same resource the winner's document replaces ours; restoring NONE first would open it meanwhile.
  handsOver: (policy, target) => recordedResource(policy) === undefined || recordedResource(policy) === resourceIdOf(target),

  async release(policy, ctx, target) {
    const recorded = recordedResource(policy);
    if (recorded) return removeAuthPolicy(ctx.aws, { resource: recorded });
    // No record (an answer was lost after the write): only a target carrying exactly our document.
    const arn = target && targetResourceArn(target);
    const document = compactAuthPolicy(policy.spec?.policy);
    if (arn && document.ok) return removeAuthPolicy(ctx.aws, { resource: arn, onlyIfDocument: document.document });
    return { done: true, message: 'no auth policy put' };
  },

  async apply(policy, { ref, target }, ctx) {
    // A document that cannot be applied leaves the last applied one in force: failing closed.
    const document = compactAuthPolicy(policy.spec?.policy);
    if (!document.ok) return { conditions: [condition('Accepted', 'False', 'Invalid', document.problem)], record: {} };
    const resourceArn = targetResourceArn(target);
    if (!resourceArn) return waitingForResource(ref);
    // Retargeted: the resource protected before goes back to NONE.
    const recorded = recordedResource(policy);
    let record: MetadataPatch = {};
    if (recorded && recorded !== resourceIdOf(target)) {
      await removeAuthPolicy(ctx.aws, { resource: recorded });
      record = forgotten(RECORD_KEYS);
    }
    const result = await ensureAuthPolicy(ctx.aws, { resourceArn, document: document.document, managedBy: ctx.aws.identity.managedBy });
    switch (result.state) {
      case 'applied': {
        const { resource } = result;
        return {
          conditions: [ACCEPTED, condition('Programmed', 'True', 'Programmed', `${resource.type} ${resource.name} requires AWS_IAM auth with this policy`)],
          record: { [IAM_RESOURCE_ID_ANNOTATION]: resource.id, [IAM_RESOURCE_TYPE_ANNOTATION]: resource.type, [IAM_RESOURCE_NAME_ANNOTATION]: resource.name },
        };
      }
      case 'missing':
        return { ...waitingForResource(ref), record };
      case 'conflicted':
        return { conditions: [condition('Accepted', 'False', 'Conflicted', result.message)], record, resyncAfterSeconds: WAIT_RESYNC_SECONDS };
      case 'invalid':
        return { conditions: [condition('Accepted', 'False', 'Invalid', result.message)], record };
      case 'failed':
        return { conditions: [ACCEPTED, condition('Programmed', 'False', 'Invalid', result.message)], record, resyncAfterSeconds: WAIT_RESYNC_SECONDS };
    }
  },
};

export function createIAMAuthPolicyController(): HookController {
  return createPolicyController(iamAuthPolicy);
}
