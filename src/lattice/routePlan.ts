import type { HttpMatch } from '@aws-sdk/client-vpc-lattice';
import type { RouteModel, ServiceModel } from '../model/routeModel';
import type { ListenerModel } from '../model/routeListeners';
import type { LatticeRuleModel, RuleAction } from '../model/rules';
import { canonicalJson } from '../model/canonicalJson';
import { HOSTNAME_GROUP_TAG } from '../model/hostnameGroup';
import { sharedServiceWaits, type Sharing } from './sharingPlan';
import { tagChanges } from '../model/tags';
import { chunks } from './batches';
import { matchHolds } from './ruleMatch';
import { forwardTargetGroupIds, type ObservedListener, type ObservedRoute, type ObservedRule } from './routeState';
import { hasEveryTarget, planRetirements, planTargetGroups, type TargetGroupOp } from './targetGroupPlan';
import type { ObservedTargetGroup } from './targetGroupState';

/**
 * The plan of one route: a pure diff of the desired model against what Lattice holds, as an
 * ordered list of operations (target groups and targets before the rules that use them, rules
 * removed before the target groups they referenced). Operations name resources by their Lattice
 * names and ports; apply resolves them to ids as it goes. `waits` says what will still be
 * unfinished after these operations (Lattice is converging), so the hook asks to be called again.
 */

export type { Sharing } from './sharingPlan';

export interface RuleUpdate {
  ruleName: string;
  priority?: number;
  action?: RuleAction;
  /** Only for a rule whose match was edited out of band (see matchHolds). */
  match?: HttpMatch;
}

/** The operations on the route's service, listeners and rules. */
export type RouteOp =
  | { kind: 'createService'; service: ServiceModel }
  | { kind: 'tagService'; tags: Record<string, string> }
  | { kind: 'updateServiceCertificate'; certificateArn: string }
  | { kind: 'createAssociation'; serviceNetworkArn: string }
  | { kind: 'deleteAssociation'; associationArn: string; serviceNetworkArn: string }
  | { kind: 'deleteListener'; port: number }
  | { kind: 'createListener'; listener: ListenerModel }
  | { kind: 'updateListenerDefaultAction'; port: number; action: RuleAction }
  | { kind: 'deleteRule'; port: number; ruleName: string }
  | { kind: 'createRule'; port: number; rule: LatticeRuleModel; priority: number }
  | { kind: 'updateRules'; port: number; updates: RuleUpdate[] };

export type PlanOp = TargetGroupOp | RouteOp;

export interface RoutePlan {
  ops: PlanOp[];
  waits: string[];
  /** What the model asks and Lattice cannot do to the existing service (its name and custom domain are immutable). */
  refusals: string[];
}

/** BatchUpdateRule takes at most 10 rules. */
const BATCH_LIMIT = 10;
const MAX_PRIORITY = 2000;

/** The desired action as Lattice would hold it, with target group names resolved to observed ids. */
function actionEquals(desired: RuleAction, observed: ObservedRule['action'], idOfKey: (key: string) => string | undefined): boolean {
  if ('fixedResponse' in desired) return observed?.fixedResponse?.statusCode === desired.fixedResponse;
  const want = desired.forward.map((f) => ({ id: idOfKey(f.key), weight: f.weight }));
  if (want.some((w) => w.id === undefined)) return false;
  const have = (observed?.forward?.targetGroups ?? []).map((t) => ({
    id: t.targetGroupIdentifier,
    weight: t.weight ?? (want.length === 1 ? want[0]?.weight : undefined),
  }));
  const sort = (list: { id: string | undefined; weight: number | undefined }[]) =>
    canonicalJson([...list].sort((a, b) => ((a.id ?? '') < (b.id ?? '') ? -1 : 1)));
  return sort(want) === sort(have);
}

function planAssociations(desired: RouteModel, observed: ObservedRoute, ops: PlanOp[], waits: string[]): void {
  const live = observed.associations.filter((a) => a.status !== 'DELETE_IN_PROGRESS');
  for (const network of desired.networks) {
    const existing = observed.associations.filter((a) => a.serviceNetworkArn === network);
    if (existing.some((a) => a.status === 'DELETE_IN_PROGRESS') && !existing.some((a) => a.status !== 'DELETE_IN_PROGRESS')) {
      waits.push(`a previous association with ${network} is being deleted`);
      continue;
    }
    const current = existing.find((a) => a.status !== 'DELETE_IN_PROGRESS');
    if (!current) {
      ops.push({ kind: 'createAssociation', serviceNetworkArn: network });
      waits.push(`association with ${network} is being created`);
    } else if (current.status !== 'ACTIVE') {
      waits.push(`association with ${network} is ${current.status}`);
    }
  }
  for (const association of live) {
    if (!desired.networks.includes(association.serviceNetworkArn)) {
      ops.push({ kind: 'deleteAssociation', associationArn: association.arn, serviceNetworkArn: association.serviceNetworkArn });
    }
  }
}

/**
 * Target groups a rule may be switched to: existing, ACTIVE, with every wanted target registered.
 * Switching an existing rule to a group that is still filling would leave that share of traffic
 * with nothing behind it (e.g. while a protocol change replaces a group), so such a rule keeps
 * its current action until the next pass — and the groups it uses are not retired meanwhile.
 */
interface Switching {
  idOfKey(key: string): string | undefined;
  isReady(key: string): boolean;
  /** Ids the kept-back actions still forward to. */
  stillUsed: Set<string>;
  waits: string[];
}

function keepCurrentAction(desired: RuleAction, current: ObservedRule['action'] | undefined, switching: Switching): boolean {
  if (!('forward' in desired) || !current?.forward) return false;
  const notReady = desired.forward.filter((f) => !switching.isReady(f.key));
  if (notReady.length === 0) return false;
  for (const id of forwardTargetGroupIds(current)) switching.stillUsed.add(id);
  switching.waits.push(
    `traffic moves to the new target group(s) of ${notReady.map((f) => f.key).join(', ')} once their targets are registered`,
  );
  return true;
}

/** Rule operations of an existing listener: delete, create (at a free priority), then one batch for priorities and actions. */
function planRules(
  port: number,
  desiredRules: readonly LatticeRuleModel[],
  listener: ObservedListener,
  switching: Switching,
  ops: PlanOp[],
  sharing: Sharing | undefined,
): void {
  const idOfKey = switching.idOfKey;
  const owns = (rule: ObservedRule) => !rule.isDefault && (sharing?.ownsRule(rule.name) ?? true);
  const observed = listener.rules.filter(owns);
  // Priorities held by the rules of other routes sharing the service: moved by their routes, never by this one.
  const foreign = new Map(listener.rules.filter((r) => !r.isDefault && !owns(r)).map((r) => [r.priority ?? 0, r.name]));
  const desiredNames = new Set(desiredRules.map((r) => r.name));
  const kept = new Map<string, ObservedRule>();
  for (const rule of observed) {
    if (desiredNames.has(rule.name) && !kept.has(rule.name)) kept.set(rule.name, rule);
    else ops.push({ kind: 'deleteRule', port, ruleName: rule.name });
  }
  const held = new Set([...kept.values()].map((r) => r.priority ?? 0).concat([...foreign.keys()]));
  const blocked = (priority: number) => {
    const holder = foreign.get(priority);
    if (holder === undefined) return false;
    switching.waits.push(
      `priority ${priority} on port ${port} is held by rule ${holder} of another route serving this hostname; it moves when that route syncs`,
    );
    return true;
  };
  const assigned = new Set<number>();
  let temporary = MAX_PRIORITY;
  const nextTemporary = () => {
    while (held.has(temporary) || assigned.has(temporary) || desiredRules.some((r) => r.priority === temporary)) temporary -= 1;
    assigned.add(temporary);
    return temporary;
  };
  const moves: RuleUpdate[] = [];
  const inPlace: RuleUpdate[] = [];
  for (const rule of desiredRules) {
    const existing = kept.get(rule.name);
    if (!existing) {
      const free = !held.has(rule.priority) && !assigned.has(rule.priority);
      const priority = free ? rule.priority : nextTemporary();
      if (free) assigned.add(rule.priority);
      ops.push({ kind: 'createRule', port, rule, priority });
      if (!free && !blocked(rule.priority)) moves.push({ ruleName: rule.name, priority: rule.priority });
      continue;
    }
    const actionChanged =
      !actionEquals(rule.action, existing.action, idOfKey) && !keepCurrentAction(rule.action, existing.action, switching);
    const matchChanged = !matchHolds(rule.match, existing.match);
    const changes = { ...(actionChanged ? { action: rule.action } : {}), ...(matchChanged ? { match: rule.match } : {}) };
    if (existing.priority !== rule.priority && !blocked(rule.priority))
      moves.push({ ruleName: rule.name, priority: rule.priority, ...changes });
    else if (actionChanged || matchChanged) inPlace.push({ ruleName: rule.name, ...changes });
  }
  if (moves.length + inPlace.length <= BATCH_LIMIT) {
    if (moves.length + inPlace.length > 0) ops.push({ kind: 'updateRules', port, updates: [...moves, ...inPlace] });
    return;
  }
  // More than one batch: park every moving rule on an unused priority first, so no batch can
  // collide with a rule another batch has not moved yet.
  const parked = moves.map((m) => ({ ruleName: m.ruleName, priority: nextTemporary() }));
  for (const part of chunks(parked, BATCH_LIMIT)) ops.push({ kind: 'updateRules', port, updates: part });
  for (const part of chunks([...moves, ...inPlace], BATCH_LIMIT)) ops.push({ kind: 'updateRules', port, updates: part });
}

function planListeners(
  desired: RouteModel,
  observed: ObservedRoute,
  switching: Switching,
  ops: PlanOp[],
  sharing: Sharing | undefined,
): void {
  const idOfKey = switching.idOfKey;
  const byPort = new Map(observed.listeners.map((l) => [l.port, l]));
  const wantedPorts = new Set(desired.listeners.map((l) => l.port));
  if (sharing?.follower) {
    for (const listener of desired.listeners) {
      const existing = byPort.get(listener.port);
      if (existing && existing.protocol === listener.protocol) planRules(listener.port, desired.rules, existing, switching, ops, sharing);
      else switching.waits.push(`the shared Lattice service has no ${listener.protocol} listener on port ${listener.port} yet`);
    }
    return;
  }
  for (const listener of observed.listeners) {
    const want = desired.listeners.find((l) => l.port === listener.port);
    if (!wantedPorts.has(listener.port) || (want && want.protocol !== listener.protocol))
      ops.push({ kind: 'deleteListener', port: listener.port });
  }
  for (const listener of desired.listeners) {
    const existing = byPort.get(listener.port);
    if (!existing || existing.protocol !== listener.protocol) {
      ops.push({ kind: 'createListener', listener });
      if (listener.protocol !== 'TLS_PASSTHROUGH') {
        for (const rule of desired.rules) ops.push({ kind: 'createRule', port: listener.port, rule, priority: rule.priority });
      }
      continue;
    }
    if (listener.protocol === 'TLS_PASSTHROUGH') {
      if (
        !actionEquals(listener.defaultAction, existing.defaultAction, idOfKey) &&
        !keepCurrentAction(listener.defaultAction, existing.defaultAction, switching)
      ) {
        ops.push({ kind: 'updateListenerDefaultAction', port: listener.port, action: listener.defaultAction });
      }
      continue;
    }
    planRules(listener.port, desired.rules, existing, switching, ops, sharing);
  }
}

export function planRoute(
  desired: RouteModel,
  observed: ObservedRoute,
  ownTargetGroupArns: ReadonlySet<string>,
  sharing?: Sharing,
): RoutePlan {
  const ops: PlanOp[] = [];
  const waits: string[] = [];
  const refusals: string[] = [];
  const observedByName = new Map<string, ObservedTargetGroup>(observed.targetGroups.map((g) => [g.name, g]));
  const desiredByKey = new Map(desired.targetGroups.map((g) => [g.key, g]));
  const switching: Switching = {
    idOfKey: (key) => observedByName.get(desiredByKey.get(key)?.name ?? '')?.id ?? desired.externalTargetGroups[key]?.id,
    isReady(key) {
      const tg = desiredByKey.get(key);
      const group = tg && observedByName.get(tg.name);
      if (tg) return group !== undefined && hasEveryTarget(tg, group);
      // Another cluster fills an imported group before importers see it; it still has to be ACTIVE.
      const external = desired.externalTargetGroups[key];
      const seen = observed.imports?.find((i) => i.id === external?.id);
      return external !== undefined && (seen === undefined || (!seen.missing && seen.status === 'ACTIVE'));
    },
    stillUsed: new Set(),
    waits,
  };

  planTargetGroups(desired.targetGroups, observed.targetGroups, ops, waits);
  if (sharing?.follower) {
    sharedServiceWaits(desired, observed, waits);
  } else if (!observed.service) {
    ops.push({ kind: 'createService', service: desired.service });
    if (desired.networks.length > 0) waits.push('the Lattice service is being created; its associations follow');
  } else {
    const current = observed.service;
    const changes = tagChanges(current.tags, desired.service.tags);
    if (Object.keys(changes).length > 0) ops.push({ kind: 'tagService', tags: changes });
    const recreate = 'VPC Lattice cannot change it on an existing service: delete the route and apply it again to get a new service';
    // A shared service keeps the name of the route that created it when another route inherits it.
    if (current.name !== desired.service.name && current.tags[HOSTNAME_GROUP_TAG] === undefined)
      refusals.push(`the route's Lattice service is named ${current.name}, not ${desired.service.name}; ${recreate}`);
    if ((current.customDomainName ?? '') !== (desired.service.customDomainName ?? '')) {
      refusals.push(
        `the route's Lattice service has custom domain ${current.customDomainName ?? '(none)'}, not ${desired.service.customDomainName ?? '(none)'}; ${recreate}`,
      );
    } else if (desired.service.certificateArn !== undefined && current.certificateArn !== desired.service.certificateArn) {
      ops.push({ kind: 'updateServiceCertificate', certificateArn: desired.service.certificateArn });
    }
    if (observed.service.status === 'ACTIVE') planAssociations(desired, observed, ops, waits);
    else waits.push(`the Lattice service is ${observed.service.status}`);
  }
  planListeners(desired, observed, switching, ops, sharing);
  planRetirements(desired.targetGroups, observed.targetGroups, ownTargetGroupArns, switching.stillUsed, ops);
  return { ops, waits, refusals };
}

/** Every target group a listener of the observed route forwards to; with `sharing`, only through the rules it owns. */
export function referencedTargetGroupIds(listeners: readonly ObservedListener[], sharing?: Sharing): string[] {
  const ids = (l: ObservedListener) => [
    ...(sharing?.follower ? [] : forwardTargetGroupIds(l.defaultAction)),
    ...l.rules.filter((r) => !sharing || sharing.ownsRule(r.name)).flatMap((r) => forwardTargetGroupIds(r.action)),
  ];
  return [...new Set(listeners.flatMap(ids))];
}
