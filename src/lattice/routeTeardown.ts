import type { LatticeApi } from './api';
import type { LambdaApi } from './lambdaApi';
import type { TaggingApi } from './taggingApi';
import { awsErrorMessage, isAccessDenied, isConflict, isNotFound, orUndefinedIfNotFound } from './awsErrors';
import { idFromArn } from './arn';
import { routeTargetGroupPrefix } from '../model/names';
import { TAG } from '../model/tags';
import type { ExpiringSet } from './expiringSet';
import { routeOwns, type RouteOwner } from './ownership';
import { retireTargetGroup } from './targetGroupApply';

/** Lattice target groups in the tagging API's `service:type` form (the type as in their ARNs). */
const TARGET_GROUP_RESOURCE_TYPE = 'vpc-lattice:targetgroup';

export interface TeardownResult {
  /** Lattice holds nothing of this route any more. */
  done: boolean;
  waits: string[];
  /**
   * The service's ARN until the teardown is done, also once the service is gone: later passes
   * then check it with one Get instead of looking the name up in a List of the account.
   */
  serviceArn: string | undefined;
  /** Our target groups not yet gone. */
  targetGroupArns: string[];
  /** Why the search for unrecorded target groups could not run (the teardown finishes anyway). */
  searchSkipped?: string;
}

export interface TeardownOptions {
  lambda?: LambdaApi;
  /** Finds unrecorded target groups by the route's tags in one call; absent, the VPC's groups are listed. */
  tagging?: TaggingApi;
  /**
   * Facts that stay true once seen, remembered across a route's passes so later passes spare the
   * read: a target group whose tags showed it to be the route's (key: the route's token owner and
   * the ARN; sound for target groups only: nothing retags a group to another owner, as a group's
   * name hashes its route and adopting a group takes that name), and a service found gone (key:
   * `gone` and the ARN). Lattice never reuses an ARN.
   */
  teardownFacts?: ExpiringSet;
  /** The route's rules left a service that lives on (a follower of a shared hostname): its groups drain whatever its own service. */
  drainGroups?: boolean;
}

/** With `drain` false, registered targets are left to the group's deletion (see retireTargetGroup). */
type GroupTeardownOptions = TeardownOptions & { drain: boolean };

/** Whether the target group at `arn` is the route's by its tags (false once Lattice no longer has it). */
async function ownsGroup(
  api: LatticeApi,
  owner: RouteOwner,
  arn: string,
  ours: (tags: Readonly<Record<string, string>>) => boolean,
  teardownFacts: ExpiringSet | undefined,
): Promise<boolean> {
  const key = `${owner.tokenOwner} ${arn}`;
  if (teardownFacts?.has(key, Date.now())) return true;
  const tags = await api.tagsIfPresent(arn);
  if (tags === undefined || !ours(tags)) return false;
  teardownFacts?.add(key, Date.now());
  return true;
}

async function findService(api: LatticeApi, serviceArn: string | undefined, serviceName: string | undefined, teardownFacts?: ExpiringSet) {
  if (serviceArn) {
    const goneKey = `gone ${serviceArn}`;
    if (teardownFacts?.has(goneKey, Date.now())) return undefined;
    const service = await orUndefinedIfNotFound(api.getService(serviceArn));
    if (!service) teardownFacts?.add(goneKey, Date.now());
    return service;
  }
  if (!serviceName) return undefined;
  // No ARN recorded (a crash before the first answer): look the deterministic name up once.
  const summary = (await api.listServices()).find((s) => s.name === serviceName);
  return summary?.arn ? orUndefinedIfNotFound(api.getService(summary.arn)) : undefined;
}

/**
 * One pass of removing a route from Lattice, in dependency order: the service's associations,
 * then the service (Lattice deletes its listeners and rules with it), then — once nothing can
 * forward to them — the target groups, deregistered and drained first. Only what carries our
 * ManagedBy and this route's tags is touched. Call again until `done`.
 */
export async function teardownRoute(
  api: LatticeApi,
  owner: RouteOwner,
  known: { serviceArn: string | undefined; serviceName: string | undefined; targetGroupArns: readonly string[] },
  options: TeardownOptions = {},
): Promise<TeardownResult> {
  const waits: string[] = [];
  const targetGroups = new Set(known.targetGroupArns);
  const service = await findService(api, known.serviceArn, known.serviceName, options.teardownFacts);
  // Being deleted already: nothing to do but wait (and no need to read its tags on every pass).
  if (service?.arn && service.status === 'DELETE_IN_PROGRESS') {
    return {
      done: false,
      waits: ['the Lattice service is being deleted'],
      serviceArn: service.arn,
      targetGroupArns: [...targetGroups].sort(),
    };
  }
  // Read on every pass, never remembered: a hand-over to the next leader of a hostname group, or a
  // takeover by another cluster, retags the service while its ARN stays.
  const serviceTags = service?.arn ? await api.tagsIfPresent(service.arn) : undefined;
  if (service?.arn && service.id && serviceTags !== undefined && routeOwns(owner, serviceTags)) {
    const associations = await api.listServiceNetworkServiceAssociations({ serviceIdentifier: service.id });
    if (associations.length > 0) {
      for (const association of associations) {
        if (!association.arn || association.status === 'DELETE_IN_PROGRESS') continue;
        try {
          await api.deleteServiceNetworkServiceAssociation(association.arn);
        } catch (error) {
          if (!isNotFound(error) && !isConflict(error)) throw error;
        }
      }
      waits.push(`waiting for ${associations.length} service network association(s) to be deleted`);
    } else {
      // Groups the rules forward to and no pass recorded are not read here: they carry this
      // route's tags and name prefix, so the search for unrecorded groups at the end finds them.
      try {
        await api.deleteService(service.arn);
        waits.push('the Lattice service is being deleted');
      } catch (error) {
        if (isNotFound(error))
          return teardownTargetGroups(api, owner, [...targetGroups], waits, service.arn, {
            ...options,
            drain: options.drainGroups === true,
          });
        if (!isConflict(error)) throw error;
        waits.push(`the Lattice service cannot be deleted yet: ${awsErrorMessage(error)}`);
      }
    }
    return { done: false, waits, serviceArn: service.arn, targetGroupArns: [...targetGroups].sort() };
  }
  // Drained unless the route's own recorded service is gone, so that nothing forwards to them any more.
  const drain = options.drainGroups === true || service !== undefined || known.serviceArn === undefined;
  return teardownTargetGroups(api, owner, [...targetGroups], waits, known.serviceArn ?? service?.arn, { ...options, drain });
}

async function teardownTargetGroups(
  api: LatticeApi,
  owner: RouteOwner,
  arns: readonly string[],
  waits: string[],
  serviceArn: string | undefined,
  options: GroupTeardownOptions,
): Promise<TeardownResult> {
  const remaining = await retireOurs(api, owner, (tags) => owner.ownsTargetGroup(tags), arns, waits, options);
  let searchSkipped: string | undefined;
  if (remaining.length === 0 && waits.length === 0) {
    // Everything recorded is gone. Before saying so, look for groups a pass created and never
    // recorded (it ended in a retry, or the process died before answering): by tags or name.
    try {
      const unrecorded = await unrecordedTargetGroups(api, owner, new Set(arns.map(idFromArn)), options.tagging);
      // A route of another kind with this name and namespace shares the prefix and the tags searched for.
      const sameKind = (tags: Readonly<Record<string, string>>) =>
        owner.ownsTargetGroup(tags) && (tags[TAG.routeType] ?? owner.routeType) === owner.routeType;
      // No remembered verdicts here: they were made with the laxer test of recorded groups.
      remaining.push(...(await retireOurs(api, owner, sameKind, unrecorded, waits, { ...options, teardownFacts: undefined })));
    } catch (error) {
      // A policy without ListTargetGroups must not hold the route's deletion forever.
      if (!isAccessDenied(error)) throw error;
      searchSkipped = awsErrorMessage(error);
    }
  }
  const done = remaining.length === 0 && waits.length === 0;
  return {
    done,
    waits,
    serviceArn: done ? undefined : serviceArn,
    targetGroupArns: remaining.sort(),
    ...(searchSkipped ? { searchSkipped } : {}),
  };
}

/** Retires the groups of `arns` that are really ours (the ARNs come from an annotation anyone can edit); returns those not gone yet. */
async function retireOurs(
  api: LatticeApi,
  owner: RouteOwner,
  ours: (tags: Readonly<Record<string, string>>) => boolean,
  arns: readonly string[],
  waits: string[],
  options: GroupTeardownOptions,
): Promise<string[]> {
  const remaining: string[] = [];
  for (const arn of arns) {
    if (!(await ownsGroup(api, owner, arn, ours, options.teardownFacts))) continue;
    const outcome = await retireTargetGroup(api, arn, options.lambda, { drain: options.drain });
    if (!outcome.gone) {
      remaining.push(arn);
      waits.push(`target group ${arn.slice(arn.lastIndexOf('/') + 1)}: ${outcome.message}`);
    }
  }
  return remaining;
}

/**
 * Groups that may be the route's and are not among `known`. With the tagging API: those carrying
 * its ManagedBy, name and namespace, in one call whatever the fleet's size (the index lags by
 * seconds; the orphan collector removes what a search misses). Else, or while the tagging API
 * cannot be used: those named like its groups (its deterministic prefix), in the cluster's VPC
 * and among Lambda groups (which have no VPC), one page per 100 groups of the VPC. Lattice's own
 * tags decide later whether they are ours.
 */
async function unrecordedTargetGroups(
  api: LatticeApi,
  owner: RouteOwner,
  known: ReadonlySet<string>,
  tagging: TaggingApi | undefined,
): Promise<string[]> {
  const routeTags = { [TAG.managedBy]: owner.managedBy, [TAG.routeName]: owner.routeName, [TAG.routeNamespace]: owner.routeNamespace };
  const tagged = await tagging?.resourcesTagged(TARGET_GROUP_RESOURCE_TYPE, routeTags);
  if (tagged) return tagged.map((r) => r.arn).filter((arn) => !known.has(idFromArn(arn)));
  const prefix = routeTargetGroupPrefix(owner.routeName);
  const listed = [...(await api.listTargetGroups(owner.vpcId)), ...(await api.listTargetGroups(undefined, 'LAMBDA'))];
  return listed.filter((g) => g.arn && g.id && g.name?.startsWith(prefix) && !known.has(g.id)).map((g) => g.arn as string);
}
