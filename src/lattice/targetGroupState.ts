import type { TargetGroupConfig } from '@aws-sdk/client-vpc-lattice';
import type { LatticeApi } from './api';
import { idFromArn } from './arn';
import { orUndefinedIfNotFound } from './awsErrors';

/** What Lattice holds of the target groups one object (a route, an export) knows of. */

export interface ObservedTarget {
  id: string;
  /** None for a Lambda function. */
  port?: number;
  status: string;
}

export interface ObservedTargetGroup {
  arn: string;
  id: string;
  name: string;
  status: string;
  type?: string;
  config: TargetGroupConfig | undefined;
  /** Lattice services whose rules use the group (in any account or cluster). */
  serviceArns: string[];
  /** Read for target groups that are wanted and ACTIVE. */
  targets: ObservedTarget[] | undefined;
  /** Read only where a decision needs them (an export's groups). */
  tags?: Record<string, string>;
  /** LAMBDA groups that are wanted and ACTIVE: whether our invoke statement is on the function (see lambdaPermissions). */
  invokePermitted?: boolean;
}

/**
 * Target groups by ARN or id (recorded on the object, or named by its rules), each read once; a
 * group that no longer exists is left out. The targets of `withTargets` (wanted, ACTIVE) are read too.
 */
export async function observeTargetGroups(
  api: LatticeApi,
  identifiers: Iterable<string>,
  withTargets: (name: string) => boolean,
): Promise<ObservedTargetGroup[]> {
  const seen = new Set<string>();
  const groups: ObservedTargetGroup[] = [];
  for (const identifier of identifiers) {
    const id = idFromArn(identifier);
    if (seen.has(id)) continue;
    seen.add(id);
    const group = await orUndefinedIfNotFound(api.getTargetGroup(identifier));
    if (!group?.arn || !group.id || !group.name) continue;
    const status = group.status ?? 'ACTIVE';
    const targets =
      status === 'ACTIVE' && withTargets(group.name)
        ? (await api.listTargets(group.arn)).map((t) => ({
            id: t.id ?? '',
            ...(t.port !== undefined ? { port: t.port } : {}),
            status: t.status ?? 'UNAVAILABLE',
          }))
        : undefined;
    groups.push({
      arn: group.arn,
      id: group.id,
      name: group.name,
      status,
      ...(group.type ? { type: group.type } : {}),
      config: group.config,
      serviceArns: group.serviceArns ?? [],
      targets,
    });
  }
  return groups;
}
