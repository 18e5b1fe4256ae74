import type { ImportedTargetGroup } from '../model/backends';
import { EXPORT_PENDING_TAG, EXPORTED_PORT_TAG, SERVICE_EXPORT_SOURCE, WITHDRAWN_TAG } from '../model/exports';
import { selectExportCandidates, type ExportCandidate } from '../model/importCandidates';
import { exportTargetGroupPrefix } from '../model/names';
import type { LatticeApi } from './api';
import { orUndefinedIfNotFound } from './awsErrors';
import { TAG } from '../model/tags';

export interface ImportFilter {
  namespace: string;
  exportName: string;
  clusterName?: string;
  vpcId?: string;
}

/**
 * The target groups clusters exported for `namespace/exportName`, one per exporting cluster, VPC
 * and port (selectExportCandidates): one List of the account's target groups (narrowed to a VPC
 * when the import names one), then tags only for the ACTIVE groups whose deterministic name prefix
 * matches — never one tag read per group of the account. Groups still filling (pending) are not
 * offered yet; withdrawn ones only lose to their replacement or vanish.
 */
export async function findExportedTargetGroups(api: LatticeApi, filter: ImportFilter): Promise<ImportedTargetGroup[]> {
  const prefix = exportTargetGroupPrefix(filter.namespace, filter.exportName);
  const found: ExportCandidate[] = [];
  for (const summary of await api.listTargetGroups(filter.vpcId)) {
    if (!summary.name?.startsWith(prefix) || !summary.arn || !summary.id || summary.status !== 'ACTIVE') continue;
    const tags = await api.tagsIfPresent(summary.arn);
    if (
      tags === undefined ||
      tags[TAG.sourceTypeKey] !== SERVICE_EXPORT_SOURCE ||
      tags[TAG.serviceName] !== filter.exportName ||
      tags[TAG.serviceNamespace] !== filter.namespace
    )
      continue;
    if (tags[EXPORT_PENDING_TAG] === 'true') continue;
    if (filter.clusterName !== undefined && tags[TAG.clusterName] !== filter.clusterName) continue;
    const port = Number(tags[EXPORTED_PORT_TAG] ?? summary.port);
    found.push({
      arn: summary.arn,
      id: summary.id,
      ...(Number.isInteger(port) ? { port } : {}),
      ...(summary.protocol ? { protocol: summary.protocol } : {}),
      ...(tags[TAG.protocolVersion] ? { protocolVersion: tags[TAG.protocolVersion] } : {}),
      ...(tags[TAG.clusterName] ? { clusterName: tags[TAG.clusterName] } : {}),
      ...(summary.vpcIdentifier ? { vpcId: summary.vpcIdentifier } : {}),
      withdrawn: tags[WITHDRAWN_TAG] === 'true',
      createdAt: summary.createdAt?.toISOString() ?? '',
    });
  }
  return selectExportCandidates(found);
}

/**
 * A target group named by ARN (made outside Kubernetes): used as it is, never changed. It must be
 * in this account: a Lattice service forwards only to its own account's target groups (RAM shares
 * services and service networks, not target groups).
 */
export async function describeTargetGroup(api: LatticeApi, arn: string): Promise<ImportedTargetGroup | undefined> {
  const group = await orUndefinedIfNotFound(api.getTargetGroup(arn));
  if (!group?.arn || !group.id) return undefined;
  return {
    arn: group.arn,
    id: group.id,
    ...(group.config?.port !== undefined ? { port: group.config.port } : {}),
    ...(group.config?.protocol ? { protocol: group.config.protocol } : {}),
    ...(group.config?.protocolVersion ? { protocolVersion: group.config.protocolVersion } : {}),
    ...(group.config?.vpcIdentifier ? { vpcId: group.config.vpcIdentifier } : {}),
  };
}
