import type { Finding, ResourceType, Service, ServiceNetwork, Severity, TargetGroup } from './types';
import { SEVERITIES } from './types';

/**
 * The audit: every finding has a stable code (docs/directory.md lists them all), a severity, the
 * resource and a one-line reason. Pure: a function of the directory's resources.
 */
export const FINDING_CODES = {
  SERVICE_UNAUTHENTICATED: 'high',
  TARGET_GROUP_NO_HEALTHY_TARGETS: 'high',
  SERVICE_NOT_IN_NETWORK: 'medium',
  SERVICE_NO_ACCESS_LOGS: 'medium',
  SERVICE_IAM_WITHOUT_POLICY: 'medium',
  SERVICE_NOT_ACTIVE: 'medium',
  TARGET_GROUP_NO_TARGETS: 'medium',
  TARGET_GROUP_UNUSED: 'medium',
  LISTENER_NEAR_RULE_QUOTA: 'low',
  GO_CONTROLLER_MANAGED: 'info',
  SERVICE_UNMANAGED: 'info',
} as const satisfies Record<string, Severity>;

export type FindingCode = keyof typeof FINDING_CODES;

export interface AuditInput {
  serviceNetworks: readonly ServiceNetwork[];
  services: readonly Service[];
  targetGroups: readonly TargetGroup[];
  /** Lattice's rules-per-listener quota (LATTICE_RULES_PER_LISTENER). */
  rulesPerListener: number;
}

/** A listener at or above this share of the rules quota is reported. */
export const RULE_QUOTA_WARNING_SHARE = 0.8;

/** Target states that can serve: healthy, still in the first check, or health checks turned off. */
const SERVING = new Set(['HEALTHY', 'INITIAL', 'UNAVAILABLE']);

export function servingTargets(group: TargetGroup): number {
  return group.targets.filter((t) => SERVING.has(t.status)).length;
}

function finding(code: FindingCode, type: ResourceType, resource: { id: string; name: string }, reason: string): Finding {
  return { code, severity: FINDING_CODES[code], resourceType: type, resourceId: resource.id, resourceName: resource.name, reason };
}

function serviceFindings(service: Service, networksById: ReadonlyMap<string, ServiceNetwork>, rulesPerListener: number): Finding[] {
  const found: Finding[] = [];
  const networks = service.networks.map((m) => networksById.get(m.serviceNetworkId)).filter((n): n is ServiceNetwork => n !== undefined);
  if (service.networks.length === 0) {
    found.push(finding('SERVICE_NOT_IN_NETWORK', 'service', service, 'associated with no service network: no client can reach it'));
  } else if (service.authType === 'NONE' && networks.length === service.networks.length && networks.every((n) => n.authType === 'NONE')) {
    const names = networks.map((n) => n.name).join(', ');
    found.push(
      finding(
        'SERVICE_UNAUTHENTICATED',
        'service',
        service,
        `auth type NONE on the service and on its network${networks.length > 1 ? 's' : ''} ${names}: reachable without authentication`,
      ),
    );
  }
  if (service.accessLogDestinations.length === 0 && networks.every((n) => n.accessLogDestinations.length === 0)) {
    found.push(
      finding('SERVICE_NO_ACCESS_LOGS', 'service', service, 'no access log subscription on the service or on any of its networks'),
    );
  }
  if (service.authType === 'AWS_IAM' && !service.authPolicy) {
    found.push(
      finding('SERVICE_IAM_WITHOUT_POLICY', 'service', service, 'auth type AWS_IAM without an auth policy: every request is denied'),
    );
  }
  if (service.status !== 'ACTIVE') found.push(finding('SERVICE_NOT_ACTIVE', 'service', service, `status ${service.status}`));
  for (const listener of service.listeners) {
    const rules = listener.rules.filter((r) => !r.isDefault).length;
    if (rules >= Math.ceil(rulesPerListener * RULE_QUOTA_WARNING_SHARE)) {
      found.push(
        finding(
          'LISTENER_NEAR_RULE_QUOTA',
          'listener',
          { id: listener.id, name: `${service.name}/${listener.name}` },
          `${rules} of ${rulesPerListener} rules (the rules-per-listener quota)`,
        ),
      );
    }
  }
  if (service.owner.manager === 'aws-gateway-api-controller') {
    found.push(
      finding(
        'GO_CONTROLLER_MANAGED',
        'service',
        service,
        `managed by the AWS Go controller (${service.owner.managedBy}): a migration candidate`,
      ),
    );
  }
  if (service.owner.manager === 'none')
    found.push(finding('SERVICE_UNMANAGED', 'service', service, 'no ManagedBy tag: no controller manages it'));
  return found;
}

function targetGroupFindings(group: TargetGroup): Finding[] {
  const found: Finding[] = [];
  const ourLeak = group.owner.manager === 'lattice-gateway-hooks' && !group.owner.source?.startsWith('ServiceExport');
  if (!group.usedByRules && ourLeak) {
    found.push(
      finding(
        'TARGET_GROUP_UNUSED',
        'target-group',
        group,
        'created by lattice-gateway-hooks but no listener or rule forwards to it (a leak)',
      ),
    );
  }
  if (group.targets.length === 0) {
    found.push(finding('TARGET_GROUP_NO_TARGETS', 'target-group', group, 'no registered target'));
  } else if (group.usedByRules && servingTargets(group) === 0) {
    const states = [...new Set(group.targets.map((t) => t.status))].sort().join(', ');
    found.push(
      finding(
        'TARGET_GROUP_NO_HEALTHY_TARGETS',
        'target-group',
        group,
        `none of its ${group.targets.length} targets is healthy (${states})`,
      ),
    );
  }
  if (group.owner.manager === 'aws-gateway-api-controller') {
    found.push(
      finding(
        'GO_CONTROLLER_MANAGED',
        'target-group',
        group,
        `managed by the AWS Go controller (${group.owner.managedBy}): a migration candidate`,
      ),
    );
  }
  return found;
}

const RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

/** Most severe first, then by code and resource name: the same account gives the same list. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (RANK.get(b.severity) ?? 0) - (RANK.get(a.severity) ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.resourceName.localeCompare(b.resourceName) ||
      a.resourceId.localeCompare(b.resourceId),
  );
}

export function audit(input: AuditInput): Finding[] {
  const networksById = new Map(input.serviceNetworks.map((n) => [n.id, n]));
  return sortFindings([
    ...input.services.flatMap((s) => serviceFindings(s, networksById, input.rulesPerListener)),
    ...input.targetGroups.flatMap(targetGroupFindings),
  ]);
}

/** Whether any finding is at `threshold` or worse (`--fail-on`). */
export function failsAt(findings: readonly Finding[], threshold: Severity): boolean {
  const limit = RANK.get(threshold) ?? 0;
  return findings.some((f) => (RANK.get(f.severity) ?? 0) >= limit);
}
