import type { ImportedTargetGroup } from './backends';

/**
 * Which exported target groups an import may use, and how they are named in conditions. Pure:
 * the ServiceImport hook reads Lattice, the route hook reads the import's status; both decide here.
 */

/** What a route kind can forward to: HTTP(S) (HTTPRoute), gRPC (GRPCRoute) or TCP (TLSRoute). */
export type ProtocolFamily = 'HTTP' | 'GRPC' | 'TCP';

export function protocolFamily(protocol: string | undefined, protocolVersion: string | undefined): ProtocolFamily {
  if (protocol === 'TCP') return 'TCP';
  return protocolVersion === 'GRPC' ? 'GRPC' : 'HTTP';
}

/** `tg-… (cluster b, vpc-…)`, comma-separated: the one way candidates are named. */
export function describeCandidates(groups: readonly ImportedTargetGroup[]): string {
  return groups
    .map((g) => {
      const where = [g.clusterName ? `cluster ${g.clusterName}` : undefined, g.vpcId].filter((w): w is string => w !== undefined);
      return where.length > 0 ? `${g.id} (${where.join(', ')})` : g.id;
    })
    .join(', ');
}

/** An exported group as the import's search found it. */
export interface ExportCandidate extends ImportedTargetGroup {
  /** Tagged Withdrawn by its exporter: the export is going, or a replacement took over. */
  withdrawn: boolean;
  createdAt: string;
}

function sameExport(g: ExportCandidate): string {
  return `${g.clusterName ?? ''}|${g.vpcId ?? ''}|${g.port ?? ''}|${protocolFamily(g.protocol, g.protocolVersion)}`;
}

/**
 * One candidate per exporting cluster, VPC, port and protocol family. Two groups there are one
 * export in transition (a TargetGroupPolicy replaced the group), never an ambiguity: the group not
 * withdrawn wins, then the newer one. An export whose groups are all withdrawn offers none.
 */
export function selectExportCandidates(found: readonly ExportCandidate[]): ImportedTargetGroup[] {
  const best = new Map<string, ExportCandidate>();
  for (const group of found) {
    if (group.withdrawn) continue;
    const key = sameExport(group);
    const current = best.get(key);
    if (!current || group.createdAt > current.createdAt) best.set(key, group);
  }
  return [...best.values()]
    .map(({ withdrawn: _withdrawn, createdAt: _createdAt, ...group }) => group)
    .sort((a, b) => (a.arn < b.arn ? -1 : 1));
}

/** Ports (and protocol families) that several exports offer: a route must not pick one silently. */
export function ambiguousExports(groups: readonly ImportedTargetGroup[]): { port: number | undefined; groups: ImportedTargetGroup[] }[] {
  const byPort = new Map<string, { port: number | undefined; groups: ImportedTargetGroup[] }>();
  for (const group of groups) {
    const key = `${group.port ?? ''}|${protocolFamily(group.protocol, group.protocolVersion)}`;
    const entry = byPort.get(key) ?? { port: group.port, groups: [] };
    entry.groups.push(group);
    byPort.set(key, entry);
  }
  return [...byPort.values()].filter((e) => e.groups.length > 1);
}

/** What the route hook saw of an imported group in Lattice (GetTargetGroup), or that it is gone. */
export type ObservedImport =
  | { arn: string; id: string; missing: true }
  | { arn: string; id: string; missing: false; status: string; serviceArns: string[] };

/**
 * Imported groups the route cannot forward to, with why: deleted (the import's status can be a
 * minute old), being deleted, or already used by another Lattice service — a target group serves
 * the listeners of one service only.
 */
export function unavailableImports(imports: readonly ObservedImport[], ownServiceArn: string | undefined): Map<string, string> {
  const problems = new Map<string, string>();
  for (const group of imports) {
    if (group.missing) {
      problems.set(group.arn, `target group ${group.id} no longer exists`);
      continue;
    }
    if (group.status === 'DELETE_IN_PROGRESS' || group.status === 'DELETE_FAILED' || group.status === 'CREATE_FAILED') {
      problems.set(group.arn, `target group ${group.id} is ${group.status}`);
      continue;
    }
    const other = group.serviceArns.find((arn) => arn !== ownServiceArn);
    if (other !== undefined) {
      problems.set(
        group.arn,
        `target group ${group.id} is already used by service ${other} (a target group serves one VPC Lattice service)`,
      );
    }
  }
  return problems;
}
