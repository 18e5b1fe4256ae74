import type { RouteParent } from '../../gatewayapi/routeParents';
import { GATEWAY_GROUP, type AnyRoute } from '../../gatewayapi/types';
import { OUR_API_GROUP } from '../../gatewayapi/ourKeys';
import type { ObjectIndex } from '../../metacontroller/objectIndex';
import { groupOf } from '../../metacontroller/objects';
import { withHostnameGroup } from '../../model/hostnameGroup';
import { LAMBDA_TARGET_KIND, type LambdaTarget } from '../../model/lambdaTargets';
import type { RouteKindAdapter } from '../../model/routeKinds';
import { buildRouteModel, type BuiltRoute, type RouteModelOptions } from '../../model/routeModel';
import { driftView, fingerprintOf } from '../driftCheck';

/** What a route's sync works from: the route, its parents as attached, and its related objects. */
export interface RouteInputs {
  route: AnyRoute;
  adapter: RouteKindAdapter;
  parents: readonly RouteParent[];
  index: ObjectIndex;
  options: RouteModelOptions;
  controllerName: string;
}

/** The route's model, as a member of its hostname group when other routes serve the same hostname. */
export function buildRoute(inputs: RouteInputs, extra: Partial<RouteModelOptions> = {}): BuiltRoute {
  const { route, adapter, parents, index, controllerName } = inputs;
  const options = { ...inputs.options, ...extra };
  return withHostnameGroup(route, adapter, buildRouteModel(route, adapter, parents, index, options), index, { ...options, controllerName });
}

/** A condition list in short, for fingerprints. */
function conditionSummary(conditions: unknown): string[] {
  return Array.isArray(conditions)
    ? conditions.map(
        (c: { type?: unknown; status?: unknown; reason?: unknown }) => `${String(c.type)}=${String(c.status)}/${String(c.reason)}`,
      )
    : [];
}

/**
 * Everything the route's Lattice work depends on, without reading AWS: the route (with what it
 * records of Lattice: a hand-edited record must be verified), its parents as attached, and the model
 * built from them before imports and functions are read. The same fingerprint means the same plan.
 */
export function routeFingerprint(inputs: RouteInputs): string {
  const { route, parents, index } = inputs;
  const { parentsWithoutNetwork, ...built } = buildRoute(inputs);
  return fingerprintOf({
    route: driftView(route),
    parents: parents.map((p) => ({ gateway: driftView(p.gateway), ref: p.specRef, attachment: p.attachment })),
    built,
    withoutNetwork: parentsWithoutNetwork.map((p) => `${p.gateway.metadata.namespace}/${p.gateway.metadata.name}`),
    // A function found or lost shows in its LambdaTarget's status (that hook polls Lambda): then the route looks again.
    functions: index
      .list<LambdaTarget>(OUR_API_GROUP, LAMBDA_TARGET_KIND)
      .map((t) => [
        t.metadata.namespace,
        t.metadata.name,
        conditionSummary((t.status as { conditions?: unknown } | undefined)?.conditions),
      ]),
  });
}

/**
 * Which versions of its inputs the route's pass saw: the route's generation and the
 * resourceVersion of each related object but the Gateways and other routes (their status changes
 * all the time, and the fingerprint holds what the route takes from them). A resourceVersion never
 * comes back: the same versions at two passes mean none of those objects changed in place between
 * them. An object created and deleted again, or a route annotation set and removed, leaves no
 * trace here: passes of other processes are told by their mark (see lastPicture, fromPicture).
 */
export function routeInputVersions(inputs: RouteInputs): string {
  const { route, index } = inputs;
  const related = index
    .all()
    .filter((o) => o !== route && !(groupOf(o.apiVersion) === GATEWAY_GROUP && (o.kind === 'Gateway' || o.kind === route.kind)))
    .map((o) => [
      groupOf(o.apiVersion),
      o.kind,
      o.metadata.namespace ?? '',
      o.metadata.name,
      o.metadata.uid ?? '',
      o.metadata.resourceVersion ?? '',
    ]);
  return fingerprintOf({ route: [route.metadata.uid ?? '', route.metadata.generation ?? null], related });
}
