/**
 * `GET /_emulator/state`: every resource in its Get-response shape (with the status as of now),
 * plus `tags` and the parent ids a test needs to find its way around.
 */
import type { LatticeStore, PolicyRecord } from './state';
import {
  accessLogSubscriptionView,
  authPolicyView,
  iso,
  listenerView,
  ruleView,
  serviceNetworkServiceAssociationView,
  serviceNetworkView,
  serviceNetworkVpcAssociationView,
  serviceView,
  targetGroupView,
  targetView,
} from './views';

function policyOwner(policy: PolicyRecord) {
  return { resourceId: policy.resourceId, resourceArn: policy.resourceArn };
}

export function stateSnapshot(store: LatticeStore, now: number) {
  const tagged = <R extends { tags: Record<string, string> }, V extends object>(records: Iterable<R>, view: (record: R) => V) =>
    [...records].map((record) => ({ ...view(record), tags: { ...record.tags } }));
  return {
    serviceNetworks: tagged(store.serviceNetworks.values(), (network) => serviceNetworkView(store, network)),
    services: tagged(store.services.values(), (service) => serviceView(service, now)),
    listeners: tagged(store.listeners.values(), (listener) => listenerView(store, listener)),
    rules: tagged(store.rules.values(), (rule) => ({ ...ruleView(rule), serviceId: rule.serviceId, listenerId: rule.listenerId })),
    targetGroups: tagged(store.targetGroups.values(), (group) => ({
      ...targetGroupView(store, group, now),
      targets: [...group.targets.values()].map((target) => targetView(group, target, now)),
    })),
    serviceNetworkServiceAssociations: tagged(store.serviceNetworkServiceAssociations.values(), (association) =>
      serviceNetworkServiceAssociationView(store, association, now),
    ),
    serviceNetworkVpcAssociations: tagged(store.serviceNetworkVpcAssociations.values(), (association) =>
      serviceNetworkVpcAssociationView(store, association, now),
    ),
    authPolicies: [...store.authPolicies.values()].map((policy) => ({ ...policyOwner(policy), ...authPolicyView(store, policy) })),
    resourcePolicies: [...store.resourcePolicies.values()].map((policy) => ({
      ...policyOwner(policy),
      policy: policy.policy,
      createdAt: iso(policy.createdAt),
      lastUpdatedAt: iso(policy.lastUpdatedAt),
    })),
    accessLogSubscriptions: tagged(store.accessLogSubscriptions.values(), accessLogSubscriptionView),
  };
}
