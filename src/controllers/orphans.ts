import { GATEWAY_API_VERSION, GATEWAY_GROUP, type GatewayClass } from '../gatewayapi/types';
import { isOurGatewayClass } from '../gatewayapi/parentRefs';
import { KEY_PREFIX, OUR_API_GROUP, OUR_API_VERSION, SERVICE_ARN_ANNOTATION } from '../gatewayapi/ourKeys';
import { ObjectIndex } from '../metacontroller/objectIndex';
import type { DecoratorHookResponse, KubeObject } from '../metacontroller/types';
import { ownerKey } from '../model/orphans';
import { ExpiringSet } from '../lattice/expiringSet';
import { sweepOrphans, type OrphanRemoval } from '../lattice/orphanSweep';
import { recordedTargetGroups } from './targetGroupRecord';
import type { DecoratorHandlers, DecoratorWiring, HookContext, HookController } from './types';

/** Set on the GatewayClass to a new value (a timestamp, say) to ask for a sweep now. */
export const ORPHAN_SWEEP_REQUEST_ANNOTATION = `${KEY_PREFIX}orphan-sweep-now`;

/** A pass that left work (its deadline came, removals are under way) is continued this soon. */
export const CONTINUE_SECONDS = 10;
/** A sweep put off while the call budget is busy looks at the budget again this soon (a sync with no AWS call). */
const DEFERRED_RECHECK_SECONDS = 30;
/**
 * Metacontroller's periodic resync of the class: when the next sweep is due is checked this
 * often (and on every change of a route or export). A due sweep starts at most this late.
 */
export const CHECK_PERIOD_SECONDS = 300;
/** How long a resource found not ours is not asked about again. */
const NOT_OURS_TTL_MS = 24 * 3600 * 1000;
const NOT_OURS_MAX = 100_000;

const ROUTE_RESOURCES = [
  { resource: 'httproutes', kind: 'HTTPRoute' },
  { resource: 'grpcroutes', kind: 'GRPCRoute' },
  { resource: 'tlsroutes', kind: 'TLSRoute' },
] as const;

export const orphansWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'orphans',
  description:
    'Removes Lattice resources of this cluster whose route or export no longer exists: a sweep every ORPHAN_SWEEP_SECONDS (checked at each resync), run by one GatewayClass of ours, whose related objects are every route and export.',
  resources: [{ apiVersion: GATEWAY_API_VERSION, resource: 'gatewayclasses', ignoreStatusChanges: true }],
  hooks: { customize: true, finalize: false },
  resyncPeriodSeconds: CHECK_PERIOD_SECONDS,
};

/**
 * One sweep per cluster, not one per class: the class of ours that sorts first by name (and is
 * not being deleted) sweeps; the others do nothing.
 */
function isSweeper(gatewayClass: GatewayClass, index: ObjectIndex, controllerName: string): boolean {
  const ours = index
    .list<GatewayClass>(GATEWAY_GROUP, 'GatewayClass')
    .filter((c) => isOurGatewayClass(c, controllerName) && !c.metadata.deletionTimestamp)
    .map((c) => c.metadata.name)
    .sort();
  return ours[0] === gatewayClass.metadata.name;
}

/**
 * When this process last completed a sweep, and the sweep request it honoured. Kept in memory,
 * not on the GatewayClass: every Gateway and route relates the GatewayClasses, so a write there
 * would re-sync the whole fleet after each sweep. A process that starts sweeps at its first
 * check; with several replicas, each sweeps at most once per period.
 */
export class SweepSchedule {
  #lastAt: number | undefined;
  #honoured: string | undefined;
  #continuing = false;

  due(now: number, periodSeconds: number, requested: string | undefined): boolean {
    if (this.#lastAt === undefined) return true;
    if (requested !== undefined && requested !== this.#honoured) return true;
    return now - this.#lastAt >= periodSeconds * 1000;
  }

  /**
   * Whether a due sweep may wait for the AWS call budget to be free: one due by its period (not
   * asked for, not the first of the process, not one under way), less than a period late. A sweep
   * is housekeeping, as a drift check is: it yields to the changes a busy budget is spent on, and
   * runs a period late at the latest. The first sweep of a process never waits: a process
   * restarted more often than the period would otherwise never sweep.
   */
  mayWait(now: number, periodSeconds: number, requested: string | undefined): boolean {
    if (this.#lastAt === undefined || this.#continuing) return false;
    if (requested !== undefined && requested !== this.#honoured) return false;
    return now < this.#lastAt + 2 * periodSeconds * 1000;
  }

  /** A pass of the sweep ended with work left: the next passes finish it without waiting. */
  continuing(): void {
    this.#continuing = true;
  }

  completed(now: number, requested: string | undefined): void {
    this.#continuing = false;
    this.#lastAt = now;
    this.#honoured = requested;
  }
}

/** Every route and export that exists, and the ARNs they record. */
function liveOwnersOf(index: ObjectIndex): { liveOwners: Set<string>; recorded: Set<string> } {
  const liveOwners = new Set<string>();
  const recorded = new Set<string>();
  const record = (object: KubeObject) => {
    const serviceArn = object.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
    if (serviceArn) recorded.add(serviceArn);
    for (const arn of recordedTargetGroups(object)) recorded.add(arn);
  };
  for (const { kind } of ROUTE_RESOURCES) {
    for (const route of index.list(GATEWAY_GROUP, kind)) {
      liveOwners.add(ownerKey({ kind: 'Route', namespace: route.metadata.namespace ?? '', name: route.metadata.name }));
      record(route);
    }
  }
  for (const serviceExport of index.list(OUR_API_GROUP, 'ServiceExport')) {
    liveOwners.add(
      ownerKey({ kind: 'ServiceExport', namespace: serviceExport.metadata.namespace ?? '', name: serviceExport.metadata.name }),
    );
    record(serviceExport);
  }
  return { liveOwners, recorded };
}

function logRemoval(ctx: HookContext, removal: OrphanRemoval): void {
  const { owner } = removal;
  ctx.metrics?.orphanRemoved(removal.resourceType);
  ctx.log.info(
    {
      event: 'orphan-removed',
      resourceType: removal.resourceType,
      arn: removal.arn,
      owner: { kind: owner.kind, namespace: owner.namespace, name: owner.name },
    },
    `removed ${removal.resourceType} ${removal.arn}: its owner ${owner.kind} ${owner.namespace}/${owner.name} no longer exists`,
  );
}

export function createOrphanController(): HookController {
  // Per process: only ever a reason to skip a resource, never to delete one.
  const notOurs = new ExpiringSet(NOT_OURS_TTL_MS, NOT_OURS_MAX);
  const schedule = new SweepSchedule();

  const handlers: DecoratorHandlers = {
    customize(request, ctx) {
      const gatewayClass = request.parent as GatewayClass;
      if (ctx.config.orphanSweepSeconds === 0 || !isOurGatewayClass(gatewayClass, ctx.config.controllerName))
        return { relatedResources: [] };
      return {
        relatedResources: [
          { apiVersion: GATEWAY_API_VERSION, resource: 'gatewayclasses', labelSelector: {} },
          ...ROUTE_RESOURCES.map(({ resource }) => ({ apiVersion: GATEWAY_API_VERSION, resource, labelSelector: {} })),
          { apiVersion: OUR_API_VERSION, resource: 'serviceexports', labelSelector: {} },
        ],
      };
    },

    async sync(request, ctx): Promise<DecoratorHookResponse> {
      const gatewayClass = request.object as GatewayClass;
      const period = ctx.config.orphanSweepSeconds;
      if (period === 0 || !isOurGatewayClass(gatewayClass, ctx.config.controllerName)) return {};
      const index = ObjectIndex.fromDecoratorRequest(request);
      if (!isSweeper(gatewayClass, index, ctx.config.controllerName)) return {};

      // Every route change and the periodic resync come here: between sweeps that costs no AWS
      // call. No resyncAfterSeconds either: the periodic resync (CHECK_PERIOD_SECONDS) is the clock.
      const now = ctx.now();
      const requested = gatewayClass.metadata.annotations?.[ORPHAN_SWEEP_REQUEST_ANNOTATION];
      if (!schedule.due(now.getTime(), period, requested)) return {};
      if (ctx.budgetBusy?.() && schedule.mayWait(now.getTime(), period, requested)) {
        ctx.metrics?.orphanSweep('deferred');
        return { resyncAfterSeconds: DEFERRED_RECHECK_SECONDS };
      }

      const { liveOwners, recorded } = liveOwnersOf(index);
      const margin = Math.min(2000, ctx.config.hookDeadlineMs / 4);
      const { identity, api, lambda } = ctx.aws;
      const result = await sweepOrphans(api, {
        managedBy: identity.managedBy,
        liveOwners,
        recorded,
        now,
        graceSeconds: ctx.config.orphanGraceSeconds,
        stopAt: ctx.deadline - margin,
        notOurs,
        lambda,
        onRemoval: (removal) => logRemoval(ctx, removal),
      });
      const done = result.complete && result.pending === 0;
      ctx.metrics?.orphanSweep(done ? 'complete' : 'continued');
      for (const arn of result.inUse)
        ctx.log.warn(
          { event: 'orphan-in-use', arn },
          `target group ${arn} has no owner but a service that is not an orphan still uses it: kept`,
        );
      ctx.log.info(
        { event: 'orphan-sweep', ...result, inUse: result.inUse.length, owners: liveOwners.size, awsCalls: api.session.calls.length },
        done ? 'orphan sweep complete' : 'orphan sweep continues',
      );
      if (!done) {
        schedule.continuing();
        return { resyncAfterSeconds: CONTINUE_SECONDS };
      }
      schedule.completed(now.getTime(), requested);
      return {};
    },
  };
  return { wiring: orphansWiring, handlers };
}
