import type { ActionView, LatticeSnapshot, MatchView, ServiceView, TargetGroupView } from './latticeView';
import { table } from './table';

/** `exact /cart`, `prefix /cart/`, `GET`, `header x-canary=true`, joined by "and". */
export function describeMatch(match: MatchView): string {
  const parts: string[] = [];
  if (match.method) parts.push(match.method);
  if (match.path) parts.push(`${match.path.type} ${match.path.value}`);
  for (const header of match.headers) parts.push(`header ${header.name}=${header.value}`);
  return parts.length > 0 ? parts.join(' and ') : 'any request';
}

/** `store/cart:80`, or with several target groups each one's share of the traffic. */
export function describeAction(action: ActionView, backends: ReadonlyMap<string, string>): string {
  if ('fixedResponse' in action) return `fixed response ${action.fixedResponse}`;
  const total = action.forward.reduce((sum, t) => sum + t.weight, 0);
  const names = action.forward.map((t) => backends.get(t.targetGroupId) ?? t.targetGroupId);
  if (action.forward.length === 1) return `forward to ${names[0]}`;
  return `forward to ${action.forward.map((t, i) => `${names[i]} ${total > 0 ? Math.round((t.weight * 100) / total) : 0}%`).join(', ')}`;
}

function rulesOf(service: ServiceView, backends: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const listener of service.listeners) {
    lines.push('', `Rules of ${service.name}, listener ${listener.name} (${listener.protocol} port ${listener.port}), in priority order`);
    lines.push(
      ...table(
        ['PRIORITY', 'MATCH', 'ACTION'],
        listener.rules.map((rule) => [
          rule.priority === undefined ? 'default' : String(rule.priority),
          rule.priority === undefined ? 'anything else' : describeMatch(rule.match),
          describeAction(rule.action, backends),
        ]),
      ),
    );
  }
  return lines;
}

function targetsOf(group: TargetGroupView): string {
  return group.targets.length === 0 ? '(none)' : group.targets.map((t) => `${t.address} ${t.status}`).join(', ');
}

/** The Lattice resources as tables: networks, services with DNS names, rules, target groups with targets. */
export function latticeLines(snapshot: LatticeSnapshot): string[] {
  const backends = new Map(snapshot.targetGroups.map((g) => [g.id, g.backend]));
  const lines = ['Service networks'];
  lines.push(
    ...table(
      ['NAME', 'ID', 'VPC ASSOCIATIONS'],
      snapshot.networks.map((n) => [
        n.name,
        n.id,
        n.vpcAssociations.length === 0 ? '(none)' : n.vpcAssociations.map((a) => `${a.vpcId} ${a.status}`).join(', '),
      ]),
    ),
  );
  lines.push('', 'Services (one per route)');
  lines.push(
    ...table(
      ['NAME', 'STATUS', 'NETWORKS', 'DNS NAME'],
      snapshot.services.map((s) => [s.name, s.status, s.networks.join(', ') || '(none)', s.dnsName]),
    ),
  );
  for (const service of snapshot.services) lines.push(...rulesOf(service, backends));
  lines.push('', 'Target groups (one per route and backend Service port, or route and Lambda function)');
  lines.push(
    ...table(
      ['ROUTE', 'BACKEND', 'PROTOCOL', 'TARGETS'],
      snapshot.targetGroups.map((g) => [g.route, g.backend, g.protocol, targetsOf(g)]),
    ),
  );
  if (snapshot.invokeStatements.length > 0) {
    const groups = new Map(snapshot.targetGroups.map((g) => [g.id, g]));
    lines.push('', 'Lambda invoke permissions (aws lambda get-policy): Lattice may invoke the function from its target group only');
    lines.push(
      ...table(
        ['FUNCTION', 'STATEMENT ID', 'PRINCIPAL', 'SOURCE (TARGET GROUP)'],
        snapshot.invokeStatements.map((s) => {
          const group = groups.get(s.sourceArn.slice(s.sourceArn.lastIndexOf('/') + 1));
          return [
            s.functionArn.slice(s.functionArn.indexOf(':function:') + ':function:'.length),
            s.sid,
            s.principal,
            group ? `${group.route} ${group.backend}` : s.sourceArn,
          ];
        }),
      ),
    );
  }
  return lines;
}

export interface LatticeCounts {
  serviceNetworks: number;
  services: number;
  listeners: number;
  rules: number;
  targetGroups: number;
  vpcAssociations: number;
  invokePermissions: number;
}

export function countsOf(snapshot: LatticeSnapshot): LatticeCounts {
  const listeners = snapshot.services.flatMap((s) => s.listeners);
  return {
    serviceNetworks: snapshot.networks.length,
    services: snapshot.services.length,
    listeners: listeners.length,
    rules: listeners.reduce((sum, l) => sum + l.rules.filter((r) => r.priority !== undefined).length, 0),
    targetGroups: snapshot.targetGroups.length,
    vpcAssociations: snapshot.vpcAssociations,
    invokePermissions: snapshot.invokeStatements.length,
  };
}

export function isEmpty(counts: LatticeCounts): boolean {
  return Object.values(counts).every((n) => n === 0);
}

/** `0 service networks, 0 services, …`. */
export function describeCounts(counts: LatticeCounts): string {
  const label: Record<keyof LatticeCounts, string> = {
    serviceNetworks: 'service networks',
    services: 'services',
    listeners: 'listeners',
    rules: 'rules',
    targetGroups: 'target groups',
    vpcAssociations: 'VPC associations',
    invokePermissions: 'Lambda invoke permissions',
  };
  return (Object.keys(label) as (keyof LatticeCounts)[]).map((key) => `${counts[key]} ${label[key]}`).join(', ');
}
