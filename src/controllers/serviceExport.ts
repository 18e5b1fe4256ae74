import type { Service } from '../gatewayapi/coreTypes';
import { SERVICE_NAME_LABEL } from '../gatewayapi/coreTypes';
import { OUR_API_VERSION } from '../gatewayapi/ourKeys';
import { condition, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { copyStatus, metadataPatch, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookRequest, DecoratorHookResponse } from '../metacontroller/types';
import { awsErrorMessage, isUserActionable } from '../lattice/awsErrors';
import { awaitingImporters, planExportVisibility, planWithdrawals } from '../lattice/exportPlan';
import { findExportGroupArns, observeExportGroups } from '../lattice/exportState';
import { RouteApplier, type LatticeOwner } from '../lattice/routeApply';
import { planTargetGroups, type PlanOp } from '../lattice/routePlan';
import type { ObservedTargetGroup } from '../lattice/routeState';
import { ownershipOf, TAG } from '../model/tags';
import { exportedPorts, exportedServiceName, exportTargetGroups, FEDERATION_ANNOTATION, FEDERATION_VALUE, SERVICE_EXPORT_SOURCE, type ServiceExport } from '../model/exports';
import type { TargetGroupModel } from '../model/targetGroups';
import { recordedTargetGroups, targetGroupsPatch } from './targetGroupRecord';
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
/** Importers move away from a withdrawn group within a ServiceImport resync (60 s) and a route sync. */
const IN_USE_RESYNC_SECONDS = 30;
const ERROR_RESYNC_SECONDS = 60;

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

interface Outcome {
  conditions: DesiredCondition[];
  targetGroupArns: string[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

/** One pass over an export's groups; the applier is kept so a failure still records what it created. */
interface Pass {
  applier?: RouteApplier;
}

function answer(serviceExport: ServiceExport, ctx: HookContext, outcome: Outcome): DecoratorHookResponse {
  const current = copyStatus(serviceExport.status);
  const status = {
    ...current,
    conditions: mergeConditions(current.conditions as unknown[] | undefined, outcome.conditions, { generation: generationOf(serviceExport), now: ctx.now().toISOString(), ownedTypes: OWNED }),
  };
  return {
    status: statusIfChanged(serviceExport.status, status),
    annotations: metadataPatch(serviceExport.metadata.annotations, targetGroupsPatch(outcome.targetGroupArns)),
    ...(outcome.resyncAfterSeconds ? { resyncAfterSeconds: outcome.resyncAfterSeconds } : {}),
    ...(outcome.finalized ? { finalized: true } : {}),
  };
}

/** Applies `ops` to the export's groups, keeping the applier on the pass for the failure path. */
async function applyOps(pass: Pass, ctx: HookContext, owner: LatticeOwner, observed: ObservedTargetGroup[], desired: TargetGroupModel[], ownArns: readonly string[], ops: PlanOp[]) {
  pass.applier = new RouteApplier(ctx.aws.api, owner, { service: undefined, listeners: [], targetGroups: observed, associations: [] }, desired, {}, new Set(ownArns));
  return pass.applier.apply(ops);
}

async function reconcile(request: DecoratorHookRequest, ctx: HookContext, pass: Pass): Promise<Outcome> {
  const serviceExport = request.object as ServiceExport;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const namespace = serviceExport.metadata.namespace ?? '';
  const serviceName = exportedServiceName(serviceExport);
  const service = index.get<Service>({ group: '', kind: 'Service', namespace, name: serviceName });
  const { ports, problems } = exportedPorts(serviceExport, service);
  const accepted = problems.length > 0 && ports.length === 0
    ? condition('Accepted', 'False', 'Invalid', problems.join('; '))
    : condition('Accepted', 'True', 'Accepted', problems.length > 0 ? `Not exported: ${problems.join('; ')}` : 'Accepted');
  // Without its Service the export serves nothing: its groups are withdrawn, not left with stale targets.
  const desired = service ? exportTargetGroups(serviceExport, service, ports, index, ctx.aws.identity) : [];
  const owner = ownerOf(serviceExport, ctx);
  const wanted = new Set(desired.map((g) => g.name));
  const recorded = recordedTargetGroups(serviceExport);
  const observed = await observeExportGroups(ctx.aws.api, owner, recorded, wanted);
  const ops: PlanOp[] = [];
  const waits: string[] = [];
  planTargetGroups({ targetGroups: desired }, { targetGroups: observed }, ops, waits);
  planExportVisibility(desired, observed, ops, waits);
  const result = await applyOps(pass, ctx, owner, observed, desired, recorded, ops);
  const allWaits = [...waits, ...result.waits];
  const resyncAfterSeconds = allWaits.length === 0 ? undefined : awaitingImporters(observed, wanted) ? IN_USE_RESYNC_SECONDS : PENDING_RESYNC_SECONDS;
  const targetGroupArns = result.targetGroupArns;
  if (!service) {
    const message = [`Service ${namespace}/${serviceName} not found`, ...allWaits].join('; ');
    return { conditions: [accepted, condition('Programmed', 'False', 'ServiceNotFound', message)], targetGroupArns, ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}) };
  }
  if (allWaits.length > 0) return { conditions: [accepted, condition('Programmed', 'False', 'Pending', allWaits.join('; '))], targetGroupArns, ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}) };
  const names = desired.map((g) => `${g.name} (port ${g.config.port})`).join(', ');
  return { conditions: [accepted, condition('Programmed', 'True', 'Programmed', `Exported as ${names || 'nothing'}`)], targetGroupArns };
}

/**
 * Withdraws every group of the export, also those a failed pass never recorded (found by name):
 * they go once no rule uses them; the condition says which services still do.
 */
async function withdraw(request: DecoratorHookRequest, ctx: HookContext, pass: Pass): Promise<Outcome> {
  const serviceExport = request.object as ServiceExport;
  const owner = ownerOf(serviceExport, ctx);
  const found = await findExportGroupArns(ctx.aws.api, owner.vpcId, serviceExport.metadata.namespace ?? '', serviceExport.metadata.name);
  const arns = [...new Set([...recordedTargetGroups(serviceExport), ...found])];
  const observed = await observeExportGroups(ctx.aws.api, owner, arns, new Set());
  const ops: PlanOp[] = [];
  const waits: string[] = [];
  planWithdrawals(observed, ops, waits);
  const result = await applyOps(pass, ctx, owner, observed, [], observed.map((g) => g.arn), ops);
  const allWaits = [...waits, ...result.waits];
  if (result.targetGroupArns.length === 0 && allWaits.length === 0) return { conditions: [condition('Accepted', 'True', 'Accepted', 'Withdrawn')], targetGroupArns: [], finalized: true };
  return {
    conditions: [condition('Accepted', 'True', 'Accepted', 'Withdrawing'), condition('Programmed', 'False', 'Withdrawing', allWaits.join('; ') || 'target groups are being deleted')],
    targetGroupArns: result.targetGroupArns,
    resyncAfterSeconds: awaitingImporters(observed, new Set()) ? IN_USE_RESYNC_SECONDS : PENDING_RESYNC_SECONDS,
  };
}

/** AWS refusals the user can act on become a condition, recording also the groups this pass created before. */
async function reporting(serviceExport: ServiceExport, work: (pass: Pass) => Promise<Outcome>): Promise<Outcome> {
  const pass: Pass = {};
  try {
    return await work(pass);
  } catch (error) {
    if (!isUserActionable(error)) throw error;
    const targetGroupArns = pass.applier?.targetGroupArns() ?? recordedTargetGroups(serviceExport);
    return { conditions: [condition('Accepted', 'True', 'Accepted'), condition('Programmed', 'False', 'Error', awsErrorMessage(error))], targetGroupArns, resyncAfterSeconds: ERROR_RESYNC_SECONDS };
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
      return answer(serviceExport, ctx, await reporting(serviceExport, (pass) => reconcile(request, ctx, pass)));
    },
    async finalize(request, ctx) {
      const serviceExport = request.object as ServiceExport;
      return answer(serviceExport, ctx, await reporting(serviceExport, (pass) => withdraw(request, ctx, pass)));
    },
  };
  return { wiring: serviceExportWiring, handlers };
}
