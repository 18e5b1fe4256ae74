import { KEY_PREFIX, OUR_API_VERSION } from '../gatewayapi/ourKeys';
import { condition, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { generationOf } from '../metacontroller/objects';
import { copyStatus, statusIfChanged } from '../metacontroller/response';
import type { KubeObject } from '../metacontroller/types';
import { awsErrorMessage, isAccessDenied, isUserActionable } from '../lattice/awsErrors';
import { describeTargetGroup, findExportedTargetGroups } from '../lattice/importResolution';
import type { ImportedTargetGroup } from '../model/backends';
import { ambiguousExports, describeCandidates } from '../model/importCandidates';
import type { DecoratorHandlers, DecoratorWiring, HookContext, HookController } from './types';

export const EXPORT_NAME_ANNOTATION = `${KEY_PREFIX}export-name`;
export const AWS_VPC_ANNOTATION = `${KEY_PREFIX}aws-vpc`;
export const CLUSTER_ANNOTATION = `${KEY_PREFIX}aws-eks-cluster-name`;
export const TARGET_GROUP_ARN_ANNOTATION = `${KEY_PREFIX}target-group-arn`;

/** Exports appear and go in other clusters, which Kubernetes does not tell us about: look again this often. */
export const IMPORT_RESYNC_SECONDS = 60;

const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:vpc-lattice:[a-z0-9-]+:\d{12}:targetgroup\/tg-[0-9a-z]{17}$/;

export const serviceImportWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'serviceimport',
  description: 'Resolves ServiceImports to exported target groups once, for every route that uses them.',
  resources: [{ apiVersion: OUR_API_VERSION, resource: 'serviceimports', ignoreStatusChanges: true }],
  hooks: { customize: false, finalize: false },
};

interface Resolution {
  targetGroups: ImportedTargetGroup[];
  resolved: DesiredCondition;
}

async function resolve(serviceImport: KubeObject, ctx: HookContext): Promise<Resolution> {
  const annotations = serviceImport.metadata.annotations ?? {};
  const arn = annotations[TARGET_GROUP_ARN_ANNOTATION];
  if (arn !== undefined) {
    const conflicting = [EXPORT_NAME_ANNOTATION, AWS_VPC_ANNOTATION, CLUSTER_ANNOTATION].filter((k) => k in annotations);
    if (conflicting.length > 0)
      return {
        targetGroups: [],
        resolved: condition(
          'Resolved',
          'False',
          'ConflictingServiceImportAnnotations',
          `${TARGET_GROUP_ARN_ANNOTATION} cannot be combined with ${conflicting.join(', ')}`,
        ),
      };
    if (!TARGET_GROUP_ARN.test(arn))
      return {
        targetGroups: [],
        resolved: condition('Resolved', 'False', 'InvalidExternalTargetGroup', `${arn} is not a VPC Lattice target group ARN`),
      };
    try {
      const group = await describeTargetGroup(ctx.aws.api, arn);
      if (!group)
        return {
          targetGroups: [],
          resolved: condition('Resolved', 'False', 'ExternalTargetGroupNotFound', `target group ${arn} not found`),
        };
      return { targetGroups: [group], resolved: condition('Resolved', 'True', 'Resolved', `target group ${group.id}`) };
    } catch (error) {
      if (!isAccessDenied(error)) throw error;
      return { targetGroups: [], resolved: condition('Resolved', 'False', 'ExternalTargetGroupNotFound', awsErrorMessage(error)) };
    }
  }
  const exportName = annotations[EXPORT_NAME_ANNOTATION] || serviceImport.metadata.name;
  const groups = await findExportedTargetGroups(ctx.aws.api, {
    namespace: serviceImport.metadata.namespace ?? '',
    exportName,
    ...(annotations[CLUSTER_ANNOTATION] ? { clusterName: annotations[CLUSTER_ANNOTATION] } : {}),
    ...(annotations[AWS_VPC_ANNOTATION] ? { vpcId: annotations[AWS_VPC_ANNOTATION] } : {}),
  });
  if (groups.length === 0)
    return {
      targetGroups: [],
      resolved: condition('Resolved', 'False', 'NotFound', `no cluster exports ${serviceImport.metadata.namespace}/${exportName} (yet)`),
    };
  const ambiguous = ambiguousExports(groups);
  if (ambiguous.length > 0) {
    const detail = ambiguous.map((a) => `port ${a.port}: ${describeCandidates(a.groups)}`).join('; ');
    return {
      targetGroups: groups,
      resolved: condition(
        'Resolved',
        'False',
        'Ambiguous',
        `several exports match (${detail}); narrow with ${CLUSTER_ANNOTATION} or ${AWS_VPC_ANNOTATION}`,
      ),
    };
  }
  return {
    targetGroups: groups,
    resolved: condition('Resolved', 'True', 'Resolved', `exported target groups ${describeCandidates(groups)}`),
  };
}

/**
 * A refusal the user can act on (permissions, validation) is reported; the groups resolved before
 * are kept, so routes keep forwarding to them. Transient errors fail the hook (retried, nothing written).
 */
async function resolveReporting(serviceImport: KubeObject, ctx: HookContext): Promise<Resolution> {
  try {
    return await resolve(serviceImport, ctx);
  } catch (error) {
    if (!isUserActionable(error)) throw error;
    const previous = (serviceImport.status as { targetGroups?: ImportedTargetGroup[] } | undefined)?.targetGroups ?? [];
    return {
      targetGroups: previous,
      resolved: condition(
        'Resolved',
        'False',
        'Error',
        `${awsErrorMessage(error)}${previous.length > 0 ? '; keeping the target groups resolved before' : ''}`,
      ),
    };
  }
}

export function createServiceImportController(): HookController {
  const handlers: DecoratorHandlers = {
    async sync(request, ctx) {
      const serviceImport = request.object;
      const { targetGroups, resolved } = await resolveReporting(serviceImport, ctx);
      const current = copyStatus(serviceImport.status);
      const clusters = [...new Set(targetGroups.map((g) => g.clusterName).filter((c): c is string => !!c))]
        .sort()
        .map((cluster) => ({ cluster }));
      const status = {
        ...current,
        conditions: mergeConditions(current.conditions as unknown[] | undefined, [resolved], {
          generation: generationOf(serviceImport),
          now: ctx.now().toISOString(),
          ownedTypes: ['Resolved'],
        }),
        clusters,
        targetGroups,
      };
      return { status: statusIfChanged(serviceImport.status, status), resyncAfterSeconds: IMPORT_RESYNC_SECONDS };
    },
  };
  return { wiring: serviceImportWiring, handlers };
}
