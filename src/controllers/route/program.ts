import { SERVICE_ARN_ANNOTATION } from '../../gatewayapi/ourKeys';
import type { AnyRoute } from '../../gatewayapi/types';
import { isServiceGone, isUserActionable } from '../../lattice/awsErrors';
import { routeOwns, type RouteOwner } from '../../lattice/ownership';
import { RouteApplier } from '../../lattice/routeApply';
import { planRoute, referencedTargetGroupIds, type Sharing } from '../../lattice/routePlan';
import {
  goneFromLattice,
  isDeleting,
  observeAssociations,
  observeImportedTargetGroups,
  observeListeners,
  observeService,
  type ObservedRoute,
  type ObservedService,
} from '../../lattice/routeState';
import { observeTargetGroups } from '../../lattice/targetGroupState';
import { lookUpFunctions } from '../../lattice/lambdaFunctions';
import { observeInvokePermissions } from '../../lattice/lambdaPermissions';
import { importedTargetGroupArns, lambdaFunctionArns } from '../../model/backends';
import type { FunctionLookup } from '../../model/lambdaTargets';
import { unavailableImports, type ObservedImport } from '../../model/importCandidates';
import type { BuiltRoute, RouteModel } from '../../model/routeModel';
import { HOSTNAME_GROUP_TAG, ownsRule, publishedKeyOf, SHARED_SERVICE_ANNOTATION } from '../../model/hostnameGroup';
import { handOverIfLeaving } from './handover';
import { fromPicture, picturable, type ListedAssociations } from './picture';
import { buildRoute, routeInputVersions, type RouteInputs } from './inputs';
import { ownershipOf, taggedRoute } from '../../model/tags';
import { removeMemberRules } from '../../lattice/sharedService';
import type { LatticePicture } from '../convergingPasses';
import { verifyNowAsked } from '../driftCheck';
import { recordedTargetGroups } from '../targetGroupRecord';
import type { HookContext } from '../types';
import {
  errorOutcome,
  handedOver,
  nothingInLattice,
  fullObservationFirst,
  outcomeOf,
  pendingOutcome,
  serviceBeingDeleted,
  sharedVia,
  type LatticeOutcome,
} from './outcome';
import { routeOwnerOf } from './owner';
import { tearDown } from './teardown';

/** What one sync did in Lattice. */
export interface RouteSync {
  built: BuiltRoute;
  outcome: LatticeOutcome;
  /** Lattice was verified to hold the whole model, and the model depends on nothing only Lattice knows (unusable imports, missing functions). */
  verified: boolean;
  /** What Lattice holds after the pass, as far as it knows (see passPicture). */
  picture?: LatticePicture;
  /** When Lattice was last observed in full, for a route verified from a picture (see fromPicture); none: now. */
  verifiedAtMs?: number;
  /** The pass wrote to the route's Lattice resources (see lastPassMark). */
  wrote?: boolean;
}

/** `imports`: the imported groups, already read; a rule forwarding to one does not read it again. */
async function observe(
  ctx: HookContext,
  route: AnyRoute,
  model: RouteModel,
  imports: readonly ObservedImport[],
  service: ObservedService | undefined,
  sharing: Sharing | undefined,
  listed?: ListedAssociations,
): Promise<ObservedRoute> {
  const api = ctx.aws.api;
  const listeners = service ? await unlessServiceGone(observeListeners(api, service.id, verifyNowAsked(route))) : [];
  if (listeners === undefined) return observe(ctx, route, model, imports, undefined, sharing);
  const wanted = new Set(model.targetGroups.map((g) => g.name));
  const imported = new Set(imports.map((i) => i.id));
  const referenced = referencedTargetGroupIds(listeners, sharing).filter((id) => !imported.has(id));
  const targetGroups = await observeTargetGroups(api, [...recordedTargetGroups(route), ...referenced], (name) => wanted.has(name));
  await observeInvokePermissions(ctx.aws.lambda, model.targetGroups, targetGroups);
  const associations = !service
    ? []
    : listed?.serviceId === service.id
      ? listed.associations
      : await unlessServiceGone(observeAssociations(api, service.id));
  if (associations === undefined) return observe(ctx, route, model, imports, undefined, sharing);
  return { service, listeners, targetGroups, associations, imports };
}

/** Undefined when the read finds the service gone: deleted (out of band) since this pass read it. */
async function unlessServiceGone<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isServiceGone(error)) return undefined;
    throw error;
  }
}

/** The route's own service, as recorded. The annotation can be edited or copied: a service of another route or owner is not this route's. */
async function ownService(ctx: HookContext, serviceArn: string | undefined, owner: RouteOwner): Promise<ObservedService | undefined> {
  const recorded = await observeService(ctx.aws.api, serviceArn);
  if (recorded && !routeOwns(owner, recorded.tags)) {
    ctx.log.warn({ serviceArn: recorded.arn }, 'the recorded Lattice service belongs to another route or owner; not used');
    return undefined;
  }
  return recorded;
}

type ServiceChoice = { service: ObservedService | undefined; sharedArn?: string } | { wait: string };

/**
 * Which Lattice service this pass works on. A follower works on its leader's, once the leader has
 * tagged it for the group. Any other route works on its own; a service it followed is left first
 * (its rules removed), unless that service was handed over to it by a leader that left.
 */
async function chooseService(ctx: HookContext, route: AnyRoute, built: BuiltRoute, owner: RouteOwner): Promise<ServiceChoice> {
  const api = ctx.aws.api;
  const annotations = route.metadata.annotations ?? {};
  const group = built.group;
  const shared = annotations[SHARED_SERVICE_ANNOTATION];
  const follows = group?.role === 'follower' ? (group.leaderServiceArn ?? shared) : undefined;
  if (shared !== undefined && shared !== follows) {
    const held = annotations[SERVICE_ARN_ANNOTATION] === undefined ? await observeService(api, shared) : undefined;
    if (held && routeOwns(owner, held.tags) && group?.role !== 'follower') return { service: held };
    const holder = held && taggedRoute(held.tags);
    if (holder !== undefined && group?.leaving.includes(holder))
      return { wait: `route ${holder} is leaving and hands the Lattice service ${shared} over to this route` };
    const removed = await removeMemberRules(api, owner.managedBy, shared, (name) => ownsRule(route, 'follower', name));
    if (removed > 0) ctx.log.info({ serviceArn: shared, removed }, 'removed the rules of a shared service the route no longer follows');
  }
  if (group?.role !== 'follower') return { service: await ownService(ctx, annotations[SERVICE_ARN_ANNOTATION], owner) };
  const leader = group.members[0] ?? '';
  if (follows === undefined) return { wait: `route ${leader} serves this hostname; its Lattice service is not there yet` };
  const service = await observeService(api, follows);
  const domain = built.model?.service.customDomainName?.toLowerCase();
  if (
    !service ||
    ownershipOf(service.tags, owner.managedBy) !== 'ours' ||
    service.tags[HOSTNAME_GROUP_TAG] !== group.key ||
    taggedRoute(service.tags) !== leader ||
    service.customDomainName?.toLowerCase() !== domain
  )
    return { wait: `route ${leader} serves this hostname; its Lattice service ${follows} is not shared with this route's group yet` };
  return { service, sharedArn: service.arn };
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
  const annotations = route.metadata.annotations ?? {};
  return (
    annotations[SERVICE_ARN_ANNOTATION] !== undefined ||
    annotations[SHARED_SERVICE_ANNOTATION] !== undefined ||
    recordedTargetGroups(route).length > 0
  );
}

/**
 * Reads the route's imported target groups, builds its model once, then observes (or refreshes
 * `last`, the picture the last pass left: see passPicture), plans and applies; a route with
 * nothing to program is removed from Lattice. User-actionable AWS refusals
 * become an `error` outcome; anything else fails the hook.
 */
export async function programRoute(ctx: HookContext, inputs: RouteInputs, last?: LatticePicture): Promise<RouteSync> {
  const { route, adapter } = inputs;
  let built: BuiltRoute | undefined;
  try {
    const { imports, unavailable } = await readImports(ctx, inputs);
    const functions = await readFunctions(ctx, inputs);
    built = buildRoute(inputs, { unavailableTargetGroups: unavailable, functions });
    // What only Lattice knows (an import gone unusable, a function missing) is read on every sync until it is fixed.
    const definite = unavailable.size === 0 && [...functions.values()].every((f) => f.exists);
    const successor = await handOverIfLeaving(ctx, route, adapter, inputs.index, publishedKeyOf(route, adapter, built));
    if (successor !== undefined) return { built, outcome: handedOver(route, successor), verified: false };
    if (!built.model || built.noValidRule) {
      if (!hasLatticeState(route)) return { built, outcome: nothingInLattice(), verified: definite };
      const outcome = await tearDown(ctx, route, adapter, inputs.index);
      return { built, outcome, verified: definite && outcome.done };
    }
    const model = built.model;
    const group = built.group;
    const owner = routeOwnerOf(route, adapter, ctx);
    const inputVersions = routeInputVersions(inputs);
    const { pictured, listed } =
      last && picturable(route, built, last.observed) ? await fromPicture(ctx, route, model, last, imports, inputVersions) : {};
    const choice = pictured ? { service: pictured.observed.service } : await chooseService(ctx, route, built, owner);
    if ('wait' in choice) return { built, outcome: pendingOutcome(route, [choice.wait]), verified: false };
    if (group?.role === 'follower' && route.metadata.annotations?.[SERVICE_ARN_ANNOTATION] !== undefined) {
      // Its own service from before it joined goes first (it holds the hostname the group needs),
      // once the leader's service was found to serve the group (never on a claim alone).
      const outcome = await tearDown(ctx, route, adapter);
      const leaving = `leaving its own Lattice service to join the service of route ${group.members[0] ?? ''}, which serves this hostname`;
      const waits = [leaving, ...(outcome.state === 'pending' ? outcome.waits : [])];
      return { built, outcome: { ...outcome, state: 'pending', waits }, verified: false };
    }
    const sharing: Sharing | undefined = group && {
      follower: group.role === 'follower',
      ownsRule: (name) => ownsRule(route, group.role, name),
    };
    const recorded = new Set(recordedTargetGroups(route));
    // A service being deleted is not observed further (its listeners can vanish mid-read).
    if (choice.service && isDeleting(choice.service.status))
      return { built, outcome: serviceBeingDeleted(route, choice.service.arn), verified: false };
    const observed = pictured?.observed ?? (await observe(ctx, route, model, imports, choice.service, sharing, listed));
    const plan = pictured?.plan ?? planRoute(model, observed, recorded, sharing);
    const recordedService = choice.sharedArn ? undefined : route.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
    const gone = goneFromLattice(recordedService, [...recorded], observed);
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
      { serviceArn: recordedService, targetGroupArns: recorded },
      ctx.aws.lambda,
    );
    const createdEarlier = pictured?.last.createdServiceId;
    if (createdEarlier !== undefined && createdEarlier === observed.service?.id) applier.createdEarlier(createdEarlier);
    const result = await applier.apply(plan.ops);
    const wrote = plan.ops.length > 0;
    if (result.error !== undefined) {
      if (!isUserActionable(result.error)) throw result.error;
      ctx.log.warn({ err: result.error }, 'VPC Lattice refused a change');
      return { built, outcome: sharedVia(errorOutcome(route, result.error, result), choice.sharedArn), verified: false, wrote };
    }
    if (plan.ops.length > 0)
      ctx.log.info({ ops: plan.ops.map((o) => o.kind), waits: result.waits.length + plan.waits.length }, 'route programmed');
    const outcome =
      pictured && !pictured.complete ? fullObservationFirst(outcomeOf(plan, result)) : sharedVia(outcomeOf(plan, result), choice.sharedArn);
    const nowMs = ctx.now().getTime();
    const { createdServiceId } = result;
    const chain = pictured
      ? { ...pictured.last, takenAtMs: nowMs, picturedPasses: pictured.last.picturedPasses + 1, createdServiceId }
      : { takenAtMs: nowMs, observedInFullAtMs: nowMs, picturedPasses: 0, inputVersions, createdServiceId };
    return {
      built,
      outcome,
      verified: definite && outcome.state === 'programmed',
      wrote,
      ...(result.picture ? { picture: { ...chain, observed: result.picture } } : {}),
      ...(pictured?.complete ? { verifiedAtMs: pictured.last.observedInFullAtMs } : {}),
    };
  } catch (error) {
    if (!isUserActionable(error)) throw error;
    ctx.log.warn({ err: error }, 'VPC Lattice refused a read');
    return { built: built ?? buildRoute(inputs), outcome: errorOutcome(route, error), verified: false };
  }
}
