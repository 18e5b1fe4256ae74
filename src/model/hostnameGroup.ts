import { createHash } from 'node:crypto';
import { KEY_PREFIX, MANAGED_LABEL, MANAGED_LABEL_VALUE, SERVICE_ARN_ANNOTATION } from '../gatewayapi/ourKeys';
import { routeParents } from '../gatewayapi/routeParents';
import { GATEWAY_GROUP, type AnyRoute } from '../gatewayapi/types';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import { olderFirst } from '../metacontroller/objects';
import { canonicalJson } from './canonicalJson';
import type { RouteKindAdapter } from './routeKinds';
import { buildRouteModel, type BuiltRoute, type RouteModel, type RouteModelOptions } from './routeModel';
import { comparePrecedence, describeRule, type DroppedRule, type LatticeRuleModel } from './rules';

/**
 * Routes that share a hostname (upstream HTTPRouteMatchingAcrossRoutes). VPC Lattice serves a
 * custom domain once per service network, and the Gateway API treats the rules of every route with
 * that hostname as one set. So routes of one kind with the same custom domain, networks and
 * listeners form a group that shares one Lattice service: the oldest route (then `namespace/name`)
 * is the leader and owns the service as a lone route would; the others (followers) put their own
 * rules and target groups into it. Every member orders the rules of all members the same way, so
 * each places its own at the priorities the merged order gives them, whichever syncs first.
 *
 * Each route publishes two labels: a hash of its custom domain, which the customize hook of a
 * route with that hostname in its spec selects on (customize answers are cached per generation, so
 * they can only follow the spec), and the group key it computed from its own Gateways. A route is a
 * member of exactly the group whose key it publishes, so every route sees the same membership
 * whatever Gateways and Namespaces its own hook was given. The leader is the oldest member that
 * holds a service for the group (so a route joining never takes the service from the one that
 * serves), else the oldest member; a leader leaving hands its service to the oldest member left.
 */

export const CUSTOM_DOMAIN_LABEL = `${KEY_PREFIX}custom-domain`;
/** The group key the route computed (see groupKeyOf): what makes it a member. */
export const HOSTNAME_GROUP_LABEL = `${KEY_PREFIX}hostname-group`;
/** On a follower: the leader's service it put its rules into (so they are removed from it when it leaves). */
export const SHARED_SERVICE_ANNOTATION = `${KEY_PREFIX}shared-lattice-service-arn`;
/** The group key a route serves: it leads or stands alone with a service of its own that holds the hostname. */
export const SERVES_GROUP_ANNOTATION = `${KEY_PREFIX}serves-hostname-group`;
/** On a shared service: the group key. A service with it may be inherited by the next leader under another route's name. */
export const HOSTNAME_GROUP_TAG = `${KEY_PREFIX}HostnameGroup`;

const hash = (value: string, length: number) => createHash('sha256').update(value).digest('hex').slice(0, length);

/** The value of CUSTOM_DOMAIN_LABEL for a hostname (label values cannot hold every hostname). */
export function customDomainLabelValue(domain: string): string {
  return hash(domain.toLowerCase(), 32);
}

export interface GroupRole {
  /** Hash of kind, custom domain, networks and listener ports: what routes must share to share a service. */
  key: string;
  role: 'leader' | 'follower';
  /** `namespace/name` of every live member, oldest first: the first is the leader. */
  members: string[];
  /** The service the leader records; a follower programs into it. */
  leaderServiceArn: string | undefined;
  /** Members being deleted: a leader among them is handing its service over. */
  leaving: string[];
}

export function routeId(route: AnyRoute): string {
  return `${route.metadata.namespace ?? ''}/${route.metadata.name}`;
}

/** The group a route's model belongs to; none without a custom domain or a network (nothing to share). */
export function groupKeyOf(kind: string, model: RouteModel): string | undefined {
  const domain = model.service.customDomainName;
  if (domain === undefined || model.networks.length === 0) return undefined;
  const listeners = model.listeners.map((l) => [l.port, l.protocol]);
  return hash(canonicalJson({ kind, domain: domain.toLowerCase(), networks: model.networks, listeners }), 32);
}

/** The key a route publishes: its group's, while it can be programmed as a route with rules. */
export function publishedKeyOf(route: AnyRoute, adapter: RouteKindAdapter, built: BuiltRoute): string | undefined {
  return built.model && !built.noValidRule && adapter.mode === 'rules' ? groupKeyOf(route.kind, built.model) : undefined;
}

const FOLLOWER_RULE = /^k8s-([0-9a-f]{24})-([0-9a-f]{16})$/;

/** 96 bits of the route's identity: no other route can be made to carry the same tag. */
function memberTag(route: AnyRoute): string {
  return hash(routeId(route), 24);
}

/** A follower's name for a rule the leader would name `k8s-<match hash>`: the member's tag in front. */
export function followerRuleName(route: AnyRoute, ruleName: string): string {
  return `k8s-${memberTag(route)}-${ruleName.replace(/^k8s-/, '')}`;
}

/** Whether a rule of a shared listener is this member's: followers' names carry their tag; the leader's carry none. */
export function ownsRule(route: AnyRoute, role: GroupRole['role'], ruleName: string): boolean {
  const tag = FOLLOWER_RULE.exec(ruleName)?.[1];
  return tag === undefined ? role === 'leader' : tag === memberTag(route);
}

/**
 * Whether the route names the hostname exactly in its spec: only then does its customize hook ask
 * for the other routes of the hostname, so only then can membership be seen from both sides.
 */
function namesHostname(route: AnyRoute, domain: string): boolean {
  return (route.spec?.hostnames ?? []).some((h) => h.toLowerCase() === domain.toLowerCase());
}

export interface Member {
  route: AnyRoute;
  built: BuiltRoute;
}

/**
 * The rules of every member in one order: Gateway API precedence, then the older route, then rule
 * and match order inside a route. A match an older member already has is dropped (it would never
 * be reached), and while the group needs more rules than a listener holds, the lowest-precedence
 * rules go — whole rules, as for one route. Returns `me`'s rules at their group priorities.
 */
export function mergeGroupRules(
  members: readonly {
    route: AnyRoute;
    rules: readonly LatticeRuleModel[];
    precedence: readonly number[][];
    ruleNames: readonly (string | undefined)[];
  }[],
  me: number,
  maxRules: number,
  domain: string,
): { rules: LatticeRuleModel[]; dropped: DroppedRule[] } {
  const entries = members.flatMap((m, rank) => m.rules.map((rule, i) => ({ rank, i, rule, precedence: m.precedence[i] ?? [] })));
  entries.sort((a, b) => comparePrecedence(a.precedence, b.precedence) || a.rank - b.rank || a.i - b.i);
  const seen = new Set<string>();
  let kept = entries.filter((e) => {
    const key = canonicalJson(e.rule.match);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const dropped: DroppedRule[] = [];
  const names = members[me]?.ruleNames ?? [];
  while (kept.length > maxRules) {
    const victim = kept[kept.length - 1] as (typeof kept)[number];
    kept = kept.filter((e) => e.rank !== victim.rank || e.rule.ruleIndex !== victim.rule.ruleIndex);
    if (victim.rank === me)
      dropped.push({
        ruleIndex: victim.rule.ruleIndex,
        ruleName: names[victim.rule.ruleIndex],
        message: `${describeRule(victim.rule.ruleIndex, names[victim.rule.ruleIndex])}: the routes serving ${domain} need more than ${maxRules} Lattice rules per listener (the quota); lowest-precedence rules are dropped`,
      });
  }
  const rules = kept.flatMap((e, position) => (e.rank === me ? [{ ...e.rule, priority: position + 1 }] : []));
  return { rules, dropped };
}

/** Whether a route holds the service of the group `key` (it said so after its last pass, see servingMark). */
function servesGroup(route: AnyRoute, key: string): boolean {
  return route.metadata.labels?.[HOSTNAME_GROUP_LABEL] === key && route.metadata.annotations?.[SERVES_GROUP_ANNOTATION] === key;
}

/**
 * What a route says it serves after a pass: its group key when it is not a follower and its own
 * service holds the hostname (programmed, converging, or failing for a while); nothing when it
 * follows, has no service, or its service cannot serve this hostname (refused, hostname taken).
 */
export function servingMark(
  route: AnyRoute,
  adapter: RouteKindAdapter,
  built: BuiltRoute,
  outcome: { state: string; serviceArn?: string | undefined; sharedServiceArn?: string | undefined },
): string | null {
  const key = publishedKeyOf(route, adapter, built);
  const holds = outcome.serviceArn !== undefined && outcome.sharedServiceArn === undefined;
  const serving =
    key !== undefined && built.group?.role !== 'follower' && holds && ['programmed', 'pending', 'error'].includes(outcome.state);
  return serving ? key : null;
}

/**
 * Who leads (routes oldest first): the oldest that holds a service for the group, so that a route
 * joining never takes the service from the one serving; else the oldest that followed a service
 * (a leader that left handed its service to that one); else the oldest.
 */
export function electLeader<T extends AnyRoute>(routes: readonly T[], key: string): T | undefined {
  return (
    routes.find((r) => servesGroup(r, key)) ??
    routes.find((r) => r.metadata.annotations?.[SHARED_SERVICE_ANNOTATION] !== undefined) ??
    routes[0]
  );
}

/**
 * The other members of the group `key` among the related routes (see above), with their models:
 * live ones oldest first, and those being deleted.
 */
export function groupMembers(
  route: AnyRoute,
  adapter: RouteKindAdapter,
  key: string,
  /** When given, members must name it exactly in their spec (see namesHostname). */
  domain: string | undefined,
  index: ObjectIndex,
  options: RouteModelOptions & { controllerName: string },
): { live: Member[]; leaving: Member[] } {
  const members: Member[] = [];
  for (const other of index.list<AnyRoute>(GATEWAY_GROUP, adapter.kind)) {
    const labels = other.metadata.labels ?? {};
    if (routeId(other) === routeId(route) || labels[HOSTNAME_GROUP_LABEL] !== key || labels[MANAGED_LABEL] !== MANAGED_LABEL_VALUE)
      continue;
    if (domain !== undefined && !namesHostname(other, domain)) continue;
    const built = buildRouteModel(other, adapter, routeParents(other, index, options.controllerName), index, options);
    if (built.model && !built.noValidRule && groupKeyOf(other.kind, built.model) === key) members.push({ route: other, built });
  }
  return {
    live: members.filter((m) => m.route.metadata.deletionTimestamp === undefined).sort((a, b) => olderFirst(a.route, b.route)),
    leaving: members.filter((m) => m.route.metadata.deletionTimestamp !== undefined),
  };
}

/**
 * The route's model as a member of its hostname group, when other related routes publish the group
 * key this route computes; the model as built otherwise. A follower's rules are renamed with its
 * tag; the leader's service is tagged with the group key.
 */
export function withHostnameGroup(
  route: AnyRoute,
  adapter: RouteKindAdapter,
  built: BuiltRoute,
  index: ObjectIndex,
  options: RouteModelOptions & { controllerName: string },
): BuiltRoute {
  const model = built.model;
  const domain = model?.service.customDomainName;
  const key = model && adapter.mode === 'rules' ? groupKeyOf(route.kind, model) : undefined;
  if (!model || key === undefined || domain === undefined || !namesHostname(route, domain)) return built;
  const { live: others, leaving } = groupMembers(route, adapter, key, domain, index, options);
  if (others.length === 0 && leaving.length === 0) return built;
  const live: Member[] = [{ route, built }, ...others];
  live.sort((a, b) => olderFirst(a.route, b.route));
  const leader = electLeader(
    live.map((m) => m.route),
    key,
  ) as AnyRoute;
  const leaderMember = live.find((m) => m.route === leader) as Member;
  const ranked = [leaderMember, ...live.filter((m) => m !== leaderMember)];
  const me = ranked.findIndex((m) => m.route === route);
  const role = me === 0 ? 'leader' : 'follower';
  const merged = mergeGroupRules(
    live.map((m) => ({
      route: m.route,
      rules: m.built.orderedRules,
      precedence: m.built.rulePrecedence,
      ruleNames: adapter.rules(m.route).map((r) => r.name),
    })),
    live.findIndex((m) => m.route === route),
    options.maxRulesPerListener,
    domain,
  );
  const rules = role === 'follower' ? merged.rules.map((r) => ({ ...r, name: followerRuleName(route, r.name) })) : merged.rules;
  const service = role === 'leader' ? { ...model.service, tags: { ...model.service.tags, [HOSTNAME_GROUP_TAG]: key } } : model.service;
  return {
    ...built,
    model: { ...model, service, rules },
    dropped: [...built.dropped, ...merged.dropped].sort((a, b) => a.ruleIndex - b.ruleIndex),
    group: {
      key,
      role,
      members: ranked.map((m) => routeId(m.route)),
      leaderServiceArn: leader.metadata.annotations?.[SERVICE_ARN_ANNOTATION],
      leaving: leaving.map((m) => routeId(m.route)).sort(),
    },
  };
}
