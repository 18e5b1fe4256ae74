/**
 * Identifier → record. Every identifier may be an id or an ARN; an ARN must be the resource's
 * exact ARN, and a child found under another parent is NotFound, as in AWS.
 */
import { ResourceNotFoundError, type ResourceType } from './errors';
import { idOf, isArn } from './ids';
import type {
  AccessLogSubscriptionRecord,
  LatticeStore,
  ListenerRecord,
  RuleRecord,
  ServiceNetworkRecord,
  ServiceNetworkServiceAssociationRecord,
  ServiceNetworkVpcAssociationRecord,
  ServiceRecord,
  TargetGroupRecord,
} from './state';

function lookup<R extends { readonly arn: string }>(records: ReadonlyMap<string, R>, identifier: string, resourceType: ResourceType): R {
  const record = records.get(idOf(identifier));
  if (record === undefined || (isArn(identifier) && record.arn !== identifier)) {
    throw new ResourceNotFoundError(resourceType, identifier);
  }
  return record;
}

export function findServiceNetwork(store: LatticeStore, identifier: string): ServiceNetworkRecord {
  return lookup(store.serviceNetworks, identifier, 'SERVICE_NETWORK');
}

export function findService(store: LatticeStore, identifier: string): ServiceRecord {
  return lookup(store.services, identifier, 'SERVICE');
}

export function findListener(store: LatticeStore, serviceIdentifier: string, listenerIdentifier: string): ListenerRecord {
  const service = findService(store, serviceIdentifier);
  const listener = lookup(store.listeners, listenerIdentifier, 'LISTENER');
  if (listener.serviceId !== service.id) throw new ResourceNotFoundError('LISTENER', listenerIdentifier);
  return listener;
}

export function findRule(store: LatticeStore, listener: ListenerRecord, ruleIdentifier: string): RuleRecord {
  const rule = lookup(store.rules, ruleIdentifier, 'RULE');
  if (rule.listenerId !== listener.id) throw new ResourceNotFoundError('RULE', ruleIdentifier);
  return rule;
}

export function findTargetGroup(store: LatticeStore, identifier: string): TargetGroupRecord {
  return lookup(store.targetGroups, identifier, 'TARGET_GROUP');
}

export function findServiceNetworkServiceAssociation(store: LatticeStore, identifier: string): ServiceNetworkServiceAssociationRecord {
  return lookup(store.serviceNetworkServiceAssociations, identifier, 'SERVICE_NETWORK_SERVICE_ASSOCIATION');
}

export function findServiceNetworkVpcAssociation(store: LatticeStore, identifier: string): ServiceNetworkVpcAssociationRecord {
  return lookup(store.serviceNetworkVpcAssociations, identifier, 'SERVICE_NETWORK_VPC_ASSOCIATION');
}

export function findAccessLogSubscription(store: LatticeStore, identifier: string): AccessLogSubscriptionRecord {
  return lookup(store.accessLogSubscriptions, identifier, 'ACCESS_LOG_SUBSCRIPTION');
}

/**
 * The service network or service an auth policy, resource policy or access log subscription is
 * attached to. Resource configurations are valid identifiers but not emulated, so NotFound.
 */
export function findPolicyOwner(store: LatticeStore, identifier: string): ServiceNetworkRecord | ServiceRecord {
  const id = idOf(identifier);
  if (id.startsWith('sn-')) return findServiceNetwork(store, identifier);
  if (id.startsWith('svc-')) return findService(store, identifier);
  throw new ResourceNotFoundError('RESOURCE', identifier);
}
