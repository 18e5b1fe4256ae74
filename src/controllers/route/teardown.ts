import { SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { AnyRoute } from '../../gatewayapi/types';
import { teardownRoute } from '../../lattice/routeTeardown';
import { latticeServiceName } from '../../model/names';
import type { RouteKindAdapter } from '../../model/routeKinds';
import { recordedTargetGroups } from '../targetGroupRecord';
import type { HookContext } from '../types';
import { ownsRule, routeId, SHARED_SERVICE_ANNOTATION, type GroupRole } from '../../model/hostnameGroup';
import { handOverService, removeMemberRules } from '../../lattice/sharedService';
import { nothingInLattice, type LatticeOutcome } from './outcome';
import { routeOwnerOf } from './owner';

/**
 * One pass of removing the route from Lattice; `done` once nothing of it is left. A route sharing
 * its hostname removes only its own part: a follower its rules from the shared service; a leader
 * whose group goes on (`group`, from a deleted route's related objects) its rules, and hands the
 * service to the next member instead of deleting it. Target groups go as for any route.
 */
export async function tearDown(
  ctx: HookContext,
  route: AnyRoute,
  adapter: RouteKindAdapter,
  group?: GroupRole,
): Promise<LatticeOutcome & { done: boolean }> {
  const api = ctx.aws.api;
  const owner = routeOwnerOf(route, adapter, ctx);
  const shared = route.metadata.annotations?.[SHARED_SERVICE_ANNOTATION];
  if (shared !== undefined) await removeMemberRules(api, owner.managedBy, shared, (name) => ownsRule(route, 'follower', name));
  let recordedService = route.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
  let serviceName: string | undefined = latticeServiceName(route.metadata.namespace ?? '', route.metadata.name);
  const successor = group?.role === 'leader' ? group.members.find((id) => id !== routeId(route)) : undefined;
  if (successor !== undefined && recordedService !== undefined) {
    const [namespace = '', name = ''] = successor.split('/');
    await handOverService(api, owner, recordedService, { namespace, name }, (rule) => ownsRule(route, 'leader', rule));
    ctx.log.info(
      { serviceArn: recordedService, successor },
      'handed the shared Lattice service over to the next route serving its hostname',
    );
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
