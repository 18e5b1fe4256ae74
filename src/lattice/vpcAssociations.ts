import type { LatticeApi } from './api';
import { awsErrorMessage, isConflict, isNotFound, orUndefinedIfNotFound } from './awsErrors';
import { createFresh, isAlive } from './freshCreate';
import { isGatewaysNetwork } from './serviceNetworks';
import { ownershipOf, TAG, tagChanges } from '../model/tags';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';

/**
 * Names the VpcAssociationPolicy (`<namespace>/<name>`) that manages an association. Its record
 * is an annotation that anyone who may edit the policy can change, and every association of the
 * cluster carries our ManagedBy: a policy removes only an association this tag gives to it (or
 * one made before the tag existed), so no policy can cut another Gateway's association.
 */
export const VPC_ASSOCIATION_POLICY_TAG = `${KEY_PREFIX}VpcAssociationPolicy`;

export type AssociationState =
  | { state: 'active'; arn: string }
  | { state: 'pending'; arn: string | undefined; message: string }
  | { state: 'conflicted'; message: string }
  | { state: 'failed'; arn: string; message: string };

interface Association {
  arn?: string;
  status?: string;
  serviceNetworkArn?: string;
  serviceNetworkId?: string;
  vpcId?: string;
  securityGroupIds?: string[];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sortedB = [...b].sort();
  return a.length === b.length && [...a].sort().every((v, i) => v === sortedB[i]);
}

/** The association of this network with this VPC, if any (one being deleted is none). */
async function find(api: LatticeApi, networkArn: string, vpcId: string): Promise<Association | undefined> {
  const [summary] = (await api.listServiceNetworkVpcAssociations({ serviceNetworkIdentifier: networkArn, vpcIdentifier: vpcId })).filter(
    (a) => a.status !== 'DELETE_IN_PROGRESS',
  );
  return summary?.arn ? orUndefinedIfNotFound(api.getServiceNetworkVpcAssociation(summary.arn)) : undefined;
}

/** `note`: said first in a pending or failed state's message. */
function stateOf(association: Association & { arn: string }, note = ''): AssociationState {
  switch (association.status) {
    case 'ACTIVE':
      return { state: 'active', arn: association.arn };
    case 'CREATE_FAILED':
    case 'UPDATE_FAILED':
    case 'DELETE_FAILED':
      return { state: 'failed', arn: association.arn, message: `${note}association ${association.arn} is ${association.status}` };
    default:
      return {
        state: 'pending',
        arn: association.arn,
        message: `${note}association ${association.arn} is ${association.status ?? 'in progress'}`,
      };
  }
}

/**
 * Makes the network ↔ cluster VPC association exist with these security groups. Ours or untagged
 * (adopted) associations are updated in place; one tagged by another owner, or a VPC already
 * associated with another network, is reported and left alone. The network must be the Gateway's
 * (named as the Gateway, as the Gateway resolves it): the Gateway's annotation that names it is
 * anyone's to edit who may edit the Gateway.
 */
export async function ensureVpcAssociation(
  api: LatticeApi,
  options: {
    owner: string;
    managedBy: string;
    policyName: string;
    knownArn: string | undefined;
    networkArn: string;
    /** The Gateway the policy is attached to. */
    gatewayName: string;
    vpcId: string;
    securityGroupIds: string[];
  },
): Promise<AssociationState> {
  const { networkArn, vpcId, securityGroupIds, managedBy } = options;
  const known = options.knownArn ? await orUndefinedIfNotFound(api.getServiceNetworkVpcAssociation(options.knownArn)) : undefined;
  const network =
    known?.serviceNetworkArn === networkArn
      ? { name: known.serviceNetworkName, id: known.serviceNetworkId }
      : await orUndefinedIfNotFound(api.getServiceNetwork(networkArn));
  if (network && !isGatewaysNetwork(network, options.gatewayName))
    return {
      state: 'conflicted',
      message: `service network ${network.name ?? networkArn} is not the service network of Gateway ${options.gatewayName}: it is left alone`,
    };
  if (known?.arn && known.serviceNetworkArn !== networkArn) {
    // Retargeted to another network: a VPC takes one network, and the old association is ours to remove.
    const removed = await removeAssociation(api, { ...known, arn: known.arn }, managedBy, options.policyName);
    if (!removed.done) return { state: 'pending', arn: known.arn, message: removed.message };
  }
  // A network deleted out of band has no association to find; the create below says so.
  const existing =
    known?.arn && known.serviceNetworkArn === networkArn && known.vpcId === vpcId
      ? known
      : await orUndefinedIfNotFound(find(api, networkArn, vpcId));
  if (!existing?.arn) {
    try {
      const input = {
        serviceNetworkIdentifier: networkArn,
        vpcIdentifier: vpcId,
        ...(securityGroupIds.length > 0 ? { securityGroupIds } : {}),
        tags: { [TAG.managedBy]: managedBy, [VPC_ASSOCIATION_POLICY_TAG]: options.policyName },
      };
      // The token's parameters stay what they always were, so earlier associations are found again.
      const created = await createFresh(
        options.owner,
        { networkArn, vpcId, securityGroupIds: [...securityGroupIds].sort() },
        (t) => api.createServiceNetworkVpcAssociation({ ...input, clientToken: t.clientToken }),
        (c) => isAlive(api.getServiceNetworkVpcAssociation(c.arn ?? '')),
      );
      const gone =
        options.knownArn && !known
          ? `the recorded association ${options.knownArn} no longer existed (deleted outside the controller); `
          : '';
      return created.arn
        ? stateOf({ ...created, arn: created.arn }, gone)
        : { state: 'pending', arn: undefined, message: `${gone}association requested` };
    } catch (error) {
      if (isNotFound(error))
        return {
          state: 'pending',
          arn: undefined,
          message: `service network ${networkArn} no longer exists (deleted outside the controller); waiting for the Gateway to create it again`,
        };
      if (!isConflict(error)) throw error;
      const other = (await api.listServiceNetworkVpcAssociations({ vpcIdentifier: vpcId })).find(
        (a) => a.serviceNetworkArn !== networkArn && a.status !== 'DELETE_IN_PROGRESS',
      );
      return {
        state: 'conflicted',
        message: other
          ? `VPC ${vpcId} is already associated with service network ${other.serviceNetworkName ?? other.serviceNetworkArn}`
          : awsErrorMessage(error),
      };
    }
  }
  const arn = existing.arn;
  const tags = await api.listTags(arn);
  const ownership = ownershipOf(tags, managedBy);
  if (ownership === 'foreign') return { state: 'conflicted', message: `association ${arn} is managed by ${tags[TAG.managedBy]}` };
  // Adopted, or taken over from a policy that went: tagged as ours and this policy's.
  const changes = tagChanges(tags, { [TAG.managedBy]: managedBy, [VPC_ASSOCIATION_POLICY_TAG]: options.policyName });
  if (Object.keys(changes).length > 0) await api.tagResource(arn, changes);
  const current = existing.securityGroupIds ?? [];
  if (existing.status === 'ACTIVE' && !sameSet(current, securityGroupIds)) {
    if (securityGroupIds.length === 0) {
      // Lattice cannot take every security group off an association: replace it.
      await api.deleteServiceNetworkVpcAssociation(arn);
      return { state: 'pending', arn: undefined, message: 'replacing the association to remove its security groups' };
    }
    const updated = await api.updateServiceNetworkVpcAssociation(arn, securityGroupIds);
    return stateOf({ ...updated, arn });
  }
  return stateOf({ ...existing, arn });
}

/** Deletes an association if it is ours; `done` once it is gone. Other owners' associations are left alone. */
async function removeAssociation(
  api: LatticeApi,
  association: Association & { arn: string },
  managedBy: string,
  policyName: string,
): Promise<{ done: boolean; message: string }> {
  if (association.status === 'DELETE_IN_PROGRESS') return { done: false, message: `association ${association.arn} is being deleted` };
  const tags = await api.tagsIfPresent(association.arn);
  if (tags === undefined) return { done: true, message: 'the association is gone' };
  if (ownershipOf(tags, managedBy) !== 'ours') return { done: true, message: 'the association is not ours: left in place' };
  const holder = tags[VPC_ASSOCIATION_POLICY_TAG];
  if (holder !== undefined && holder !== policyName)
    return { done: true, message: `association ${association.arn} is ${holder}'s: left in place` };
  try {
    await api.deleteServiceNetworkVpcAssociation(association.arn);
  } catch (error) {
    if (isNotFound(error)) return { done: true, message: 'association deleted' };
    if (isConflict(error))
      return { done: false, message: `association ${association.arn} cannot be deleted yet: ${awsErrorMessage(error)}` };
    throw error;
  }
  return { done: false, message: `deleting association ${association.arn}` };
}

/**
 * Removes the recorded association if it is ours; `done` once it is gone. An association with
 * `successorNetworkArn` is left in place: the policy that takes the Gateway over manages it as it is.
 */
export async function removeVpcAssociation(
  api: LatticeApi,
  options: { managedBy: string; policyName: string; knownArn: string; successorNetworkArn?: string | undefined },
): Promise<{ done: boolean; message: string }> {
  const association = await orUndefinedIfNotFound(api.getServiceNetworkVpcAssociation(options.knownArn));
  if (!association?.arn) return { done: true, message: 'no association' };
  if (options.successorNetworkArn !== undefined && association.serviceNetworkArn === options.successorNetworkArn) {
    return { done: true, message: `association ${association.arn} left to the policy taking the Gateway over` };
  }
  return removeAssociation(api, { ...association, arn: association.arn }, options.managedBy, options.policyName);
}
