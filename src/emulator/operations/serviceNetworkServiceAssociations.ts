import { ConflictError, ValidationError } from '../errors';
import { createIdempotently } from '../idempotency';
import { idOf, newId, topLevelArn } from '../ids';
import { enterPhase } from '../lifecycle';
import { findService, findServiceNetwork, findServiceNetworkServiceAssociation } from '../lookup';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import { enforceQuota } from '../quotas';
import {
  clientToken,
  paging,
  serviceIdentifier,
  serviceNetworkIdentifier,
  serviceNetworkServiceAssociationIdentifier,
  tags,
} from '../shapes';
import type { ServiceNetworkServiceAssociationRecord } from '../state';
import { required, struct } from '../validation';
import { pick, serviceNetworkServiceAssociationView, withStatus } from '../views';
import { beginDeletion, ensureStatus, isDeleting, newRecordFields } from './common';

const identified = { serviceNetworkServiceAssociationIdentifier: required(serviceNetworkServiceAssociationIdentifier) };

const CREATE_FIELDS = ['id', 'status', 'arn', 'createdBy', 'customDomainName', 'dnsEntry'] as const;

function view(context: OperationContext, association: ServiceNetworkServiceAssociationRecord) {
  return serviceNetworkServiceAssociationView(context.store, association, context.now);
}

/**
 * Refused while the service is still being created, when the pair is already associated (or its
 * disassociation is in progress), and when another service of the network has the same custom domain.
 */
const createServiceNetworkServiceAssociation = defineOperation({
  name: 'CreateServiceNetworkServiceAssociation',
  method: 'POST',
  uri: '/servicenetworkserviceassociations',
  successCode: 200,
  input: struct({
    clientToken,
    serviceIdentifier: required(serviceIdentifier),
    serviceNetworkIdentifier: required(serviceNetworkIdentifier),
    tags,
  }),
  handle: (context, input) => {
    const { store } = context;
    const service = findService(store, input.serviceIdentifier);
    const network = findServiceNetwork(store, input.serviceNetworkIdentifier);
    return createIdempotently(context, {
      operation: 'CreateServiceNetworkServiceAssociation',
      clientToken: input.clientToken,
      input,
      resourceType: 'SERVICE_NETWORK_SERVICE_ASSOCIATION',
      replay: (id) => {
        const association = store.serviceNetworkServiceAssociations.get(id);
        return association && pick(view(context, association), CREATE_FIELDS);
      },
      create: () => {
        ensureStatus(service, context, ['ACTIVE'], 'SERVICE', 'associate the service');
        const inNetwork = [...store.serviceNetworkServiceAssociations.values()].filter((a) => a.serviceNetworkId === network.id);
        const existing = inNetwork.find((a) => a.serviceId === service.id);
        if (existing !== undefined) {
          const state = isDeleting(existing) ? 'is being disassociated from' : 'is already associated with';
          throw new ConflictError(
            'SERVICE_NETWORK_SERVICE_ASSOCIATION',
            existing.id,
            `Service ${service.id} ${state} service network ${network.id}`,
          );
        }
        const sameDomain = inNetwork.find(
          (a) => service.customDomainName !== undefined && store.services.get(a.serviceId)?.customDomainName === service.customDomainName,
        );
        if (sameDomain !== undefined) {
          throw new ConflictError(
            'SERVICE_NETWORK_SERVICE_ASSOCIATION',
            sameDomain.id,
            `Custom domain ${service.customDomainName} is already used in service network ${network.id}`,
          );
        }
        enforceQuota(context.settings.quotas, 'serviceAssociationsPerServiceNetwork', inNetwork.length, 1, network.id);
        const id = newId('serviceNetworkServiceAssociation');
        const association: ServiceNetworkServiceAssociationRecord = {
          ...newRecordFields(context, id, topLevelArn(context.scope, 'serviceNetworkServiceAssociation', id), input.tags),
          serviceNetworkId: network.id,
          serviceId: service.id,
          createdBy: context.scope.accountId,
          lifecycle: enterPhase('CREATE_IN_PROGRESS', context.now, context.settings.transitionMs),
        };
        store.serviceNetworkServiceAssociations.set(id, association);
        return { resourceId: id, response: pick(withStatus(view(context, association), 'CREATE_IN_PROGRESS'), CREATE_FIELDS) };
      },
    });
  },
});

const getServiceNetworkServiceAssociation = defineOperation({
  name: 'GetServiceNetworkServiceAssociation',
  method: 'GET',
  uri: '/servicenetworkserviceassociations/{serviceNetworkServiceAssociationIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) =>
    view(context, findServiceNetworkServiceAssociation(context.store, input.serviceNetworkServiceAssociationIdentifier)),
});

/** The API requires one of the two filters. */
const listServiceNetworkServiceAssociations = defineOperation({
  name: 'ListServiceNetworkServiceAssociations',
  method: 'GET',
  uri: '/servicenetworkserviceassociations',
  successCode: 200,
  query: { ...PAGING_QUERY, serviceNetworkIdentifier: 'string', serviceIdentifier: 'string' },
  input: struct({ ...paging, serviceNetworkIdentifier, serviceIdentifier }),
  handle: (context, input) => {
    if (input.serviceNetworkIdentifier === undefined && input.serviceIdentifier === undefined) {
      throw ValidationError.field('serviceNetworkIdentifier', 'Either serviceNetworkIdentifier or serviceIdentifier is required');
    }
    const networkId = input.serviceNetworkIdentifier === undefined ? undefined : idOf(input.serviceNetworkIdentifier);
    const serviceId = input.serviceIdentifier === undefined ? undefined : idOf(input.serviceIdentifier);
    const associations = [...context.store.serviceNetworkServiceAssociations.values()].filter(
      (a) => (networkId === undefined || a.serviceNetworkId === networkId) && (serviceId === undefined || a.serviceId === serviceId),
    );
    return listOutput(associations, input, context.settings.defaultPageSize, (association) => view(context, association));
  },
});

/** Refused while the association is still being created. */
const deleteServiceNetworkServiceAssociation = defineOperation({
  name: 'DeleteServiceNetworkServiceAssociation',
  method: 'DELETE',
  uri: '/servicenetworkserviceassociations/{serviceNetworkServiceAssociationIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => {
    const association = findServiceNetworkServiceAssociation(context.store, input.serviceNetworkServiceAssociationIdentifier);
    const fields = ['id', 'status', 'arn'] as const;
    if (isDeleting(association)) return pick(view(context, association), fields);
    ensureStatus(association, context, ['ACTIVE'], 'SERVICE_NETWORK_SERVICE_ASSOCIATION', 'delete the association');
    beginDeletion(context, association);
    return pick(withStatus(view(context, association), 'DELETE_IN_PROGRESS'), fields);
  },
});

export const serviceNetworkServiceAssociationOperations: readonly Operation[] = [
  createServiceNetworkServiceAssociation,
  getServiceNetworkServiceAssociation,
  listServiceNetworkServiceAssociations,
  deleteServiceNetworkServiceAssociation,
];
