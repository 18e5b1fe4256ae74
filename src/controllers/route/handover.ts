import { SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { AnyRoute } from '../../gatewayapi/types';
import { handOverService } from '../../lattice/sharedService';
import type { ObjectIndex } from '../../metacontroller/objectIndex';
import { groupMembers, HOSTNAME_GROUP_LABEL, ownsRule, routeId, SHARED_SERVICE_ANNOTATION } from '../../model/hostnameGroup';
import type { RouteKindAdapter } from '../../model/routeKinds';
import type { HookContext } from '../types';
import { routeOwnerOf } from './owner';
import { routeModelOptionsOf } from './modelOptions';

/**
 * A route that holds the service of its hostname group and leaves that group (deleted, its
 * hostname, listeners or networks changed, or no longer programmable: `keyNow` differs from the
 * key it still publishes) while routes that follow its service remain, hands the service to the
 * oldest of them, the one the others elect, instead of deleting it or keeping it. `serviceArn`: the service it holds (its record, or a
 * service handed to it). Returns the successor, when it handed over.
 */
export async function handOverIfLeaving(
  ctx: HookContext,
  route: AnyRoute,
  adapter: RouteKindAdapter,
  index: ObjectIndex,
  keyNow: string | undefined,
  serviceArn = route.metadata.annotations?.[SERVICE_ARN_ANNOTATION],
): Promise<string | undefined> {
  const published = route.metadata.labels?.[HOSTNAME_GROUP_LABEL];
  const leaving = route.metadata.deletionTimestamp !== undefined || keyNow !== published;
  if (published === undefined || serviceArn === undefined || !leaving) return undefined;
  // Only a route that already follows this service takes it over (it adopts it through that record,
  // after it checked the service); the others elect it too (the oldest that followed). With none,
  // the service goes as a last member's.
  const successor = groupMembers(route, adapter, published, undefined, index, routeModelOptionsOf(ctx))
    .live.map((m) => m.route)
    .find((r) => r.metadata.annotations?.[SHARED_SERVICE_ANNOTATION] === serviceArn);
  if (successor === undefined) return undefined;
  const owner = routeOwnerOf(route, adapter, ctx);
  const target = { namespace: successor.metadata.namespace ?? '', name: successor.metadata.name };
  const handed = await handOverService(ctx.aws.api, owner, serviceArn, published, target, (rule) => ownsRule(route, 'leader', rule));
  if (!handed) return undefined;
  ctx.log.info(
    { serviceArn, successor: routeId(successor) },
    'handed the shared Lattice service to the route that leads its hostname group now',
  );
  return routeId(successor);
}
