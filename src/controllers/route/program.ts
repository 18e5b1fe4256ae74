import { SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { RouteParent } from '../../gatewayapi/routeParents';
import type { AnyRoute } from '../../gatewayapi/types';
import { isUserActionable } from '../../lattice/awsErrors';
import { routeOwns, type RouteOwner } from '../../lattice/ownership';
import { RouteApplier } from '../../lattice/routeApply';
import { planRoute, referencedTargetGroupIds } from '../../lattice/routePlan';
import {
  goneFromLattice,
  isDeleting,
  observeAssociations,
  observeImportedTargetGroups,
  observeListeners,
  observeService,
  type ObservedRoute,
} from '../../lattice/routeState';
import { observeTargetGroups } from '../../lattice/targetGroupState';
import { lookUpFunctions } from '../../lattice/lambdaFunctions';
import { observeInvokePermissions } from '../../lattice/lambdaPermissions';
import type { ObjectIndex } from '../../metacontroller/objectIndex';
import { importedTargetGroupArns, lambdaFunctionArns } from '../../model/backends';
import { LAMBDA_TARGET_KIND, type FunctionLookup, type LambdaTarget } from '../../model/lambdaTargets';
import { OUR_API_GROUP } from '../../gatewayapi/ourKeys';
import { unavailableImports, type ObservedImport } from '../../model/importCandidates';
import { buildRouteModel, type BuiltRoute, type RouteModel, type RouteModelOptions } from '../../model/routeModel';
import type { RouteKindAdapter } from '../../model/routeKinds';
import { driftView, fingerprintOf } from '../driftCheck';
import { recordedTargetGroups } from '../targetGroupRecord';
import type { HookContext } from '../types';
import { errorOutcome, nothingInLattice, outcomeOf, serviceBeingDeleted, type LatticeOutcome } from './outcome';
import { routeOwnerOf } from './owner';
import { tearDown } from './teardown';

export interface RouteInputs {
  route: AnyRoute;
  adapter: RouteKindAdapter;
  parents: readonly RouteParent[];
  index: ObjectIndex;
  options: RouteModelOptions;
}

/** What one sync did in Lattice. */
export interface RouteSync {
  built: BuiltRoute;
  outcome: LatticeOutcome;
  /** Lattice was verified to hold the whole model, and the model depends on nothing only Lattice knows (unusable imports, missing functions). */
  verified: boolean;
}

/**
 * Everything the route's Lattice work depends on, without reading AWS: the route (with what it
 * records of Lattice: a hand-edited record must be verified), its parents as attached, and the model
 * built from them before imports and functions are read. The same fingerprint means the same plan.
 */
function conditionSummary(conditions: unknown): string[] {
  return Array.isArray(conditions)
    ? conditions.map(
        (c: { type?: unknown; status?: unknown; reason?: unknown }) => `${String(c.type)}=${String(c.status)}/${String(c.reason)}`,
      )
    : [];
}

export function routeFingerprint(inputs: RouteInputs): string {
  const { route, adapter, parents, index, options } = inputs;
  const { parentsWithoutNetwork, ...built } = buildRouteModel(route, adapter, parents, index, options);
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

/** `imports`: the imported groups, already read; a rule forwarding to one does not read it again. */
async function observe(
  ctx: HookContext,
  route: AnyRoute,
  model: RouteModel,
  imports: readonly ObservedImport[],
  owner: RouteOwner,
): Promise<ObservedRoute> {
  const api = ctx.aws.api;
  const recorded = await observeService(api, route.metadata.annotations?.[SERVICE_ARN_ANNOTATION]);
  // The annotation can be edited or copied: a service of another route or owner is not this route's.
  const service = recorded && routeOwns(owner, recorded.tags) ? recorded : undefined;
  if (recorded && !service)
    ctx.log.warn({ serviceArn: recorded.arn }, 'the recorded Lattice service belongs to another route or owner; not used');
  const listeners = service ? await observeListeners(api, service.id) : [];
  const wanted = new Set(model.targetGroups.map((g) => g.name));
  const imported = new Set(imports.map((i) => i.id));
  const referenced = referencedTargetGroupIds(listeners).filter((id) => !imported.has(id));
  const targetGroups = await observeTargetGroups(api, [...recordedTargetGroups(route), ...referenced], (name) => wanted.has(name));
  await observeInvokePermissions(ctx.aws.lambda, model.targetGroups, targetGroups);
  const associations = service ? await observeAssociations(api, service.id) : [];
  return { service, listeners, targetGroups, associations, imports };
}

/** Imported groups Lattice cannot forward to (deleted since the import resolved, used by another service), with why. */
async function readImports(
  ctx: HookContext,
  inputs: RouteInputs,
): Promise<{ imports: ObservedImport[]; unavailable: Map<string, string> }> {
  const { route, adapter, parents, index } = inputs;
  if (!parents.some((p) => p.attachment.reason === 'Accepted')) return { imports: [], unavailable: new Map() };
  const imports = await observeImportedTargetGroups(ctx.aws.api, importedTargetGroupArns(route, adapter.rules(route), index, adapter));
  return { imports, unavailable: unavailableImports(imports, route.metadata.annotations?.[SERVICE_ARN_ANNOTATION]) };
}

/** The functions of the route's LambdaTarget backends: a missing one is reported and its share fails. */
async function readFunctions(ctx: HookContext, inputs: RouteInputs): Promise<Map<string, FunctionLookup>> {
  const { route, adapter, parents, index } = inputs;
  if (!parents.some((p) => p.attachment.reason === 'Accepted')) return new Map();
  return lookUpFunctions(ctx.aws.lambda, lambdaFunctionArns(route, adapter.rules(route), index, adapter, ctx.aws.identity));
}

function hasLatticeState(route: AnyRoute): boolean {
  return route.metadata.annotations?.[SERVICE_ARN_ANNOTATION] !== undefined || recordedTargetGroups(route).length > 0;
}

/**
 * Reads the route's imported target groups, builds its model once, then observes, plans and
 * applies; a route with nothing to program is removed from Lattice. User-actionable AWS refusals
 * become an `error` outcome; anything else fails the hook.
 */
export async function programRoute(ctx: HookContext, inputs: RouteInputs): Promise<RouteSync> {
  const { route, adapter, parents, index, options } = inputs;
  const build = (unavailable: ReadonlyMap<string, string>, functions: ReadonlyMap<string, FunctionLookup> = new Map()) =>
    buildRouteModel(route, adapter, parents, index, { ...options, unavailableTargetGroups: unavailable, functions });
  let built: BuiltRoute | undefined;
  try {
    const { imports, unavailable } = await readImports(ctx, inputs);
    const functions = await readFunctions(ctx, inputs);
    built = build(unavailable, functions);
    // What only Lattice knows (an import gone unusable, a function missing) is read on every sync until it is fixed.
    const definite = unavailable.size === 0 && [...functions.values()].every((f) => f.exists);
    if (!built.model || built.noValidRule) {
      if (!hasLatticeState(route)) return { built, outcome: nothingInLattice(), verified: definite };
      const outcome = await tearDown(ctx, route, adapter);
      return { built, outcome, verified: definite && outcome.done };
    }
    const model = built.model;
    const recorded = new Set(recordedTargetGroups(route));
    const owner = routeOwnerOf(route, adapter, ctx);
    const observed = await observe(ctx, route, model, imports, owner);
    if (observed.service && isDeleting(observed.service.status))
      return { built, outcome: serviceBeingDeleted(route, observed.service.arn), verified: false };
    const plan = planRoute(model, observed, recorded);
    const gone = goneFromLattice(route.metadata.annotations?.[SERVICE_ARN_ANNOTATION], [...recorded], observed);
    if (gone.length > 0) {
      ctx.log.warn({ gone }, 'recorded Lattice resources were deleted outside the controller');
      plan.waits.unshift(...gone);
    }
    const applier = new RouteApplier(
      ctx.aws.api,
      owner,
      observed,
      model.targetGroups,
      model.externalTargetGroups,
      recorded,
      ctx.aws.lambda,
    );
    const result = await applier.apply(plan.ops);
    if (result.error !== undefined) {
      if (!isUserActionable(result.error)) throw result.error;
      ctx.log.warn({ err: result.error }, 'VPC Lattice refused a change');
      return { built, outcome: errorOutcome(route, result.error, result), verified: false };
    }
    if (plan.ops.length > 0)
      ctx.log.info({ ops: plan.ops.map((o) => o.kind), waits: result.waits.length + plan.waits.length }, 'route programmed');
    const outcome = outcomeOf(plan, result);
    return { built, outcome, verified: definite && outcome.state === 'programmed' };
  } catch (error) {
    if (!isUserActionable(error)) throw error;
    ctx.log.warn({ err: error }, 'VPC Lattice refused a read');
    return { built: built ?? build(new Map()), outcome: errorOutcome(route, error), verified: false };
  }
}
