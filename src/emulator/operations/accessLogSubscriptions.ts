import { ConflictError, ResourceNotFoundError, ValidationError } from '../errors';
import { createIdempotently } from '../idempotency';
import { idOf, newId, topLevelArn } from '../ids';
import { findAccessLogSubscription, findPolicyOwner } from '../lookup';
import { defineOperation, type Operation } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import {
  accessLogDestinationArn,
  accessLogSubscriptionIdentifier,
  clientToken,
  paging,
  resourceIdentifier,
  serviceNetworkLogType,
  tags,
} from '../shapes';
import type { AccessLogSubscriptionRecord, LatticeStore } from '../state';
import { required, struct } from '../validation';
import { accessLogSubscriptionView, pick } from '../views';
import { newRecordFields } from './common';

const identified = { accessLogSubscriptionIdentifier: required(accessLogSubscriptionIdentifier) };

const WRITE_FIELDS = ['id', 'arn', 'resourceId', 'resourceArn', 'serviceNetworkLogType', 'destinationArn'] as const;

/** The supported destinations: CloudWatch Logs log groups, S3 buckets, Firehose delivery streams. */
const DESTINATION_SERVICES = ['logs', 's3', 'firehose'];

function destinationService(destinationArn: string): string {
  const service = destinationArn.split(':')[2] ?? '';
  if (!DESTINATION_SERVICES.includes(service)) {
    throw ValidationError.field(
      'destinationArn',
      `Value '${destinationArn}' at 'destinationArn' failed to satisfy constraint: the destination must be a CloudWatch Logs log group, an S3 bucket or a Firehose delivery stream`,
    );
  }
  return service;
}

/**
 * A destination that does not exist (see `POST /_emulator/destinations`) is ResourceNotFoundException
 * naming the destination. AWS documents only that the call fails when the destination is missing or
 * not accessible; the Go controller, written against the real service, reads a
 * ResourceNotFoundException whose resourceType is neither SERVICE_NETWORK nor SERVICE as "the
 * destination could not be found" (and AccessDeniedException as "not accessible", which faults can
 * inject), so that is what the emulator answers.
 */
function ensureDestinationExists(store: LatticeStore, destinationArn: string): void {
  destinationService(destinationArn);
  if (!store.accessLogDestinations.exists(destinationArn)) {
    throw new ResourceNotFoundError(
      'ACCESS_LOG_DESTINATION',
      destinationArn,
      `Destination ${destinationArn} does not exist or cannot receive access logs`,
    );
  }
}

/** A resource has at most one subscription per destination type (and log type). */
type Destination = Pick<AccessLogSubscriptionRecord, 'resourceId' | 'destinationArn' | 'serviceNetworkLogType'>;

function ensureDestinationFree(store: LatticeStore, candidate: Destination, selfId?: string): void {
  const service = destinationService(candidate.destinationArn);
  for (const other of store.accessLogSubscriptions.values()) {
    if (
      other.id !== selfId &&
      other.resourceId === candidate.resourceId &&
      other.serviceNetworkLogType === candidate.serviceNetworkLogType &&
      destinationService(other.destinationArn) === service
    ) {
      throw new ConflictError(
        'ACCESS_LOG_SUBSCRIPTION',
        other.id,
        `${candidate.resourceId} already has access log subscription ${other.id} to a ${service} destination`,
      );
    }
  }
}

const createAccessLogSubscription = defineOperation({
  name: 'CreateAccessLogSubscription',
  method: 'POST',
  uri: '/accesslogsubscriptions',
  successCode: 201,
  input: struct({
    clientToken,
    resourceIdentifier: required(resourceIdentifier),
    destinationArn: required(accessLogDestinationArn),
    serviceNetworkLogType,
    tags,
  }),
  handle: (context, input) =>
    createIdempotently(context, {
      operation: 'CreateAccessLogSubscription',
      clientToken: input.clientToken,
      input,
      resourceType: 'ACCESS_LOG_SUBSCRIPTION',
      replay: (id) => {
        const subscription = context.store.accessLogSubscriptions.get(id);
        return subscription && pick(accessLogSubscriptionView(subscription), WRITE_FIELDS);
      },
      create: () => {
        const { store } = context;
        const owner = findPolicyOwner(store, input.resourceIdentifier);
        const isNetwork = store.serviceNetworks.has(owner.id);
        if (!isNetwork && input.serviceNetworkLogType !== undefined) {
          throw ValidationError.field('serviceNetworkLogType', 'serviceNetworkLogType applies to service networks only');
        }
        const fields = {
          resourceId: owner.id,
          resourceArn: owner.arn,
          destinationArn: input.destinationArn,
          serviceNetworkLogType: isNetwork ? (input.serviceNetworkLogType ?? 'SERVICE') : undefined,
        };
        ensureDestinationExists(store, fields.destinationArn);
        ensureDestinationFree(store, fields);
        const id = newId('accessLogSubscription');
        const subscription: AccessLogSubscriptionRecord = {
          ...newRecordFields(context, id, topLevelArn(context.scope, 'accessLogSubscription', id), input.tags),
          ...fields,
        };
        store.accessLogSubscriptions.set(id, subscription);
        return { resourceId: id, response: pick(accessLogSubscriptionView(subscription), WRITE_FIELDS) };
      },
    }),
});

const getAccessLogSubscription = defineOperation({
  name: 'GetAccessLogSubscription',
  method: 'GET',
  uri: '/accesslogsubscriptions/{accessLogSubscriptionIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => accessLogSubscriptionView(findAccessLogSubscription(context.store, input.accessLogSubscriptionIdentifier)),
});

const listAccessLogSubscriptions = defineOperation({
  name: 'ListAccessLogSubscriptions',
  method: 'GET',
  uri: '/accesslogsubscriptions',
  successCode: 200,
  query: { ...PAGING_QUERY, resourceIdentifier: 'string' },
  input: struct({ resourceIdentifier: required(resourceIdentifier), ...paging }),
  handle: (context, input) => {
    const resourceId = idOf(input.resourceIdentifier);
    const subscriptions = [...context.store.accessLogSubscriptions.values()].filter((s) => s.resourceId === resourceId);
    return listOutput(subscriptions, input, context.settings.defaultPageSize, accessLogSubscriptionView);
  },
});

const updateAccessLogSubscription = defineOperation({
  name: 'UpdateAccessLogSubscription',
  method: 'PATCH',
  uri: '/accesslogsubscriptions/{accessLogSubscriptionIdentifier}',
  successCode: 200,
  input: struct({ ...identified, destinationArn: required(accessLogDestinationArn) }),
  handle: (context, input) => {
    const subscription = findAccessLogSubscription(context.store, input.accessLogSubscriptionIdentifier);
    ensureDestinationExists(context.store, input.destinationArn);
    ensureDestinationFree(context.store, { ...subscription, destinationArn: input.destinationArn }, subscription.id);
    subscription.destinationArn = input.destinationArn;
    subscription.lastUpdatedAt = context.now;
    return pick(accessLogSubscriptionView(subscription), ['id', 'arn', 'resourceId', 'resourceArn', 'destinationArn']);
  },
});

const deleteAccessLogSubscription = defineOperation({
  name: 'DeleteAccessLogSubscription',
  method: 'DELETE',
  uri: '/accesslogsubscriptions/{accessLogSubscriptionIdentifier}',
  successCode: 204,
  input: struct(identified),
  handle: (context, input) => {
    const subscription = findAccessLogSubscription(context.store, input.accessLogSubscriptionIdentifier);
    context.store.accessLogSubscriptions.delete(subscription.id);
    return undefined;
  },
});

export const accessLogSubscriptionOperations: readonly Operation[] = [
  createAccessLogSubscription,
  getAccessLogSubscription,
  listAccessLogSubscriptions,
  updateAccessLogSubscription,
  deleteAccessLogSubscription,
];
