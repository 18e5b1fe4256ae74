import { HOSTNAME_GROUP_TAG } from '../model/hostnameGroup';
import { ownershipOf, TAG } from '../model/tags';
import type { LatticeApi } from './api';
import { orUndefinedIfNotFound } from './awsErrors';
import { routeOwns, type RouteOwner } from './ownership';
import { observeListeners } from './routeState';

/**
 * The Lattice side of routes sharing a hostname (model/hostnameGroup): a member removing its own
 * rules from the group's service, and a leader handing the service to the next member.
 */

/**
 * Deletes the rules of `serviceArn` that `owns` names (a member's rules, when it leaves the group
 * or is deleted). A service that is gone, or not ours, holds nothing to remove. Rule deletions
 * take effect at once, so one pass removes them all.
 */
export async function removeMemberRules(
  api: LatticeApi,
  managedBy: string,
  serviceArn: string,
  owns: (ruleName: string) => boolean,
): Promise<number> {
  const service = await orUndefinedIfNotFound(api.getService(serviceArn));
  if (!service?.arn || !service.id) return 0;
  const tags = await api.tagsIfPresent(service.arn);
  // Only a shared service: a route's own service holds no rules of other routes.
  if (tags === undefined || ownershipOf(tags, managedBy) !== 'ours' || tags[HOSTNAME_GROUP_TAG] === undefined) return 0;
  return deleteRules(api, service.id, owns);
}

/** Deletes the rules of the service `serviceId` that `owns` names; returns how many. */
async function deleteRules(api: LatticeApi, serviceId: string, owns: (ruleName: string) => boolean): Promise<number> {
  let removed = 0;
  for (const listener of await observeListeners(api, serviceId)) {
    for (const rule of listener.rules) {
      if (rule.isDefault || !owns(rule.name)) continue;
      await orUndefinedIfNotFound(api.deleteRule(serviceId, listener.id, rule.id));
      removed += 1;
    }
  }
  return removed;
}

/**
 * A leader leaving a group that goes on: its rules leave the service, and the service's route tags
 * name the next leader, which then records it as its own (under this route's service name, which
 * Lattice cannot change). Only a service this route owns and that serves `groupKey` (the followers
 * use it) is handed over; returns whether it was.
 */
export async function handOverService(
  api: LatticeApi,
  owner: RouteOwner,
  serviceArn: string,
  groupKey: string,
  successor: { namespace: string; name: string },
  owns: (ruleName: string) => boolean,
): Promise<boolean> {
  const service = await orUndefinedIfNotFound(api.getService(serviceArn));
  if (!service?.arn || !service.id) return false;
  const tags = await api.tagsIfPresent(service.arn);
  if (tags === undefined || !routeOwns(owner, tags) || tags[HOSTNAME_GROUP_TAG] !== groupKey) return false;
  await deleteRules(api, service.id, owns);
  await api.tagResource(service.arn, { [TAG.routeName]: successor.name, [TAG.routeNamespace]: successor.namespace });
  return true;
}
