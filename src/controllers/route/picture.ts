import { SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { AnyRoute } from '../../gatewayapi/types';
import { PICTURED_WRITES } from '../../lattice/passPicture';
import { planRoute, type RoutePlan } from '../../lattice/routePlan';
import { refreshPicture, type ObservedAssociation, type ObservedRoute } from '../../lattice/routeState';
import type { ObservedImport } from '../../model/importCandidates';
import type { BuiltRoute, RouteModel } from '../../model/routeModel';
import { SHARED_SERVICE_ANNOTATION } from '../../model/hostnameGroup';
import type { LatticePicture } from '../convergingPasses';
import { recordedTargetGroups } from '../targetGroupRecord';
import type { HookContext } from '../types';

/** A route's pass that starts from the last pass's picture of Lattice (see passPicture). */

/**
 * How long Lattice takes, at most, to create a service or target group, as far as the picture
 * assumes: past it, what the picture holds as being created is taken as created (see refreshPicture).
 */
const CREATED_WITHIN_MS = 60_000;

/** Associations of a service listed earlier in this pass (by the refresh of a picture): as fresh as any read of the observation. */
export interface ListedAssociations {
  serviceId: string;
  associations: ObservedAssociation[];
}

/**
 * Whether the last pass's picture may stand for Lattice: the route serves no shared hostname
 * (another route's passes change a shared service) and records the service the picture holds.
 */
export function picturable(route: AnyRoute, built: BuiltRoute, picture: ObservedRoute): boolean {
  const annotations = route.metadata.annotations ?? {};
  return (
    built.group === undefined &&
    annotations[SHARED_SERVICE_ANNOTATION] === undefined &&
    picture.service !== undefined &&
    annotations[SERVICE_ARN_ANNOTATION] === picture.service.arn
  );
}

/**
 * The last pass's picture with what was in transition read again, while the route has creates
 * left to make or something to wait for (`pictured`). A pass that would find nothing left, or
 * would update or delete, observes Lattice in full instead (`listed`: with the associations the
 * refresh listed): an update or a delete acts on what Lattice holds now, and only a full
 * observation may report the route Programmed and record it verified (a pass on another replica,
 * or one that failed, may have changed Lattice since the picture was taken).
 */
export async function fromPicture(
  ctx: HookContext,
  route: AnyRoute,
  model: RouteModel,
  last: LatticePicture,
  imports: readonly ObservedImport[],
): Promise<{ pictured?: { observed: ObservedRoute; plan: RoutePlan; last: LatticePicture }; listed?: ListedAssociations }> {
  const refreshed = await refreshPicture(ctx.aws.api, last.observed, ctx.now().getTime() - last.takenAtMs >= CREATED_WITHIN_MS);
  if (!refreshed) return {};
  const observed = { ...refreshed.observed, imports };
  // The plan of the pass itself: a picturable route shares no service.
  const plan = planRoute(model, observed, new Set(recordedTargetGroups(route)));
  const nothingLeft = plan.ops.length + plan.waits.length + plan.refusals.length === 0;
  if (nothingLeft || !plan.ops.every((op) => PICTURED_WRITES.has(op.kind))) {
    const service = observed.service;
    return refreshed.listedAssociations && service ? { listed: { serviceId: service.id, associations: observed.associations } } : {};
  }
  ctx.metrics?.syncFromRecord(route.kind, 'picture');
  return { pictured: { observed, plan, last } };
}
