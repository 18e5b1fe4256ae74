import type { Service } from '../gatewayapi/coreTypes';
import { SERVICE_NAME_LABEL } from '../gatewayapi/coreTypes';
import { OUR_API_VERSION } from '../gatewayapi/ourKeys';
import { condition, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { copyStatus, metadataPatch, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookRequest, DecoratorHookResponse } from '../metacontroller/types';
import { awsErrorMessage, isUserActionable, orUndefinedIfNotFound } from '../lattice/awsErrors';
import { RouteApplier, retireTargetGroup, type LatticeOwner } from '../lattice/routeApply';
import { planRetirements, planTargetGroups, type PlanOp } from '../lattice/routePlan';
import { observeTargetGroups } from '../lattice/routeState';
import { ownershipOf, TAG } from '../lattice/tags';
import { exportedPorts, exportedServiceName, exportTargetGroups, FEDERATION_ANNOTATION, FEDERATION_VALUE, SERVICE_EXPORT_SOURCE, WITHDRAWN_TAG, type ServiceExport } from '../model/exports';
import { TARGET_GROUPS_ANNOTATION } from './route';
import type { DecoratorHandlers, DecoratorWiring, HookContext, HookController } from './types';

export const serviceExportWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'serviceexport',
  description: 'Exports Services to VPC Lattice as target groups that routes in other clusters import.',
  resources: [
    {
      apiVersion: OUR_API_VERSION,
      resource: 'serviceexports',
      // Only federated exports are ours: they alone get a finalizer.
      annotationSelector: { matchAnnotations: { [FEDERATION_ANNOTATION]: FEDERATION_VALUE } },
      ignoreStatusChanges: true,
    },
  ],
  hooks: { customize: true, finalize: true },
};

const OWNED = ['Accepted', 'Programmed'] as const;
const PENDING_RESYNC_SECONDS = 5;
const IN_USE_RESYNC_SECONDS = 30;

function ownerOf(serviceExport: ServiceExport, ctx: HookContext): LatticeOwner {
  const { identity } = ctx.aws;
  const namespace = serviceExport.metadata.namespace ?? '';
  return {
    managedBy: identity.managedBy,
    vpcId: identity.vpcId,
    tokenOwner: `${identity.managedBy}/ServiceExport/${serviceExport.metadata.uid ?? `${namespace}/${serviceExport.metadata.name}`}`,
    ownsTargetGroup: (tags) =>
      ownershipOf(tags, identity.managedBy) === 'ours' &&
      tags[TAG.sourceTypeKey] === SERVICE_EXPORT_SOURCE &&
      tags[TAG.serviceName] === serviceExport.metadata.name &&
      tags[TAG.serviceNamespace] === namespace,
  };
}

function recorded(serviceExport: ServiceExport): string[] {
  return (serviceExport.metadata.annotations?.[TARGET_GROUPS_ANNOTATION] ?? '').split(',').filter((a) => a.startsWith('arn:'));
}

interface Outcome {
  conditions: DesiredCondition[];
  targetGroupArns: string[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

function answer(serviceExport: ServiceExport, ctx: HookContext, outcome: Outcome): DecoratorHookResponse {
  const current = copyStatus(serviceExport.status);
  const status = {
    ...current,
    conditions: mergeConditions(current.conditions as unknown[] | undefined, outcome.conditions, { generation: generationOf(serviceExport), now: ctx.now().toISOString(), ownedTypes: OWNED }),
  };
  return {
    status: statusIfChanged(serviceExport.status, status),
    annotations: metadataPatch(serviceExport.metadata.annotations, { [TARGET_GROUPS_ANNOTATION]: outcome.targetGroupArns.length > 0 ? outcome.targetGroupArns.join(',') : null }),
    ...(outcome.resyncAfterSeconds ? { resyncAfterSeconds: outcome.resyncAfterSeconds } : {}),
    ...(outcome.finalized ? { finalized: true } : {}),
  };
}

async function reconcile(request: DecoratorHookRequest, ctx: HookContext): Promise<Outcome> {
  const serviceExport = request.object as ServiceExport;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const namespace = serviceExport.metadata.namespace ?? '';
  const serviceName = exportedServiceName(serviceExport);
  const service = index.get<Service>({ group: '', kind: 'Service', namespace, name: serviceName });
  const { ports, problems } = exportedPorts(serviceExport, service);
  const accepted = problems.length > 0 && ports.length === 0
    ? condition('Accepted', 'False', 'Invalid', problems.join('; '))
    : condition('Accepted', 'True', 'Accepted', problems.length > 0 ? `Not exported: ${problems.join('; ')}` : 'Accepted');
  if (!service) {
    return { conditions: [accepted, condition('Programmed', 'False', 'ServiceNotFound', `Service ${namespace}/${serviceName} not found`)], targetGroupArns: recorded(serviceExport) };
  }
  const desired = exportTargetGroups(serviceExport, service, ports, index, ctx.aws.identity);
  const wanted = new Set(desired.map((g) => g.name));
  const observed = await observeTargetGroups(ctx.aws.api, recorded(serviceExport), (name) => wanted.has(name));
  const ops: PlanOp[] = [];
  const waits: string[] = [];
  planTargetGroups({ targetGroups: desired }, { targetGroups: observed }, ops, waits);
  // A group another cluster's service still forwards to is not retired yet.
  const inUse = observed.filter((g) => !wanted.has(g.name) && g.serviceArns.length > 0);
  for (const group of inUse) waits.push(`target group ${group.name} is no longer exported but still used by ${group.serviceArns.join(', ')}`);
  planRetirements({ targetGroups: desired }, { targetGroups: observed }, new Set(recorded(serviceExport)), new Set(inUse.map((g) => g.id)), ops);
  const applier = new RouteApplier(ctx.aws.api, ownerOf(serviceExport, ctx), { service: undefined, listeners: [], targetGroups: observed, associations: [] }, desired, {}, new Set(recorded(serviceExport)));
  const result = await applier.apply(ops, desired);
  const targetGroupArns = result.targetGroupArns;
  const allWaits = [...waits, ...result.waits];
  if (allWaits.length > 0) {
    return { conditions: [accepted, condition('Programmed', 'False', 'Pending', allWaits.join('; '))], targetGroupArns, resyncAfterSeconds: inUse.length > 0 ? IN_USE_RESYNC_SECONDS : PENDING_RESYNC_SECONDS };
  }
  const names = desired.map((g) => `${g.name} (port ${g.config.port})`).join(', ');
  return { conditions: [accepted, condition('Programmed', 'True', 'Programmed', `Exported as ${names || 'nothing'}`)], targetGroupArns };
}

/** Target groups go only once no rule uses them; the condition says which services still do. */
async function withdraw(request: DecoratorHookRequest, ctx: HookContext): Promise<Outcome> {
  const serviceExport = request.object as ServiceExport;
  const owner = ownerOf(serviceExport, ctx);
  const remaining: string[] = [];
  const waits: string[] = [];
  for (const arn of recorded(serviceExport)) {
    const group = await orUndefinedIfNotFound(ctx.aws.api.getTargetGroup(arn));
    if (!group) continue;
    const tags = await ctx.aws.api.listTags(arn);
    if (!owner.ownsTargetGroup(tags)) continue;
    if ((group.serviceArns ?? []).length > 0) {
      // Tell importers it is going; their routes move away, then it can drain and go.
      if (tags[WITHDRAWN_TAG] !== 'true') await ctx.aws.api.tagResource(arn, { [WITHDRAWN_TAG]: 'true' });
      remaining.push(arn);
      waits.push(`target group ${group.name} is still used by ${(group.serviceArns ?? []).join(', ')}; importers were told it is withdrawn`);
      continue;
    }
    const outcome = await retireTargetGroup(ctx.aws.api, arn);
    if (!outcome.gone) {
      remaining.push(arn);
      waits.push(`target group ${group.name}: ${outcome.message}`);
    }
  }
  if (remaining.length === 0) return { conditions: [condition('Accepted', 'True', 'Accepted', 'Withdrawn')], targetGroupArns: [], finalized: true };
  return { conditions: [condition('Accepted', 'True', 'Accepted', 'Withdrawing'), condition('Programmed', 'False', 'Withdrawing', waits.join('; '))], targetGroupArns: remaining, resyncAfterSeconds: PENDING_RESYNC_SECONDS };
}

async function reporting(serviceExport: ServiceExport, work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (error) {
    if (!isUserActionable(error)) throw error;
    return { conditions: [condition('Accepted', 'True', 'Accepted'), condition('Programmed', 'False', 'Error', awsErrorMessage(error))], targetGroupArns: recorded(serviceExport), resyncAfterSeconds: 60 };
  }
}

export function createServiceExportController(): HookController {
  const handlers: DecoratorHandlers = {
    customize(request) {
      const serviceExport = request.parent as ServiceExport;
      const namespace = serviceExport.metadata.namespace ?? '';
      const serviceName = exportedServiceName(serviceExport);
      return {
        relatedResources: [
          { apiVersion: 'v1', resource: 'services', namespace, names: [serviceName] },
          { apiVersion: 'discovery.k8s.io/v1', resource: 'endpointslices', namespace, labelSelector: { matchLabels: { [SERVICE_NAME_LABEL]: serviceName } } },
          { apiVersion: OUR_API_VERSION, resource: 'targetgrouppolicies', namespace, labelSelector: {} },
        ],
      };
    },
    async sync(request, ctx) {
      const serviceExport = request.object as ServiceExport;
      return answer(serviceExport, ctx, await reporting(serviceExport, () => reconcile(request, ctx)));
    },
    async finalize(request, ctx) {
      const serviceExport = request.object as ServiceExport;
      return answer(serviceExport, ctx, await reporting(serviceExport, () => withdraw(request, ctx)));
    },
  };
  return { wiring: serviceExportWiring, handlers };
}
