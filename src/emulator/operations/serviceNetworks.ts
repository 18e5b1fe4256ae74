import { ConflictError } from '../errors';
import { createIdempotently } from '../idempotency';
import { newId, topLevelArn } from '../ids';
import { findServiceNetwork } from '../lookup';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import { enforceQuota } from '../quotas';
import { authType, clientToken, paging, serviceNetworkIdentifier, serviceNetworkName, tags } from '../shapes';
import type { ServiceNetworkRecord } from '../state';
import { bool, required, struct } from '../validation';
import { pick, serviceNetworkView } from '../views';
import { ensureNameFree, newRecordFields } from './common';

const identified = { serviceNetworkIdentifier: required(serviceNetworkIdentifier) };

function createResponse(context: OperationContext, network: ServiceNetworkRecord) {
  return pick(serviceNetworkView(context.store, network), ['id', 'name', 'arn', 'sharingConfig', 'authType']);
}

const createServiceNetwork = defineOperation({
  name: 'CreateServiceNetwork',
  method: 'POST',
  uri: '/servicenetworks',
  successCode: 201,
  input: struct({
    clientToken,
    name: required(serviceNetworkName),
    authType,
    tags,
    sharingConfig: struct({ enabled: bool() }),
  }),
  handle: (context, input) =>
    createIdempotently(context, {
      operation: 'CreateServiceNetwork',
      clientToken: input.clientToken,
      input,
      resourceType: 'SERVICE_NETWORK',
      replay: (id) => {
        const network = context.store.serviceNetworks.get(id);
        return network && createResponse(context, network);
      },
      create: () => {
        const { store } = context;
        ensureNameFree(store.serviceNetworks.values(), input.name, 'SERVICE_NETWORK', 'in this account');
        enforceQuota(context.settings.quotas, 'serviceNetworksPerRegion', store.serviceNetworks.size);
        const id = newId('serviceNetwork');
        const network: ServiceNetworkRecord = {
          ...newRecordFields(context, id, topLevelArn(context.scope, 'serviceNetwork', id), input.tags),
          name: input.name,
          authType: input.authType ?? 'NONE',
          sharingConfig: input.sharingConfig,
        };
        store.serviceNetworks.set(id, network);
        return { resourceId: id, response: createResponse(context, network) };
      },
    }),
});

const getServiceNetwork = defineOperation({
  name: 'GetServiceNetwork',
  method: 'GET',
  uri: '/servicenetworks/{serviceNetworkIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => serviceNetworkView(context.store, findServiceNetwork(context.store, input.serviceNetworkIdentifier)),
});

const listServiceNetworks = defineOperation({
  name: 'ListServiceNetworks',
  method: 'GET',
  uri: '/servicenetworks',
  successCode: 200,
  query: PAGING_QUERY,
  input: struct(paging),
  handle: (context, input) =>
    listOutput(context.store.serviceNetworks.values(), input, context.settings.defaultPageSize, (network) => ({
      ...pick(serviceNetworkView(context.store, network), [
        'id',
        'name',
        'arn',
        'createdAt',
        'lastUpdatedAt',
        'numberOfAssociatedVPCs',
        'numberOfAssociatedServices',
      ]),
      numberOfAssociatedResourceConfigurations: 0,
    })),
});

const updateServiceNetwork = defineOperation({
  name: 'UpdateServiceNetwork',
  method: 'PATCH',
  uri: '/servicenetworks/{serviceNetworkIdentifier}',
  successCode: 200,
  input: struct({ ...identified, authType: required(authType) }),
  handle: (context, input) => {
    const network = findServiceNetwork(context.store, input.serviceNetworkIdentifier);
    network.authType = input.authType;
    network.lastUpdatedAt = context.now;
    return pick(serviceNetworkView(context.store, network), ['id', 'name', 'arn', 'authType']);
  },
});

/** Refused while services or VPCs are associated (even while those associations are being deleted). */
const deleteServiceNetwork = defineOperation({
  name: 'DeleteServiceNetwork',
  method: 'DELETE',
  uri: '/servicenetworks/{serviceNetworkIdentifier}',
  successCode: 204,
  input: struct(identified),
  handle: (context, input) => {
    const { store } = context;
    const network = findServiceNetwork(store, input.serviceNetworkIdentifier);
    const isMine = (association: { serviceNetworkId: string }) => association.serviceNetworkId === network.id;
    if ([...store.serviceNetworkVpcAssociations.values()].some(isMine)) {
      throw new ConflictError('SERVICE_NETWORK', network.id, `ServiceNetwork ${network.id} has VPC(s) associated`);
    }
    if ([...store.serviceNetworkServiceAssociations.values()].some(isMine)) {
      throw new ConflictError('SERVICE_NETWORK', network.id, `ServiceNetwork ${network.id} has service(s) associated`);
    }
    store.serviceNetworks.delete(network.id);
    store.removePoliciesAndLogs(network.id);
    return undefined;
  },
});

export const serviceNetworkOperations: readonly Operation[] = [
  createServiceNetwork,
  getServiceNetwork,
  listServiceNetworks,
  updateServiceNetwork,
  deleteServiceNetwork,
];
