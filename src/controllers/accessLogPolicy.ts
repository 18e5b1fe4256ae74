import {
  GATEWAY_TARGET,
  GRPCROUTE_TARGET,
  HTTPROUTE_TARGET,
  policyTargetRefs,
  sameTarget,
  TLSROUTE_TARGET,
  type PolicyObject,
  type PolicyTargetRef,
} from '../gatewayapi/policy';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import { condition } from '../metacontroller/conditions';
import { generationOf, qualifiedName } from '../metacontroller/objects';
import type { KubeObject } from '../metacontroller/types';
import { parseDestinationArn } from '../lattice/accessLogDestination';
import { ensureAccessLogSubscription, removeAccessLogSubscription } from '../lattice/accessLogSubscriptions';
import { describePolicyResource } from '../lattice/policyResources';
import { parseTagsAnnotation, TAGS_ANNOTATION } from '../lattice/tags';
import { ACCEPTED, createPolicyController, isManagedTarget, releasing, targetResourceArn, waitingForResource, WAIT_RESYNC_SECONDS, type PolicyKind } from './policyController';
import type { HookController } from './types';

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
 * winning `ref`: unless that policy still holds it legitimately, through another target that maps
 * to the same Lattice resource (two Gateways of one network).
 */
function mayAdopt(policy: AccessLogPolicy, ref: PolicyTargetRef, policies: readonly AccessLogPolicy[]) {
  return (tagged: string | undefined): boolean => {
    const holder = policies.find((p) => qualifiedName(p) === tagged);
    if (!holder || holder.metadata.deletionTimestamp || destinationTypeOf(holder) !== destinationTypeOf(policy)) return true;
    return policyTargetRefs(holder).some((r) => sameTarget(r, ref));
  };
}

const accessLogPolicy: PolicyKind<AccessLogPolicy, KubeObject> = {
  name: 'accesslogpolicy',
  description: "Delivers the access logs of a Gateway's service network or a route's VPC Lattice service to S3, CloudWatch Logs or Firehose.",
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
  recordKeys: [SUBSCRIPTION_ARN_ANNOTATION, SUBSCRIPTION_RESOURCE_NAME_ANNOTATION],
  // The loser deletes its subscription if it is still tagged for it; one the winner adopted is left alone.
  handsOver: () => false,

  async release(policy, ctx) {
    const arn = policy.metadata.annotations?.[SUBSCRIPTION_ARN_ANNOTATION];
    if (!arn) return { done: true, message: 'no subscription' };
    return removeAccessLogSubscription(ctx.aws, { arn, managedBy: ctx.aws.identity.managedBy, policyName: qualifiedName(policy) });
  },

  async apply(policy, { ref, target, policies }, ctx) {
    const resourceArn = targetResourceArn(target);
    const resource = resourceArn ? await describePolicyResource(ctx.aws.api, resourceArn) : undefined;
    if (!resource) return waitingForResource(ref);
    const { identity } = ctx.aws;
    const destinationArn = policy.spec?.destinationArn ?? '';
    const result = await ensureAccessLogSubscription(ctx.aws, {
      owner: `${identity.managedBy}/${policy.metadata.uid ?? qualifiedName(policy)}/${generationOf(policy)}`,
      managedBy: identity.managedBy,
      policyName: qualifiedName(policy),
      extraTags: parseTagsAnnotation(policy.metadata.annotations?.[TAGS_ANNOTATION]),
      resourceArn: resource.arn,
      destinationArn,
      knownArn: policy.metadata.annotations?.[SUBSCRIPTION_ARN_ANNOTATION],
      mayAdopt: mayAdopt(policy, ref, policies),
    });
    switch (result.state) {
      case 'active':
        return {
          conditions: [ACCEPTED, condition('Programmed', 'True', 'Programmed', `access logs of ${resource.type} ${resource.name} go to ${destinationArn}`)],
          record: { [SUBSCRIPTION_ARN_ANNOTATION]: result.arn, [SUBSCRIPTION_RESOURCE_NAME_ANNOTATION]: resource.name },
        };
      case 'missing':
        return waitingForResource(ref);
      case 'invalid': {
        // The destination may be created (or opened to us) later: look again.
        const outcome = await releasing(accessLogPolicy, policy, ctx, [condition('Accepted', 'False', 'Invalid', result.message)]);
        return { ...outcome, resyncAfterSeconds: outcome.resyncAfterSeconds ?? WAIT_RESYNC_SECONDS };
      }
      case 'conflicted':
        return releasing(accessLogPolicy, policy, ctx, [condition('Accepted', 'False', 'Conflicted', result.message)]);
    }
  },
};

export function createAccessLogPolicyController(): HookController {
  return createPolicyController(accessLogPolicy);
}
