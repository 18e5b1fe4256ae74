import { policyTargetRefs, sameLatticeResource, type PolicyObject, type PolicyTargetRef } from '../gatewayapi/policy';
import { GATEWAY_TARGET, GRPCROUTE_TARGET, HTTPROUTE_TARGET, TLSROUTE_TARGET } from '../gatewayapi/policyTargets';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import { condition } from '../metacontroller/conditions';
import { generationOf, qualifiedName } from '../metacontroller/objects';
import type { KubeObject } from '../metacontroller/types';
import { parseDestinationArn } from '../lattice/accessLogDestination';
import { ensureAccessLogSubscription, removeAccessLogSubscription, removeUnrecordedSubscriptions } from '../lattice/accessLogSubscriptions';
import { policyResourceType } from '../lattice/policyResources';
import { parseTagsAnnotation, TAGS_ANNOTATION } from '../model/tags';
import {
  ACCEPTED,
  createPolicyController,
  isManagedTarget,
  refusedByAws,
  releasing,
  waitingForResource,
  WAIT_RESYNC_SECONDS,
  type PolicyKind,
  type PolicyOutcome,
} from './policyController';
import { targetIdentity, targetResourceArn } from './policyTarget';
import type { HookContext, HookController } from './types';

/** The subscription and the Lattice resource it logs (Go controller compatible annotations). */
export const SUBSCRIPTION_ARN_ANNOTATION = `${KEY_PREFIX}accessLogSubscription`;
export const SUBSCRIPTION_RESOURCE_NAME_ANNOTATION = `${KEY_PREFIX}accessLogSubscriptionResourceName`;

interface AccessLogPolicy extends PolicyObject {
  spec?: PolicyObject['spec'] & { destinationArn?: string };
}

function destinationTypeOf(policy: AccessLogPolicy) {
  const parsed = parseDestinationArn(policy.spec?.destinationArn);
  return parsed.ok ? parsed.type : undefined;
}

/**
 * Whether a subscription of ours tagged for another AccessLogPolicy may be taken over by the one
 * winning `ref`: yes when that policy is gone, of another destination type, or competes for the
 * same resource (and lost it); no when it holds the subscription through a target not known to
 * share the resource (a Gateway named after the network's id).
 */
function mayAdopt(policy: AccessLogPolicy, ref: PolicyTargetRef, policies: readonly AccessLogPolicy[]) {
  return (tagged: string | undefined): boolean => {
    const holder = policies.find((p) => qualifiedName(p) === tagged);
    if (!holder || holder.metadata.deletionTimestamp || destinationTypeOf(holder) !== destinationTypeOf(policy)) return true;
    return policyTargetRefs(holder).some((r) => sameLatticeResource(r, ref));
  };
}

const accessLogPolicy: PolicyKind<AccessLogPolicy, KubeObject> = {
  name: 'accesslogpolicy',
  description:
    "Delivers the access logs of a Gateway's service network or a route's VPC Lattice service to S3, CloudWatch Logs or Firehose.",
  kind: 'AccessLogPolicy',
  resource: 'accesslogpolicies',
  kinds: [GATEWAY_TARGET, HTTPROUTE_TARGET, GRPCROUTE_TARGET, TLSROUTE_TARGET],
  isOurs: isManagedTarget,
  specProblem: (policy) => {
    const parsed = parseDestinationArn(policy.spec?.destinationArn);
    return parsed.ok ? undefined : parsed.problem;
  },
  // Lattice takes one subscription per destination type and resource: only policies of one type compete.
  contends: (policy, other) => destinationTypeOf(other) === destinationTypeOf(policy),
  // Gateways of one name share a network, and its subscriptions.
  sameResource: sameLatticeResource,
  recordKeys: [SUBSCRIPTION_ARN_ANNOTATION, SUBSCRIPTION_RESOURCE_NAME_ANNOTATION],

  // The subscription is deleted if it is still tagged for this policy; one a winner adopted is left alone.
  async release(policy, ctx, { target, deleting }) {
    const owner = { managedBy: ctx.aws.identity.managedBy, policyName: qualifiedName(policy) };
    const arn = policy.metadata.annotations?.[SUBSCRIPTION_ARN_ANNOTATION];
    if (arn) return removeAccessLogSubscription(ctx.aws, { arn, ...owner });
    // No record (an answer lost after the create): on deletion, what the target carries for this policy.
    const resourceArn = deleting && target ? targetResourceArn(target) : undefined;
    if (resourceArn) return removeUnrecordedSubscriptions(ctx.aws, { resourceArn, ...owner });
    return { done: true, message: 'no subscription' };
  },

  async apply(policy, { ref, target, policies }, ctx) {
    const resourceArn = targetResourceArn(target);
    // Retargeted to a resource that does not exist yet: the old target's logs stop now.
    if (!resourceArn) return waitingWithout(policy, ref, ctx);
    const { identity } = ctx.aws;
    const destinationArn = policy.spec?.destinationArn ?? '';
    const annotations = policy.metadata.annotations ?? {};
    const result = await ensureAccessLogSubscription(ctx.aws, {
      owner: `${identity.managedBy}/${policy.metadata.uid ?? qualifiedName(policy)}/${generationOf(policy)}`,
      managedBy: identity.managedBy,
      policyName: qualifiedName(policy),
      extraTags: parseTagsAnnotation(annotations[TAGS_ANNOTATION]),
      resourceArn,
      target: targetIdentity(target),
      destinationArn,
      knownArn: annotations[SUBSCRIPTION_ARN_ANNOTATION],
      mayAdopt: mayAdopt(policy, ref, policies),
    });
    switch (result.state) {
      case 'active': {
        // In steady state the resource is not read: its name is the one recorded with the subscription.
        const name =
          result.resource?.name ??
          annotations[SUBSCRIPTION_RESOURCE_NAME_ANNOTATION] ??
          resourceArn.slice(resourceArn.lastIndexOf('/') + 1);
        return {
          conditions: [
            ACCEPTED,
            condition(
              'Programmed',
              'True',
              'Programmed',
              `access logs of ${policyResourceType(resourceArn) ?? 'resource'} ${name} go to ${destinationArn}`,
            ),
          ],
          record: { [SUBSCRIPTION_ARN_ANNOTATION]: result.arn, [SUBSCRIPTION_RESOURCE_NAME_ANNOTATION]: name },
        };
      }
      case 'missing':
        return waitingWithout(policy, ref, ctx);
      case 'invalid': {
        // The destination may be created later: look again.
        const outcome = await releasing(accessLogPolicy, policy, ctx, [condition('Accepted', 'False', 'Invalid', result.message)]);
        return { ...outcome, resyncAfterSeconds: outcome.resyncAfterSeconds ?? WAIT_RESYNC_SECONDS };
      }
      case 'failed':
        return refusedByAws([ACCEPTED], result.message);
      case 'conflicted':
        return releasing(accessLogPolicy, policy, ctx, [condition('Accepted', 'False', 'Conflicted', result.message)]);
    }
  },
};

/** The target's resource does not exist (yet): a subscription recorded elsewhere is released while the policy waits. */
async function waitingWithout(policy: AccessLogPolicy, ref: PolicyTargetRef, ctx: HookContext): Promise<PolicyOutcome> {
  const waiting = waitingForResource(ref);
  const outcome = await releasing(accessLogPolicy, policy, ctx, waiting.conditions);
  return { ...outcome, resyncAfterSeconds: outcome.resyncAfterSeconds ?? waiting.resyncAfterSeconds };
}

export function createAccessLogPolicyController(): HookController {
  return createPolicyController(accessLogPolicy);
}
