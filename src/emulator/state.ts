/**
 * The emulator's in-memory Lattice: one record type per resource, kept in insertion order.
 * `seq` orders List results and anchors pagination tokens.
 */
import { AccessLogDestinations } from './destinations';
import type { DnsEntry } from './ids';
import { statusAt, type Lifecycle } from './lifecycle';
import type { HealthCheckInput, ListenerProtocol, RuleMatchInput, TargetGroupConfigInput } from './shapes';

export type Tags = Record<string, string>;
export type AuthType = 'NONE' | 'AWS_IAM';

interface BaseRecord {
  readonly id: string;
  readonly arn: string;
  readonly seq: number;
  readonly createdAt: number;
  lastUpdatedAt: number;
  tags: Tags;
}

export interface ServiceNetworkRecord extends BaseRecord {
  readonly name: string;
  authType: AuthType;
  readonly sharingConfig: { enabled?: boolean } | undefined;
}

export interface ServiceRecord extends BaseRecord {
  readonly name: string;
  readonly customDomainName: string | undefined;
  certificateArn: string | undefined;
  authType: AuthType;
  idleTimeoutSeconds: number | undefined;
  readonly dnsEntry: DnsEntry;
  lifecycle: Lifecycle;
}

export interface ListenerRecord extends BaseRecord {
  readonly serviceId: string;
  readonly name: string;
  readonly protocol: ListenerProtocol;
  readonly port: number;
}

export interface WeightedTargetGroup {
  readonly targetGroupIdentifier: string;
  readonly weight: number;
}

/** A rule action with target groups resolved to ids and weights filled in. */
export type RuleAction =
  | { readonly forward: { readonly targetGroups: readonly WeightedTargetGroup[] } }
  | { readonly fixedResponse: { readonly statusCode: number } };

export interface RuleRecord extends BaseRecord {
  readonly serviceId: string;
  readonly listenerId: string;
  readonly name: string;
  /** The default rule carries the listener's default action; it has no match and no priority. */
  readonly isDefault: boolean;
  priority: number | undefined;
  match: RuleMatchInput | undefined;
  action: RuleAction;
}

export type TargetGroupType = 'IP' | 'LAMBDA' | 'INSTANCE' | 'ALB';

export interface TargetGroupConfig extends Omit<TargetGroupConfigInput, 'healthCheck'> {
  healthCheck?: HealthCheckInput;
}

export interface TargetRecord {
  readonly id: string;
  readonly port: number | undefined;
  readonly seq: number;
  /** End of the initial health check; restarted when the target group starts being used. */
  initialUntil: number;
  drainingUntil: number | undefined;
}

export interface TargetGroupRecord extends BaseRecord {
  readonly name: string;
  readonly type: TargetGroupType;
  config: TargetGroupConfig | undefined;
  lifecycle: Lifecycle;
  /** Keyed by `id:port`. */
  readonly targets: Map<string, TargetRecord>;
  /** Whether a listener or rule forwards to it (refreshed after every operation). */
  inUse: boolean;
}

export interface ServiceNetworkServiceAssociationRecord extends BaseRecord {
  readonly serviceNetworkId: string;
  readonly serviceId: string;
  readonly createdBy: string;
  lifecycle: Lifecycle;
}

export interface ServiceNetworkVpcAssociationRecord extends BaseRecord {
  readonly serviceNetworkId: string;
  readonly vpcId: string;
  securityGroupIds: string[] | undefined;
  readonly privateDnsEnabled: boolean | undefined;
  readonly dnsOptions: Record<string, unknown> | undefined;
  readonly createdBy: string;
  lifecycle: Lifecycle;
}

export interface PolicyRecord {
  /** Id of the service network or service the policy belongs to. */
  readonly resourceId: string;
  readonly resourceArn: string;
  policy: string;
  readonly createdAt: number;
  lastUpdatedAt: number;
}

export interface AccessLogSubscriptionRecord extends BaseRecord {
  readonly resourceId: string;
  readonly resourceArn: string;
  destinationArn: string;
  readonly serviceNetworkLogType: 'SERVICE' | 'RESOURCE' | undefined;
}

export interface IdempotencyEntry {
  readonly fingerprint: string;
  readonly resourceId: string;
  readonly response: object;
}

/** Records that carry ARNs and tags. */
export type TaggableRecord =
  | ServiceNetworkRecord
  | ServiceRecord
  | ListenerRecord
  | RuleRecord
  | TargetGroupRecord
  | ServiceNetworkServiceAssociationRecord
  | ServiceNetworkVpcAssociationRecord
  | AccessLogSubscriptionRecord;

export class LatticeStore {
  readonly serviceNetworks = new Map<string, ServiceNetworkRecord>();
  readonly services = new Map<string, ServiceRecord>();
  readonly listeners = new Map<string, ListenerRecord>();
  readonly rules = new Map<string, RuleRecord>();
  readonly targetGroups = new Map<string, TargetGroupRecord>();
  readonly serviceNetworkServiceAssociations = new Map<string, ServiceNetworkServiceAssociationRecord>();
  readonly serviceNetworkVpcAssociations = new Map<string, ServiceNetworkVpcAssociationRecord>();
  /** Keyed by the id of the service network or service. */
  readonly authPolicies = new Map<string, PolicyRecord>();
  readonly resourcePolicies = new Map<string, PolicyRecord>();
  readonly accessLogSubscriptions = new Map<string, AccessLogSubscriptionRecord>();
  /** The world outside Lattice that access log subscriptions deliver to. */
  readonly accessLogDestinations = new AccessLogDestinations();
  /** Keyed by `<operation>/<clientToken>`. */
  readonly clientTokens = new Map<string, IdempotencyEntry>();
  private lastSeq = 0;

  nextSeq(): number {
    this.lastSeq += 1;
    return this.lastSeq;
  }

  *taggable(): Iterable<TaggableRecord> {
    yield* this.serviceNetworks.values();
    yield* this.services.values();
    yield* this.listeners.values();
    yield* this.rules.values();
    yield* this.targetGroups.values();
    yield* this.serviceNetworkServiceAssociations.values();
    yield* this.serviceNetworkVpcAssociations.values();
    yield* this.accessLogSubscriptions.values();
  }

  findByArn(arn: string): TaggableRecord | undefined {
    for (const record of this.taggable()) if (record.arn === arn) return record;
    return undefined;
  }

  listenersOf(serviceId: string): ListenerRecord[] {
    return [...this.listeners.values()].filter((listener) => listener.serviceId === serviceId);
  }

  rulesOf(listenerId: string): RuleRecord[] {
    return [...this.rules.values()].filter((rule) => rule.listenerId === listenerId);
  }

  /** The rule that carries a listener's default action (every listener has exactly one). */
  defaultRuleOf(listenerId: string): RuleRecord {
    const rule = this.rulesOf(listenerId).find((candidate) => candidate.isDefault);
    if (rule === undefined) throw new Error(`listener ${listenerId} has no default rule`);
    return rule;
  }

  /** Deletes a listener with its rules (the default rule included). */
  removeListener(listenerId: string): void {
    for (const rule of this.rulesOf(listenerId)) this.rules.delete(rule.id);
    this.listeners.delete(listenerId);
  }

  /** What goes with a deleted service network or service: its policies and access log subscriptions. */
  removePoliciesAndLogs(resourceId: string): void {
    this.authPolicies.delete(resourceId);
    this.resourcePolicies.delete(resourceId);
    for (const subscription of [...this.accessLogSubscriptions.values()]) {
      if (subscription.resourceId === resourceId) this.accessLogSubscriptions.delete(subscription.id);
    }
  }

  /** Ids of the services whose listeners or rules forward to the target group. */
  servicesUsing(targetGroupId: string): Set<string> {
    const services = new Set<string>();
    for (const rule of this.rules.values()) {
      if (targetGroupIdsOf(rule.action).includes(targetGroupId)) services.add(rule.serviceId);
    }
    return services;
  }

  /** Removes resources whose deletion finished and targets that finished draining. */
  sweep(now: number): void {
    for (const records of [
      this.services,
      this.targetGroups,
      this.serviceNetworkServiceAssociations,
      this.serviceNetworkVpcAssociations,
    ] as const) {
      for (const [id, record] of records) if (statusAt(record.lifecycle, now) === 'GONE') records.delete(id);
    }
    for (const group of this.targetGroups.values()) {
      for (const [key, target] of group.targets) {
        if (target.drainingUntil !== undefined && now >= target.drainingUntil) group.targets.delete(key);
      }
    }
  }

  /** Restarts the initial health check of targets whose group has just started being used. */
  refreshTargetGroupUsage(now: number, transitionMs: number): void {
    const used = new Set<string>();
    for (const rule of this.rules.values()) for (const id of targetGroupIdsOf(rule.action)) used.add(id);
    for (const group of this.targetGroups.values()) {
      const inUse = used.has(group.id);
      if (inUse && !group.inUse) {
        for (const target of group.targets.values()) target.initialUntil = now + transitionMs;
      }
      group.inUse = inUse;
    }
  }
}

export function targetGroupIdsOf(action: RuleAction): string[] {
  return 'forward' in action ? action.forward.targetGroups.map((group) => group.targetGroupIdentifier) : [];
}
