import { sameLatticeResource, type PolicyObject } from '../gatewayapi/policy';
import { GATEWAY_TARGET } from '../gatewayapi/policyTargets';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import type { Gateway } from '../gatewayapi/types';
import { condition } from '../metacontroller/conditions';
import { qualifiedName } from '../metacontroller/objects';
import { ensureVpcAssociation, removeVpcAssociation } from '../lattice/vpcAssociations';
import {
  ACCEPTED,
  createPolicyController,
  isManagedTarget,
  PENDING_RESYNC_SECONDS,
  releasing,
  waitingForResource,
  WAIT_RESYNC_SECONDS,
  type PolicyKind,
} from './policyController';
import { targetResourceArn } from './policyTarget';
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
  // Gateways of one name share a network, and the cluster VPC has one association with it.
  sameResource: sameLatticeResource,
  recordKeys: [ASSOCIATION_ARN_ANNOTATION],

  async release(policy, ctx, { successor }) {
    const knownArn = policy.metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION];
    if (!knownArn) return { done: true, message: 'no association' };
    // A successor that associates manages the same network ↔ VPC association: it takes it over as it is.
    const successorNetworkArn =
      successor && successor.policy.spec?.associateWithVpc !== false ? targetResourceArn(successor.target) : undefined;
    return removeVpcAssociation(ctx.aws.api, {
      managedBy: ctx.aws.identity.managedBy,
      policyName: qualifiedName(policy),
      knownArn,
      successorNetworkArn,
    });
  },

  async apply(policy, { ref, target }, ctx) {
    if (policy.spec?.associateWithVpc === false) {
      const outcome = await releasing(vpcAssociationPolicy, policy, ctx, [
        ACCEPTED,
        condition('Programmed', 'True', 'Programmed', 'Not associated (associateWithVpc: false)'),
      ]);
      return outcome.resyncAfterSeconds
        ? { ...outcome, conditions: [ACCEPTED, condition('Programmed', 'False', 'Pending', 'Removing the association')] }
        : outcome;
    }
    const networkArn = targetResourceArn(target);
    if (!networkArn) return waitingForResource(ref);
    const { identity, api } = ctx.aws;
    const result = await ensureVpcAssociation(api, {
      owner: `${identity.managedBy}/${policy.metadata.uid ?? `${policy.metadata.namespace}/${policy.metadata.name}`}`,
      managedBy: identity.managedBy,
      policyName: qualifiedName(policy),
      knownArn: policy.metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION],
      networkArn,
      gatewayName: target.metadata.name,
      vpcId: identity.vpcId,
      securityGroupIds: policy.spec?.securityGroupIds ?? [],
    });
    const record = (arn: string | undefined) => ({ [ASSOCIATION_ARN_ANNOTATION]: arn ?? null });
    switch (result.state) {
      case 'active':
        return {
          conditions: [ACCEPTED, condition('Programmed', 'True', 'Programmed', `association ${result.arn}`)],
          record: record(result.arn),
        };
      case 'pending':
        return {
          conditions: [ACCEPTED, condition('Programmed', 'False', 'Pending', result.message)],
          record: record(result.arn),
          resyncAfterSeconds: PENDING_RESYNC_SECONDS,
        };
      case 'failed':
        return {
          conditions: [ACCEPTED, condition('Programmed', 'False', 'Invalid', result.message)],
          record: record(result.arn),
          resyncAfterSeconds: WAIT_RESYNC_SECONDS,
        };
      // The record stays: release leaves another owner's association alone, and removes one of ours.
      case 'conflicted':
        return {
          conditions: [condition('Accepted', 'False', 'Conflicted', result.message)],
          record: {},
          resyncAfterSeconds: WAIT_RESYNC_SECONDS,
        };
    }
  },
};

export function createVpcAssociationPolicyController(): HookController {
  return createPolicyController(vpcAssociationPolicy);
}
