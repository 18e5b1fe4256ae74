import { GATEWAY_TARGET, type PolicyObject } from '../gatewayapi/policy';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import type { Gateway } from '../gatewayapi/types';
import { condition } from '../metacontroller/conditions';
import { ensureVpcAssociation, removeVpcAssociation } from '../lattice/vpcAssociations';
import {
  ACCEPTED,
  createPolicyController,
  isManagedTarget,
  PENDING_RESYNC_SECONDS,
  releasing,
  targetResourceArn,
  waitingForResource,
  WAIT_RESYNC_SECONDS,
  type PolicyKind,
} from './policyController';
import type { HookController } from './types';

/** Where the association ARN is recorded (the Go controller's annotation). */
export const ASSOCIATION_ARN_ANNOTATION = `${KEY_PREFIX}resourceArn`;

interface VpcAssociationPolicy extends PolicyObject {
  spec?: PolicyObject['spec'] & { associateWithVpc?: boolean; securityGroupIds?: string[] };
}

const vpcAssociationPolicy: PolicyKind<VpcAssociationPolicy, Gateway> = {
  name: 'vpcassociationpolicy',
  description: "Associates a Gateway's service network with the cluster VPC, with security groups.",
  kind: 'VpcAssociationPolicy',
  resource: 'vpcassociationpolicies',
  kinds: [GATEWAY_TARGET],
  isOurs: isManagedTarget,
  recordKeys: [ASSOCIATION_ARN_ANNOTATION],
  // The winner manages the same network ↔ VPC pair.
  handsOver: () => true,

  async release(policy, ctx) {
    const knownArn = policy.metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION];
    if (!knownArn) return { done: true, message: 'no association' };
    return removeVpcAssociation(ctx.aws.api, { managedBy: ctx.aws.identity.managedBy, knownArn, vpcId: ctx.aws.identity.vpcId });
  },

  async apply(policy, { ref, target }, ctx) {
    if (policy.spec?.associateWithVpc === false) {
      const outcome = await releasing(vpcAssociationPolicy, policy, ctx, [ACCEPTED, condition('Programmed', 'True', 'Programmed', 'Not associated (associateWithVpc: false)')]);
      return outcome.resyncAfterSeconds ? { ...outcome, conditions: [ACCEPTED, condition('Programmed', 'False', 'Pending', 'Removing the association')] } : outcome;
    }
    const networkArn = targetResourceArn(target);
    if (!networkArn) return waitingForResource(ref);
    const { identity, api } = ctx.aws;
    const result = await ensureVpcAssociation(api, {
      owner: `${identity.managedBy}/${policy.metadata.uid ?? `${policy.metadata.namespace}/${policy.metadata.name}`}`,
      managedBy: identity.managedBy,
      knownArn: policy.metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION],
      networkArn,
      vpcId: identity.vpcId,
      securityGroupIds: policy.spec?.securityGroupIds ?? [],
    });
    const record = (arn: string | undefined) => ({ [ASSOCIATION_ARN_ANNOTATION]: arn ?? null });
    switch (result.state) {
      case 'active':
        return { conditions: [ACCEPTED, condition('Programmed', 'True', 'Programmed', `association ${result.arn}`)], record: record(result.arn) };
      case 'pending':
        return { conditions: [ACCEPTED, condition('Programmed', 'False', 'Pending', result.message)], record: record(result.arn), resyncAfterSeconds: PENDING_RESYNC_SECONDS };
      case 'failed':
        return { conditions: [ACCEPTED, condition('Programmed', 'False', 'Invalid', result.message)], record: record(result.arn), resyncAfterSeconds: WAIT_RESYNC_SECONDS };
      case 'conflicted':
        return { conditions: [condition('Accepted', 'False', 'Conflicted', result.message)], record: record(undefined), resyncAfterSeconds: WAIT_RESYNC_SECONDS };
    }
  },
};

export function createVpcAssociationPolicyController(): HookController {
  return createPolicyController(vpcAssociationPolicy);
}
