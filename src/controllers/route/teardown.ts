import { SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { AnyRoute } from '../../gatewayapi/types';
import { teardownRoute } from '../../lattice/routeTeardown';
import { latticeServiceName } from '../../model/names';
import type { RouteKindAdapter } from '../../model/routeKinds';
import { recordedTargetGroups } from '../targetGroupRecord';
import type { HookContext } from '../types';
import { ownsRule, SHARED_SERVICE_ANNOTATION } from '../../model/hostnameGroup';
import { removeMemberRules } from '../../lattice/sharedService';
import { observeService } from '../../lattice/routeState';
import { routeOwns } from '../../lattice/ownership';
import type { ObjectIndex } from '../../metacontroller/objectIndex';
import { handOverIfLeaving } from './handover';
import { nothingInLattice, type LatticeOutcome } from './outcome';
import { routeOwnerOf } from './owner';

/**
 * One pass of removing the route from Lattice; `done` once nothing of it is left. A route sharing
 * its hostname removes only its own part: a follower its rules from the shared service; a leader
 * whose group goes on (other routes in `index` publish its group) hands the service to the next
 * leader instead of deleting it. Target groups go as for any route.
 */
export async function tearDown(
  ctx: HookContext,
  route: AnyRoute,
  adapter: RouteKindAdapter,
  index?: ObjectIndex,
): Promise<LatticeOutcome & { done: boolean }> {
  const api = ctx.aws.api;
  const owner = routeOwnerOf(route, adapter, ctx);
  const shared = route.metadata.annotations?.[SHARED_SERVICE_ANNOTATION];
  let recordedService = route.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
  let serviceName: string | undefined = latticeServiceName(route.metadata.namespace ?? '', route.metadata.name);
  let follower = false;
  if (shared !== undefined) {
    const held = recordedService === undefined ? await observeService(api, shared) : undefined;
    // A service handed to this route before it recorded it as its own is its own: handed on or deleted below.
    if (held && routeOwns(owner, held.tags)) recordedService = held.arn;
    else {
      follower = true;
      await removeMemberRules(api, owner.managedBy, shared, (name) => ownsRule(route, 'follower', name));
    }
  }
  if (index !== undefined && (await handOverIfLeaving(ctx, route, adapter, index, undefined, recordedService)) !== undefined) {
    // The service is the successor's now, under this route's name: neither the record nor the name leads to it any more.
    recordedService = undefined;
    serviceName = undefined;
  }
  const result = await teardownRoute(
    api,
    owner,
    {
      serviceArn: recordedService,
      serviceName: recordedService ? undefined : serviceName,
      targetGroupArns: recordedTargetGroups(route),
    },
    {
      lambda: ctx.aws.lambda,
      // The orphan collector removes what the tagging API's lagging index misses; without it, list.
      ...(ctx.aws.tagging && ctx.config.orphanSweepSeconds > 0 ? { tagging: ctx.aws.tagging } : {}),
      ...(ctx.teardownFacts ? { teardownFacts: ctx.teardownFacts } : {}),
      drainGroups: follower,
    },
  );
  if (result.searchSkipped)
    ctx.log.warn({ reason: result.searchSkipped }, 'could not look for target groups of the route that no pass recorded');
  return result.done
    ? { ...nothingInLattice(), done: true }
    : {
        state: 'pending',
        waits: result.waits,
        serviceArn: result.serviceArn,
        dnsName: undefined,
        targetGroupArns: result.targetGroupArns,
        done: false,
      };
}
