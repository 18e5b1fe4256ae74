import { ConflictError, ValidationError } from '../errors';
import { createIdempotently } from '../idempotency';
import { idOf, newId, topLevelArn } from '../ids';
import { enterPhase } from '../lifecycle';
import { findServiceNetwork, findServiceNetworkVpcAssociation } from '../lookup';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import { enforceQuota } from '../quotas';
import {
  clientToken,
  dnsOptions,
  paging,
  securityGroupId,
  serviceNetworkIdentifier,
  serviceNetworkVpcAssociationIdentifier,
  tags,
  vpcId,
} from '../shapes';
import type { ServiceNetworkVpcAssociationRecord } from '../state';
import { bool, list, required, struct } from '../validation';
import { pick, serviceNetworkVpcAssociationView, withStatus } from '../views';
import { beginDeletion, ensureStatus, isDeleting, newRecordFields } from './common';

const identified = { serviceNetworkVpcAssociationIdentifier: required(serviceNetworkVpcAssociationIdentifier) };

const CREATE_FIELDS = ['id', 'status', 'arn', 'createdBy', 'securityGroupIds', 'privateDnsEnabled', 'dnsOptions'] as const;

function view(context: OperationContext, association: ServiceNetworkVpcAssociationRecord) {
  return serviceNetworkVpcAssociationView(context.store, association, context.now);
}

/** A VPC can be associated with one service network only; a disassociation in progress still counts. */
const createServiceNetworkVpcAssociation = defineOperation({
  name: 'CreateServiceNetworkVpcAssociation',
  method: 'POST',
  uri: '/servicenetworkvpcassociations',
  successCode: 200,
  input: struct({
    clientToken,
    serviceNetworkIdentifier: required(serviceNetworkIdentifier),
    vpcIdentifier: required(vpcId),
    privateDnsEnabled: bool(),
    securityGroupIds: list(securityGroupId, { min: 0, max: 5 }),
    tags,
    dnsOptions,
  }),
  handle: (context, input) => {
    const { store } = context;
    const network = findServiceNetwork(store, input.serviceNetworkIdentifier);
    return createIdempotently(context, {
      operation: 'CreateServiceNetworkVpcAssociation',
      clientToken: input.clientToken,
      input,
      resourceType: 'SERVICE_NETWORK_VPC_ASSOCIATION',
      replay: (id) => {
        const association = store.serviceNetworkVpcAssociations.get(id);
        return association && pick(view(context, association), CREATE_FIELDS);
      },
      create: () => {
        const existing = [...store.serviceNetworkVpcAssociations.values()].find((a) => a.vpcId === input.vpcIdentifier);
        if (existing !== undefined) {
          const detail =
            existing.serviceNetworkId !== network.id
              ? `is already associated with service network ${existing.serviceNetworkId}`
              : isDeleting(existing)
                ? `is being disassociated from service network ${network.id}`
                : `is already associated with service network ${network.id}`;
          throw new ConflictError('SERVICE_NETWORK_VPC_ASSOCIATION', existing.id, `VPC ${input.vpcIdentifier} ${detail}`);
        }
        const inNetwork = [...store.serviceNetworkVpcAssociations.values()].filter((a) => a.serviceNetworkId === network.id);
        enforceQuota(context.settings.quotas, 'vpcAssociationsPerServiceNetwork', inNetwork.length, 1, network.id);
        const id = newId('serviceNetworkVpcAssociation');
        const association: ServiceNetworkVpcAssociationRecord = {
          ...newRecordFields(context, id, topLevelArn(context.scope, 'serviceNetworkVpcAssociation', id), input.tags),
          serviceNetworkId: network.id,
          vpcId: input.vpcIdentifier,
          securityGroupIds: input.securityGroupIds,
          privateDnsEnabled: input.privateDnsEnabled,
          dnsOptions: input.dnsOptions,
          createdBy: context.scope.accountId,
          lifecycle: enterPhase('CREATE_IN_PROGRESS', context.now, context.settings.transitionMs),
        };
        store.serviceNetworkVpcAssociations.set(id, association);
        return { resourceId: id, response: pick(withStatus(view(context, association), 'CREATE_IN_PROGRESS'), CREATE_FIELDS) };
      },
    });
  },
});

const getServiceNetworkVpcAssociation = defineOperation({
  name: 'GetServiceNetworkVpcAssociation',
  method: 'GET',
  uri: '/servicenetworkvpcassociations/{serviceNetworkVpcAssociationIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => view(context, findServiceNetworkVpcAssociation(context.store, input.serviceNetworkVpcAssociationIdentifier)),
});

/** The API requires one of the two filters. */
const listServiceNetworkVpcAssociations = defineOperation({
  name: 'ListServiceNetworkVpcAssociations',
  method: 'GET',
  uri: '/servicenetworkvpcassociations',
  successCode: 200,
  query: { ...PAGING_QUERY, serviceNetworkIdentifier: 'string', vpcIdentifier: 'string' },
  input: struct({ ...paging, serviceNetworkIdentifier, vpcIdentifier: vpcId }),
  handle: (context, input) => {
    if (input.serviceNetworkIdentifier === undefined && input.vpcIdentifier === undefined) {
      throw ValidationError.field('serviceNetworkIdentifier', 'Either serviceNetworkIdentifier or vpcIdentifier is required');
    }
    const networkId = input.serviceNetworkIdentifier === undefined ? undefined : idOf(input.serviceNetworkIdentifier);
    const associations = [...context.store.serviceNetworkVpcAssociations.values()].filter(
      (a) =>
        (networkId === undefined || a.serviceNetworkId === networkId) &&
        (input.vpcIdentifier === undefined || a.vpcId === input.vpcIdentifier),
    );
    const fields = [
      'id',
      'arn',
      'status',
      'createdBy',
      'createdAt',
      'serviceNetworkId',
      'serviceNetworkName',
      'serviceNetworkArn',
      'privateDnsEnabled',
      'dnsOptions',
      'vpcId',
      'lastUpdatedAt',
    ] as const;
    return listOutput(associations, input, context.settings.defaultPageSize, (association) => pick(view(context, association), fields));
  },
});

/**
 * Replaces the security groups (1–5 by the model, so they can never all be removed: AWS says to
 * delete and recreate the association instead). The association goes through UPDATE_IN_PROGRESS.
 */
const updateServiceNetworkVpcAssociation = defineOperation({
  name: 'UpdateServiceNetworkVpcAssociation',
  method: 'PATCH',
  uri: '/servicenetworkvpcassociations/{serviceNetworkVpcAssociationIdentifier}',
  successCode: 200,
  input: struct({ ...identified, securityGroupIds: required(list(securityGroupId, { min: 1, max: 5 })) }),
  handle: (context, input) => {
    const association = findServiceNetworkVpcAssociation(context.store, input.serviceNetworkVpcAssociationIdentifier);
    ensureStatus(association, context, ['ACTIVE'], 'SERVICE_NETWORK_VPC_ASSOCIATION', 'update the association');
    association.securityGroupIds = input.securityGroupIds;
    association.lifecycle = enterPhase('UPDATE_IN_PROGRESS', context.now, context.settings.transitionMs);
    association.lastUpdatedAt = context.now;
    return pick(withStatus(view(context, association), 'UPDATE_IN_PROGRESS'), ['id', 'arn', 'status', 'createdBy', 'securityGroupIds']);
  },
});

/** Refused while a create or update is in progress. */
const deleteServiceNetworkVpcAssociation = defineOperation({
  name: 'DeleteServiceNetworkVpcAssociation',
  method: 'DELETE',
  uri: '/servicenetworkvpcassociations/{serviceNetworkVpcAssociationIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => {
    const association = findServiceNetworkVpcAssociation(context.store, input.serviceNetworkVpcAssociationIdentifier);
    const fields = ['id', 'status', 'arn'] as const;
    if (isDeleting(association)) return pick(view(context, association), fields);
    ensureStatus(association, context, ['ACTIVE'], 'SERVICE_NETWORK_VPC_ASSOCIATION', 'delete the association');
    beginDeletion(context, association);
    return pick(withStatus(view(context, association), 'DELETE_IN_PROGRESS'), fields);
  },
});

export const serviceNetworkVpcAssociationOperations: readonly Operation[] = [
  createServiceNetworkVpcAssociation,
  getServiceNetworkVpcAssociation,
  listServiceNetworkVpcAssociations,
  updateServiceNetworkVpcAssociation,
  deleteServiceNetworkVpcAssociation,
];
