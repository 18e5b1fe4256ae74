import { audit, servingTargets } from './audit';
import type { Observed, ObservedListener } from './observed';
import { ownerOf, serviceNameEvidence, targetGroupNameEvidence } from './owner';
import { accountOfArn } from './shapes';
import {
  DIRECTORY_SCHEMA_VERSION,
  SEVERITIES,
  type Action,
  type Directory,
  type Listener,
  type Manager,
  type Service,
  type ServiceNetwork,
  type Severity,
  type TargetGroup,
} from './types';

export interface BuildOptions {
  /** ManagedBy of this cluster (`<account>/<cluster>/<vpc>`), when known. */
  thisCluster: string | null;
  rulesPerListener: number;
}

function forwardedIds(action: Action): string[] {
  return action.type === 'forward' ? action.targetGroups.map((t) => t.targetGroupId) : [];
}

function named(action: Action, names: ReadonlyMap<string, string>): Action {
  if (action.type !== 'forward') return action;
  return { type: 'forward', targetGroups: action.targetGroups.map((t) => ({ ...t, targetGroupName: names.get(t.targetGroupId) ?? null })) };
}

/** Rules in priority order, then the default action as the last rule. */
function listenerOf(listener: ObservedListener, names: ReadonlyMap<string, string>): Listener {
  const rules = [...listener.rules]
    .sort((a, b) => (a.priority ?? Infinity) - (b.priority ?? Infinity))
    .map((r) => ({ ...r, action: named(r.action, names) }));
  const defaultRule = {
    id: `${listener.id}/default`,
    name: 'default',
    priority: null,
    isDefault: true,
    match: 'anything else',
    action: named(listener.defaultAction, names),
  };
  return { id: listener.id, name: listener.name, protocol: listener.protocol, port: listener.port, rules: [...rules, defaultRule] };
}

function healthOf(groups: readonly (TargetGroup | undefined)[]): Service['health'] {
  const known = groups.filter((g): g is TargetGroup => g !== undefined);
  if (known.length === 0 || known.every((g) => g.targets.length === 0)) return 'no-targets';
  if (known.some((g) => g.targets.length > 0 && servingTargets(g) === 0)) return 'unhealthy';
  if (known.some((g) => g.targets.length === 0 || servingTargets(g) < g.targets.length)) return 'degraded';
  return 'healthy';
}

function count<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const value of values) counts[value] += 1;
  return counts;
}

const byName = <T extends { name: string; id: string }>(a: T, b: T) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
const MANAGERS: readonly Manager[] = ['lattice-gateway-hooks', 'aws-gateway-api-controller', 'gateway-api-controller', 'none'];

/**
 * The directory of one read: owners from tags and names, services linked to their networks and
 * target groups, rules in priority order, target health rolled up per service, and the audit.
 */
export function buildDirectory(observed: Observed, options: BuildOptions): Directory {
  const shared = (arn: string) => {
    const account = accountOfArn(arn);
    return account !== undefined && account !== observed.account;
  };
  const tgNames = new Map(observed.targetGroups.map((g) => [g.id, g.name]));
  const used = new Set(
    observed.services.flatMap((s) =>
      s.listeners.flatMap((l) => [...forwardedIds(l.defaultAction), ...l.rules.flatMap((r) => forwardedIds(r.action))]),
    ),
  );

  const targetGroups: TargetGroup[] = observed.targetGroups
    .map((g) => ({ ...g, usedByRules: used.has(g.id), owner: ownerOf(g.tags, targetGroupNameEvidence(g.name), options.thisCluster) }))
    .sort(byName);
  const groupsById = new Map(targetGroups.map((g) => [g.id, g]));

  const serviceNetworks: ServiceNetwork[] = observed.networks
    .map((n) => ({
      id: n.id,
      arn: n.arn,
      name: n.name,
      shared: shared(n.arn),
      authType: n.authType,
      authPolicy: n.authPolicy,
      accessLogDestinations: n.accessLogDestinations,
      vpcs: n.vpcs,
      serviceIds: n.services.map((s) => s.serviceId).sort(),
      tags: n.tags,
      owner: ownerOf(n.tags, 'unknown', options.thisCluster),
    }))
    .sort(byName);

  const services: Service[] = observed.services
    .map((s) => {
      const listeners = s.listeners.map((l) => listenerOf(l, tgNames)).sort((a, b) => a.port - b.port);
      const targetGroupIds = [...new Set(listeners.flatMap((l) => l.rules.flatMap((r) => forwardedIds(r.action))))].sort();
      const networks = observed.networks
        .flatMap((n) =>
          n.services
            .filter((a) => a.serviceId === s.id)
            .map((a) => ({ serviceNetworkId: n.id, serviceNetworkName: n.name, associationId: a.id, status: a.status })),
        )
        .sort((a, b) => a.serviceNetworkName.localeCompare(b.serviceNetworkName));
      const evidence = serviceNameEvidence(
        s.listeners.map((l) => l.name),
        s.listeners.flatMap((l) => l.rules.map((r) => r.name)),
      );
      return {
        id: s.id,
        arn: s.arn,
        name: s.name,
        status: s.status,
        shared: shared(s.arn),
        dnsName: s.dnsName,
        customDomainName: s.customDomainName,
        certificateArn: s.certificateArn,
        authType: s.authType,
        authPolicy: s.authPolicy,
        accessLogDestinations: s.accessLogDestinations,
        networks,
        listeners,
        targetGroupIds,
        health: healthOf(targetGroupIds.map((id) => groupsById.get(id))),
        tags: s.tags,
        owner: ownerOf(s.tags, evidence, options.thisCluster),
      };
    })
    .sort(byName);

  const findings = audit({ serviceNetworks, services, targetGroups, rulesPerListener: options.rulesPerListener });
  const targets = targetGroups.flatMap((g) => g.targets);
  return {
    schemaVersion: DIRECTORY_SCHEMA_VERSION,
    generatedAt: observed.readAt.toISOString(),
    account: observed.account,
    thisCluster: options.thisCluster,
    summary: {
      serviceNetworks: serviceNetworks.length,
      services: services.length,
      targetGroups: targetGroups.length,
      targets: targets.length,
      healthyTargets: targets.filter((t) => t.status === 'HEALTHY').length,
      servicesByManager: count(
        MANAGERS,
        services.map((s) => s.owner.manager),
      ),
      findingsBySeverity: count<Severity>(
        SEVERITIES,
        findings.map((f) => f.severity),
      ),
    },
    serviceNetworks,
    services,
    targetGroups,
    findings,
    skipped: observed.skipped,
    awsCalls: observed.calls,
  };
}
