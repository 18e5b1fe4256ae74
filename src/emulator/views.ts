/**
 * Records → API response shapes. Each `…View` is the model's Get*Response shape; Create, Update,
 * Delete and List summaries are subsets of it (`pick`). Timestamps are RFC 3339 strings.
 */
import { visibleStatus, type Status } from './lifecycle';
import type {
  AccessLogSubscriptionRecord,
  LatticeStore,
  ListenerRecord,
  PolicyRecord,
  RuleRecord,
  ServiceNetworkRecord,
  ServiceNetworkServiceAssociationRecord,
  ServiceNetworkVpcAssociationRecord,
  ServiceRecord,
  TargetGroupRecord,
  TargetRecord,
} from './state';

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const result = {} as Pick<T, K>;
  for (const key of keys) result[key] = source[key];
  return result;
}

export function serviceNetworkView(store: LatticeStore, network: ServiceNetworkRecord) {
  const count = (associations: Iterable<{ serviceNetworkId: string }>) =>
    [...associations].filter((association) => association.serviceNetworkId === network.id).length;
  return {
    id: network.id,
    name: network.name,
    arn: network.arn,
    authType: network.authType,
    sharingConfig: network.sharingConfig,
    createdAt: iso(network.createdAt),
    lastUpdatedAt: iso(network.lastUpdatedAt),
    numberOfAssociatedVPCs: count(store.serviceNetworkVpcAssociations.values()),
    numberOfAssociatedServices: count(store.serviceNetworkServiceAssociations.values()),
  };
}

export function serviceView(service: ServiceRecord, now: number) {
  return {
    id: service.id,
    name: service.name,
    arn: service.arn,
    createdAt: iso(service.createdAt),
    lastUpdatedAt: iso(service.lastUpdatedAt),
    dnsEntry: service.dnsEntry,
    customDomainName: service.customDomainName,
    certificateArn: service.certificateArn,
    status: visibleStatus(service.lifecycle, now),
    authType: service.authType,
    idleTimeoutSeconds: service.idleTimeoutSeconds,
  };
}

export function listenerView(store: LatticeStore, listener: ListenerRecord) {
  return {
    arn: listener.arn,
    id: listener.id,
    name: listener.name,
    protocol: listener.protocol,
    port: listener.port,
    serviceArn: store.services.get(listener.serviceId)?.arn,
    serviceId: listener.serviceId,
    defaultAction: store.defaultRuleOf(listener.id).action,
    createdAt: iso(listener.createdAt),
    lastUpdatedAt: iso(listener.lastUpdatedAt),
  };
}

export function ruleView(rule: RuleRecord) {
  return {
    arn: rule.arn,
    id: rule.id,
    name: rule.name,
    isDefault: rule.isDefault,
    match: rule.match,
    priority: rule.priority,
    action: rule.action,
    createdAt: iso(rule.createdAt),
    lastUpdatedAt: iso(rule.lastUpdatedAt),
  };
}

export function targetGroupView(store: LatticeStore, group: TargetGroupRecord, now: number) {
  const serviceArns = [...store.servicesUsing(group.id)].flatMap((id) => store.services.get(id)?.arn ?? []);
  return {
    id: group.id,
    arn: group.arn,
    name: group.name,
    type: group.type,
    config: group.config,
    createdAt: iso(group.createdAt),
    lastUpdatedAt: iso(group.lastUpdatedAt),
    status: visibleStatus(group.lifecycle, now),
    serviceArns,
  };
}

export function targetGroupSummary(store: LatticeStore, group: TargetGroupRecord, now: number) {
  const view = targetGroupView(store, group, now);
  return {
    ...pick(view, ['id', 'arn', 'name', 'type', 'createdAt', 'lastUpdatedAt', 'status', 'serviceArns']),
    port: group.config?.port,
    protocol: group.config?.protocol,
    ipAddressType: group.config?.ipAddressType,
    vpcIdentifier: group.config?.vpcIdentifier,
    lambdaEventStructureVersion: group.config?.lambdaEventStructureVersion,
  };
}

export type TargetStatus = 'DRAINING' | 'UNAVAILABLE' | 'HEALTHY' | 'INITIAL' | 'UNUSED';

/**
 * Draining while deregistering; UNUSED while no listener or rule forwards to the group; otherwise
 * INITIAL during the first health check, then HEALTHY (UNAVAILABLE when health checks are off).
 */
function targetStatus(group: TargetGroupRecord, target: TargetRecord, now: number): TargetStatus {
  if (target.drainingUntil !== undefined) return 'DRAINING';
  if (!group.inUse) return 'UNUSED';
  if (now < target.initialUntil) return 'INITIAL';
  return group.config?.healthCheck?.enabled === false ? 'UNAVAILABLE' : 'HEALTHY';
}

export function targetView(group: TargetGroupRecord, target: TargetRecord, now: number) {
  return { id: target.id, port: target.port, status: targetStatus(group, target, now) };
}

export function serviceNetworkServiceAssociationView(
  store: LatticeStore,
  association: ServiceNetworkServiceAssociationRecord,
  now: number,
) {
  const service = store.services.get(association.serviceId);
  const network = store.serviceNetworks.get(association.serviceNetworkId);
  return {
    id: association.id,
    status: visibleStatus(association.lifecycle, now),
    arn: association.arn,
    createdBy: association.createdBy,
    createdAt: iso(association.createdAt),
    serviceId: association.serviceId,
    serviceName: service?.name,
    serviceArn: service?.arn,
    serviceNetworkId: association.serviceNetworkId,
    serviceNetworkName: network?.name,
    serviceNetworkArn: network?.arn,
    dnsEntry: service?.dnsEntry,
    customDomainName: service?.customDomainName,
  };
}

export function serviceNetworkVpcAssociationView(store: LatticeStore, association: ServiceNetworkVpcAssociationRecord, now: number) {
  const network = store.serviceNetworks.get(association.serviceNetworkId);
  return {
    id: association.id,
    status: visibleStatus(association.lifecycle, now),
    arn: association.arn,
    createdBy: association.createdBy,
    createdAt: iso(association.createdAt),
    serviceNetworkId: association.serviceNetworkId,
    serviceNetworkName: network?.name,
    serviceNetworkArn: network?.arn,
    vpcId: association.vpcId,
    securityGroupIds: association.securityGroupIds,
    privateDnsEnabled: association.privateDnsEnabled,
    lastUpdatedAt: iso(association.lastUpdatedAt),
    dnsOptions: association.dnsOptions,
  };
}

/** The auth type of the policy's resource decides whether the policy is enforced. */
export function authPolicyView(store: LatticeStore, policy: PolicyRecord) {
  const owner = store.serviceNetworks.get(policy.resourceId) ?? store.services.get(policy.resourceId);
  return {
    policy: policy.policy,
    state: owner?.authType === 'AWS_IAM' ? 'Active' : 'Inactive',
    createdAt: iso(policy.createdAt),
    lastUpdatedAt: iso(policy.lastUpdatedAt),
  };
}

export function accessLogSubscriptionView(subscription: AccessLogSubscriptionRecord) {
  return {
    id: subscription.id,
    arn: subscription.arn,
    resourceId: subscription.resourceId,
    resourceArn: subscription.resourceArn,
    destinationArn: subscription.destinationArn,
    serviceNetworkLogType: subscription.serviceNetworkLogType,
    createdAt: iso(subscription.createdAt),
    lastUpdatedAt: iso(subscription.lastUpdatedAt),
  };
}

/** Create and Delete responses report the phase just entered, whatever the transition delay. */
export function withStatus<T extends object>(view: T, status: Status): T & { status: Status } {
  return { ...view, status };
}
