import { ConflictError } from '../errors';
import { createIdempotently } from '../idempotency';
import { newId, serviceDnsEntry, topLevelArn } from '../ids';
import { enterPhase } from '../lifecycle';
import { findService } from '../lookup';
import { defineOperation, type Operation } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import { enforceQuota } from '../quotas';
import {
  authType,
  certificateArn,
  clientToken,
  customDomainName,
  idleTimeoutSeconds,
  paging,
  serviceIdentifier,
  serviceName,
  tags,
} from '../shapes';
import type { ServiceRecord } from '../state';
import { required, struct } from '../validation';
import { pick, serviceView, withStatus } from '../views';
import { beginDeletion, ensureNameFree, ensureStatus, isDeleting, newRecordFields } from './common';

const identified = { serviceIdentifier: required(serviceIdentifier) };

const CREATE_FIELDS = [
  'id',
  'arn',
  'name',
  'customDomainName',
  'certificateArn',
  'status',
  'authType',
  'idleTimeoutSeconds',
  'dnsEntry',
] as const;

const createService = defineOperation({
  name: 'CreateService',
  method: 'POST',
  uri: '/services',
  successCode: 201,
  input: struct({ clientToken, name: required(serviceName), tags, customDomainName, certificateArn, authType, idleTimeoutSeconds }),
  handle: (context, input) =>
    createIdempotently(context, {
      operation: 'CreateService',
      clientToken: input.clientToken,
      input,
      resourceType: 'SERVICE',
      replay: (id) => {
        const service = context.store.services.get(id);
        return service && pick(serviceView(service, context.now), CREATE_FIELDS);
      },
      create: () => {
        const { store } = context;
        ensureNameFree(store.services.values(), input.name, 'SERVICE', 'in this account');
        enforceQuota(context.settings.quotas, 'servicesPerRegion', store.services.size);
        const id = newId('service');
        const service: ServiceRecord = {
          ...newRecordFields(context, id, topLevelArn(context.scope, 'service', id), input.tags),
          name: input.name,
          customDomainName: input.customDomainName,
          certificateArn: input.certificateArn,
          authType: input.authType ?? 'NONE',
          idleTimeoutSeconds: input.idleTimeoutSeconds,
          dnsEntry: serviceDnsEntry(context.scope, input.name, id),
          lifecycle: enterPhase('CREATE_IN_PROGRESS', context.now, context.settings.transitionMs),
        };
        store.services.set(id, service);
        const response = pick(withStatus(serviceView(service, context.now), 'CREATE_IN_PROGRESS'), CREATE_FIELDS);
        return { resourceId: id, response };
      },
    }),
});

const getService = defineOperation({
  name: 'GetService',
  method: 'GET',
  uri: '/services/{serviceIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => serviceView(findService(context.store, input.serviceIdentifier), context.now),
});

const listServices = defineOperation({
  name: 'ListServices',
  method: 'GET',
  uri: '/services',
  successCode: 200,
  query: PAGING_QUERY,
  input: struct(paging),
  handle: (context, input) =>
    listOutput(context.store.services.values(), input, context.settings.defaultPageSize, (service) =>
      pick(serviceView(service, context.now), [
        'id',
        'name',
        'arn',
        'createdAt',
        'lastUpdatedAt',
        'dnsEntry',
        'customDomainName',
        'status',
      ]),
    ),
});

const updateService = defineOperation({
  name: 'UpdateService',
  method: 'PATCH',
  uri: '/services/{serviceIdentifier}',
  successCode: 200,
  input: struct({ ...identified, certificateArn, authType, idleTimeoutSeconds }),
  handle: (context, input) => {
    const service = findService(context.store, input.serviceIdentifier);
    ensureStatus(service, context, ['CREATE_IN_PROGRESS', 'ACTIVE'], 'SERVICE', 'update the service');
    if (input.certificateArn !== undefined) service.certificateArn = input.certificateArn;
    if (input.authType !== undefined) service.authType = input.authType;
    if (input.idleTimeoutSeconds !== undefined) service.idleTimeoutSeconds = input.idleTimeoutSeconds;
    service.lastUpdatedAt = context.now;
    return pick(serviceView(service, context.now), [
      'id',
      'arn',
      'name',
      'customDomainName',
      'certificateArn',
      'authType',
      'idleTimeoutSeconds',
    ]);
  },
});

/**
 * Refused while the service is associated with a network. Listeners, rules, access log
 * subscriptions and policies go at once; the service itself stays DELETE_IN_PROGRESS for a while.
 */
const deleteService = defineOperation({
  name: 'DeleteService',
  method: 'DELETE',
  uri: '/services/{serviceIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => {
    const { store } = context;
    const service = findService(store, input.serviceIdentifier);
    const fields = ['id', 'arn', 'name', 'status'] as const;
    if (isDeleting(service)) return pick(serviceView(service, context.now), fields);
    const association = [...store.serviceNetworkServiceAssociations.values()].find((a) => a.serviceId === service.id);
    if (association !== undefined) {
      throw new ConflictError(
        'SERVICE',
        service.id,
        `Service ${service.id} is associated with service network ${association.serviceNetworkId} (${association.id})`,
      );
    }
    for (const listener of store.listenersOf(service.id)) store.removeListener(listener.id);
    store.removePoliciesAndLogs(service.id);
    beginDeletion(context, service);
    return pick(withStatus(serviceView(service, context.now), 'DELETE_IN_PROGRESS'), fields);
  },
});

export const serviceOperations: readonly Operation[] = [createService, getService, listServices, updateService, deleteService];
