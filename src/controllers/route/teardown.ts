import { SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { AnyRoute } from '../../gatewayapi/types';
import { teardownRoute } from '../../lattice/routeTeardown';
import { latticeServiceName } from '../../model/names';
import type { RouteKindAdapter } from '../../model/routeKinds';
import { recordedTargetGroups } from '../targetGroupRecord';
import type { HookContext } from '../types';
import { nothingInLattice, type LatticeOutcome } from './outcome';
import { routeOwnerOf } from './owner';

/** One pass of removing the route from Lattice; `done` once nothing of it is left. */
export async function tearDown(ctx: HookContext, route: AnyRoute, adapter: RouteKindAdapter): Promise<LatticeOutcome & { done: boolean }> {
  const recordedService = route.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
  const result = await teardownRoute(
    ctx.aws.api,
    routeOwnerOf(route, adapter, ctx),
    {
      serviceArn: recordedService,
      serviceName: recordedService ? undefined : latticeServiceName(route.metadata.namespace ?? '', route.metadata.name),
      targetGroupArns: recordedTargetGroups(route),
    },
    ctx.aws.lambda,
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
