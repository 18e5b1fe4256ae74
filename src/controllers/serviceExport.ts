import type { Service } from '../gatewayapi/coreTypes';
import { SERVICE_NAME_LABEL } from '../gatewayapi/coreTypes';
import { OUR_API_VERSION } from '../gatewayapi/ourKeys';
import { condition, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { copyStatus, metadataPatch, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookRequest, DecoratorHookResponse, KubeObject } from '../metacontroller/types';
import { awsErrorMessage, isUserActionable } from '../lattice/awsErrors';
import { awaitingImporters, planExportVisibility, planWithdrawals } from '../lattice/exportPlan';
import { findExportGroupArns, observeExportGroups } from '../lattice/exportState';
import type { LatticeOwner } from '../lattice/ownership';
import { TargetGroupApplier, type TargetGroupApplyResult } from '../lattice/targetGroupApply';
import { planTargetGroups, type TargetGroupOp } from '../lattice/targetGroupPlan';
import type { ObservedTargetGroup } from '../lattice/targetGroupState';
import { ownershipOf, TAG } from '../model/tags';
import {
  exportedPorts,
  exportedServiceName,
  exportTargetGroups,
  FEDERATION_ANNOTATION,
  FEDERATION_VALUE,
  SERVICE_EXPORT_SOURCE,
  type ServiceExport,
} from '../model/exports';
import type { TargetGroupModel } from '../model/targetGroups';
import { driftView, fingerprintOf, forgetVerification, recordDecision, withVerification } from './driftCheck';
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

function answer(serviceExport: ServiceExport, ctx: HookContext, outcome: Outcome): DecoratorHookResponse {
  const current = copyStatus(serviceExport.status);
  const status = {
    ...current,
    conditions: mergeConditions(current.conditions as unknown[] | undefined, outcome.conditions, {
      generation: generationOf(serviceExport),
      now: ctx.now().toISOString(),
      ownedTypes: OWNED,
    }),
  };
  return {
    status: statusIfChanged(serviceExport.status, status),
    annotations: metadataPatch(serviceExport.metadata.annotations, targetGroupsPatch(outcome.targetGroupArns)),
    ...(outcome.resyncAfterSeconds ? { resyncAfterSeconds: outcome.resyncAfterSeconds } : {}),
    ...(outcome.finalized ? { finalized: true } : {}),
  };
}

function applyOps(
  ctx: HookContext,
  owner: LatticeOwner,
  observed: ObservedTargetGroup[],
  desired: TargetGroupModel[],
  ownArns: readonly string[],
  ops: TargetGroupOp[],
): Promise<TargetGroupApplyResult> {
  return new TargetGroupApplier(ctx.aws.api, owner, observed, desired, new Set(ownArns)).apply(ops);
}

/** AWS refusals the user can act on become a condition, recording the groups the failed pass created; anything else fails the hook. */
function failed(error: unknown, targetGroupArns: string[]): Outcome {
  if (!isUserActionable(error)) throw error;
  return {
    conditions: [condition('Accepted', 'True', 'Accepted'), condition('Programmed', 'False', 'Error', awsErrorMessage(error))],
    targetGroupArns,
    resyncAfterSeconds: ERROR_RESYNC_SECONDS,
  };
}

/** What the export asks of Lattice, from Kubernetes alone. */
function exportInputs(serviceExport: ServiceExport, index: ObjectIndex, ctx: HookContext) {
  const namespace = serviceExport.metadata.namespace ?? '';
  const serviceName = exportedServiceName(serviceExport);
  const service = index.get<Service>({ group: '', kind: 'Service', namespace, name: serviceName });
  const { ports, problems } = exportedPorts(serviceExport, service);
  const accepted =
    problems.length > 0 && ports.length === 0
      ? condition('Accepted', 'False', 'Invalid', problems.join('; '))
      : condition('Accepted', 'True', 'Accepted', problems.length > 0 ? `Not exported: ${problems.join('; ')}` : 'Accepted');
  // Without its Service the export serves nothing: its groups are withdrawn, not left with stale targets.
  const desired = service ? exportTargetGroups(serviceExport, service, ports, index, ctx.aws.identity) : [];
  return { namespace, serviceName, service, accepted, desired };
}

/** The export's Lattice work depends on the export (with its record) and the groups it asks for. */
function exportFingerprint(serviceExport: ServiceExport, index: ObjectIndex, ctx: HookContext): string {
  const { service, accepted, desired } = exportInputs(serviceExport, index, ctx);
  return fingerprintOf({ export: driftView(serviceExport), service: service !== undefined, accepted, desired });
}

async function reconcile(request: DecoratorHookRequest, ctx: HookContext): Promise<Outcome> {
  const serviceExport = request.object as ServiceExport;
  const index = ObjectIndex.fromDecoratorRequest(request);
  const { namespace, serviceName, service, accepted, desired } = exportInputs(serviceExport, index, ctx);
  const owner = ownerOf(serviceExport, ctx);
  const wanted = new Set(desired.map((g) => g.name));
  const recorded = recordedTargetGroups(serviceExport);
  const observed = await observeExportGroups(ctx.aws.api, owner, recorded, wanted);
  const ops: TargetGroupOp[] = [];
  const waits: string[] = [];
  planTargetGroups(desired, observed, ops, waits);
  planExportVisibility(desired, observed, ops, waits);
  const result = await applyOps(ctx, owner, observed, desired, recorded, ops);
  if (result.error !== undefined) return failed(result.error, result.targetGroupArns);
  const allWaits = [...waits, ...result.waits];
  const resyncAfterSeconds =
    allWaits.length === 0 ? undefined : awaitingImporters(observed, wanted) ? IN_USE_RESYNC_SECONDS : PENDING_RESYNC_SECONDS;
  const targetGroupArns = result.targetGroupArns;
  if (!service) {
    const message = [`Service ${namespace}/${serviceName} not found`, ...allWaits].join('; ');
    return {
      conditions: [accepted, condition('Programmed', 'False', 'ServiceNotFound', message)],
      targetGroupArns,
      ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}),
    };
  }
  if (allWaits.length > 0)
    return {
      conditions: [accepted, condition('Programmed', 'False', 'Pending', allWaits.join('; '))],
      targetGroupArns,
      ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}),
    };
  const names = desired.map((g) => `${g.name} (port ${g.config.port})`).join(', ');
  return { conditions: [accepted, condition('Programmed', 'True', 'Programmed', `Exported as ${names || 'nothing'}`)], targetGroupArns };
}

/**
 * Withdraws every group of the export, also those a failed pass never recorded (found by name):
 * they go once no rule uses them; the condition says which services still do.
 */
async function withdraw(request: DecoratorHookRequest, ctx: HookContext): Promise<Outcome> {
  const serviceExport = request.object as ServiceExport;
  const owner = ownerOf(serviceExport, ctx);
  const found = await findExportGroupArns(ctx.aws.api, owner.vpcId, serviceExport.metadata.namespace ?? '', serviceExport.metadata.name);
  const arns = [...new Set([...recordedTargetGroups(serviceExport), ...found])];
  const observed = await observeExportGroups(ctx.aws.api, owner, arns, new Set());
  const ops: TargetGroupOp[] = [];
  const waits: string[] = [];
  planWithdrawals(observed, ops, waits);
  const result = await applyOps(
    ctx,
    owner,
    observed,
    [],
    observed.map((g) => g.arn),
    ops,
  );
  if (result.error !== undefined) return failed(result.error, result.targetGroupArns);
  const allWaits = [...waits, ...result.waits];
  if (result.targetGroupArns.length === 0 && allWaits.length === 0)
    return { conditions: [condition('Accepted', 'True', 'Accepted', 'Withdrawn')], targetGroupArns: [], finalized: true };
  return {
    conditions: [
      condition('Accepted', 'True', 'Accepted', 'Withdrawing'),
      condition('Programmed', 'False', 'Withdrawing', allWaits.join('; ') || 'target groups are being deleted'),
    ],
    targetGroupArns: result.targetGroupArns,
    resyncAfterSeconds: awaitingImporters(observed, new Set()) ? IN_USE_RESYNC_SECONDS : PENDING_RESYNC_SECONDS,
  };
}

/** A refusal before anything was applied (reading Lattice) keeps what the export recorded. */
async function reporting(serviceExport: ServiceExport, work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (error) {
    return failed(error, recordedTargetGroups(serviceExport));
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
          {
            apiVersion: 'discovery.k8s.io/v1',
            resource: 'endpointslices',
            namespace,
            labelSelector: { matchLabels: { [SERVICE_NAME_LABEL]: serviceName } },
          },
          { apiVersion: OUR_API_VERSION, resource: 'targetgrouppolicies', namespace, labelSelector: {} },
        ],
      };
    },
    async sync(request, ctx) {
      const serviceExport = request.object as ServiceExport;
      const index = ObjectIndex.fromDecoratorRequest(request);
      const fingerprint = (next: KubeObject) => exportFingerprint(next as ServiceExport, index, ctx);
      const decision = recordDecision(ctx, serviceExport, fingerprint(serviceExport));
      if (decision.skip) return { status: null, annotations: {}, resyncAfterSeconds: decision.resyncAfterSeconds };
      const outcome = await reporting(serviceExport, () => reconcile(request, ctx));
      // Settled: nothing left to wait for (a missing Service shows in the fingerprint when it comes).
      return withVerification(
        ctx,
        serviceExport,
        answer(serviceExport, ctx, outcome),
        fingerprint,
        outcome.resyncAfterSeconds === undefined,
        { recordConverging: true },
      );
    },
    async finalize(request, ctx) {
      const serviceExport = request.object as ServiceExport;
      const answered = answer(serviceExport, ctx, await reporting(serviceExport, () => withdraw(request, ctx)));
      return { ...answered, annotations: { ...answered.annotations, ...forgetVerification(serviceExport) } };
    },
  };
  return { wiring: serviceExportWiring, handlers };
}
