import { SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { AnyRoute } from '../../gatewayapi/types';
import { PICTURED_WRITES } from '../../lattice/passPicture';
import { planRoute, type RoutePlan } from '../../lattice/routePlan';
import { refreshPicture, type ObservedAssociation, type ObservedRoute } from '../../lattice/routeState';
import type { ObservedImport } from '../../model/importCandidates';
import type { BuiltRoute, RouteModel } from '../../model/routeModel';
import { SHARED_SERVICE_ANNOTATION } from '../../model/hostnameGroup';
import type { LatticePicture } from '../convergingPasses';
import { driftWindowSeconds } from '../driftCheck';
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

/** A pass from the last pass's picture: `complete` when it may report the route Programmed (see fromPicture). */
export interface PicturedPass {
  observed: ObservedRoute;
  plan: RoutePlan;
  last: LatticePicture;
  complete: boolean;
}

/**
 * The last pass's picture with what was in transition read again, while the route has creates
 * left to make or something to wait for (`pictured`). A pass that would update or delete observes
 * Lattice in full instead (`listed`: with the associations the refresh listed): an update or a
 * delete acts on what Lattice holds now.
 *
 * A pass that finds nothing left reports the route Programmed from the picture and records it
 * verified as of the picture's full observation (`complete`, see completesFromPicture); otherwise
 * it too observes in full.
 */
export async function fromPicture(
  ctx: HookContext,
  route: AnyRoute,
  model: RouteModel,
  last: LatticePicture,
  imports: readonly ObservedImport[],
  inputVersions: string,
): Promise<{ pictured?: PicturedPass; listed?: ListedAssociations }> {
  const refreshed = await refreshPicture(ctx.aws.api, last.observed, ctx.now().getTime() - last.takenAtMs >= CREATED_WITHIN_MS);
  if (!refreshed) return {};
  const observed = { ...refreshed.observed, imports };
  // The plan of the pass itself: a picturable route shares no service.
  const plan = planRoute(model, observed, new Set(recordedTargetGroups(route)));
  const nothingLeft = plan.ops.length + plan.waits.length + plan.refusals.length === 0;
  const complete = nothingLeft && completesFromPicture(ctx, route, model, last, observed, inputVersions);
  if ((nothingLeft && !complete) || !plan.ops.every((op) => PICTURED_WRITES.has(op.kind))) {
    const service = observed.service;
    return refreshed.listedAssociations && service ? { listed: { serviceId: service.id, associations: observed.associations } } : {};
  }
  ctx.metrics?.syncFromRecord(route.kind, 'picture');
  return { pictured: { observed, plan, last, complete } };
}

/**
 * Whether a picture that finds nothing left stands for a full observation. Everything in it is what
 * Lattice answered: the full observation that started it, the creates of the passes since and
 * their reads of what was in transition. Three things could make it wrong, each ruled out:
 * - A pass of another process that wrote since, from inputs that changed and changed back (a
 *   target gone and back: the same fingerprint, a deregistered target). Its mark would have taken
 *   the route over (see lastPicture); and the versions of the inputs have not moved since the full
 *   observation, which also covers such a pass whose answer was lost, when the input changed in place.
 * - A change made out of band since the full observation: the route is recorded verified as of
 *   that observation, so its next full check comes within its drift window of it, as for any
 *   verified route; a picture older than the window is observed in full now.
 * - Something the picture took as created (see refreshPicture) that is not: the service is proved
 *   ACTIVE by its ACTIVE associations (Lattice associates only an ACTIVE service), a target group by
 *   the targets registered to it (Lattice registers only to an ACTIVE group): a group without
 *   targets is observed in full, as are Lambda groups (their invoke statement is not pictured).
 */
function completesFromPicture(
  ctx: HookContext,
  route: AnyRoute,
  model: RouteModel,
  last: LatticePicture,
  observed: ObservedRoute,
  inputVersions: string,
): boolean {
  const drift = ctx.config.driftCheckSeconds;
  if (drift <= 0 || last.inputVersions !== inputVersions) return false;
  if (ctx.now().getTime() >= last.observedInFullAtMs + driftWindowSeconds(route, drift) * 1000) return false;
  const { associations, targetGroups } = observed;
  return (
    associations.length > 0 &&
    associations.every((a) => a.status === 'ACTIVE') &&
    targetGroups.every((g) => (g.targets?.length ?? 0) > 0) &&
    model.targetGroups.every((g) => g.type !== 'LAMBDA')
  );
}
