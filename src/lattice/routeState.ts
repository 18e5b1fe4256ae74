import type { HttpMatch, RuleAction as SdkRuleAction } from '@aws-sdk/client-vpc-lattice';
import type { ObservedImport } from '../model/importCandidates';
import type { LatticeApi } from './api';
import { idFromArn } from './arn';
import { orUndefinedIfNotFound } from './awsErrors';
import type { ObservedTargetGroup } from './targetGroupState';

/** What Lattice holds for one route, read with as few calls as the route's own size allows. */

export interface ObservedService {
  arn: string;
  id: string;
  name: string;
  status: string;
  dnsName: string | undefined;
  customDomainName: string | undefined;
  certificateArn: string | undefined;
  tags: Record<string, string>;
}

export interface ObservedRule {
  id: string;
  name: string;
  priority: number | undefined;
  isDefault: boolean;
  match: HttpMatch | undefined;
  action: SdkRuleAction | undefined;
}

export interface ObservedListener {
  id: string;
  arn: string;
  name: string;
  port: number;
  protocol: string;
  rules: ObservedRule[];
  /** Read only for TLS passthrough listeners, whose default action carries the traffic. */
  defaultAction: SdkRuleAction | undefined;
}

export interface ObservedAssociation {
  arn: string;
  id: string;
  serviceNetworkArn: string;
  status: string;
}

export interface ObservedRoute {
  service: ObservedService | undefined;
  listeners: ObservedListener[];
  targetGroups: ObservedTargetGroup[];
  associations: ObservedAssociation[];
  /** The target groups of other owners the route imports (absent: not read). */
  imports?: readonly ObservedImport[];
}

export function forwardTargetGroupIds(action: SdkRuleAction | undefined): string[] {
  return action?.forward?.targetGroups?.map((t) => t.targetGroupIdentifier ?? '').filter((id) => id !== '') ?? [];
}

export async function observeService(api: LatticeApi, serviceArn: string | undefined): Promise<ObservedService | undefined> {
  if (!serviceArn) return undefined;
  const service = await orUndefinedIfNotFound(api.getService(serviceArn));
  if (!service?.arn || !service.id || !service.name) return undefined;
  const tags = await api.tagsIfPresent(service.arn);
  if (tags === undefined) return undefined;
  return {
    arn: service.arn,
    id: service.id,
    name: service.name,
    status: service.status ?? 'ACTIVE',
    dnsName: service.dnsEntry?.domainName,
    customDomainName: service.customDomainName || undefined,
    certificateArn: service.certificateArn || undefined,
    tags,
  };
}

/**
 * The route's listeners and their rules. Lists carry neither a rule's match and action nor a TLS
 * listener's default action: one Get each, except for a rule the process remembers unchanged since
 * (see ContentMemory). `reread`: Get every rule (verify-now).
 */
export async function observeListeners(api: LatticeApi, serviceId: string, reread = false): Promise<ObservedListener[]> {
  const remembered = reread ? undefined : api.rememberedRules;
  const listeners: ObservedListener[] = [];
  for (const summary of await api.listListeners(serviceId)) {
    if (!summary.id || !summary.arn) continue;
    const rules: ObservedRule[] = [];
    let defaultAction: SdkRuleAction | undefined;
    if (summary.protocol === 'TLS_PASSTHROUGH') {
      defaultAction = (await orUndefinedIfNotFound(api.getListener(serviceId, summary.id)))?.defaultAction;
    } else {
      for (const rule of await api.listRules(serviceId, summary.id)) {
        if (!rule.id) continue;
        if (rule.isDefault) {
          rules.push({ id: rule.id, name: rule.name ?? '', priority: rule.priority, isDefault: true, match: undefined, action: undefined });
          continue;
        }
        const full =
          remembered?.recall(rule.arn ?? rule.id, rule) ?? (await orUndefinedIfNotFound(api.getRule(serviceId, summary.id, rule.id)));
        if (!full) continue;
        rules.push({
          id: rule.id,
          name: full.name ?? rule.name ?? '',
          // As just listed: what the plan moves and other routes' rules hold.
          priority: rule.priority ?? full.priority,
          isDefault: false,
          match: full.match?.httpMatch,
          action: full.action,
        });
      }
    }
    listeners.push({
      id: summary.id,
      arn: summary.arn,
      name: summary.name ?? '',
      port: summary.port ?? 0,
      protocol: summary.protocol ?? '',
      rules,
      defaultAction,
    });
  }
  return listeners;
}

export async function observeAssociations(api: LatticeApi, serviceId: string): Promise<ObservedAssociation[]> {
  return (await api.listServiceNetworkServiceAssociations({ serviceIdentifier: serviceId }))
    .filter((a) => a.arn && a.id && a.serviceNetworkArn)
    .map((a) => ({
      arn: a.arn as string,
      id: a.id as string,
      serviceNetworkArn: a.serviceNetworkArn as string,
      status: a.status ?? 'ACTIVE',
    }));
}

/** Statuses a pictured resource may be found in: still coming, or there. Anything else needs a full observation. */
const COMING_OR_THERE = new Set(['CREATE_IN_PROGRESS', 'ACTIVE']);

export interface RefreshedPicture {
  observed: ObservedRoute;
  /** Whether the associations were listed again (a full observation of this pass may use them). */
  listedAssociations: boolean;
}

/**
 * The last pass's picture of the route (see passPicture) with what was in transition read again:
 * the service and the target groups not ACTIVE yet (one Get each) and, while one is not
 * ACTIVE, the associations (one List). Undefined when a read finds what the picture cannot
 * account for (gone, failed, being deleted): the pass then observes in full.
 *
 * `created`: the picture is older than Lattice takes to create a service or group, so the ones it
 * holds as being created are taken as ACTIVE without a read (a fleet waiting on the account's API
 * rate comes back to a route minutes later). Only the writes that need them ACTIVE depend on it
 * (registering targets, associating the service): Lattice refuses those with a conflict while they
 * are not, and the pass waits. The full observation that alone reports the route Programmed reads them.
 */
export async function refreshPicture(api: LatticeApi, picture: ObservedRoute, created = false): Promise<RefreshedPicture | undefined> {
  const takenAsCreated = (status: string) => created && status === 'CREATE_IN_PROGRESS';
  let service = picture.service;
  if (service && takenAsCreated(service.status)) service = { ...service, status: 'ACTIVE' };
  else if (service && service.status !== 'ACTIVE') {
    const read = await orUndefinedIfNotFound(api.getService(service.arn));
    const status = read?.status ?? 'ACTIVE';
    if (!read || !COMING_OR_THERE.has(status)) return undefined;
    service = { ...service, status, dnsName: read.dnsEntry?.domainName ?? service.dnsName };
  }
  const targetGroups: ObservedTargetGroup[] = [];
  for (const group of picture.targetGroups) {
    // One whose targets the picture does not know is read (see below).
    if (group.status === 'ACTIVE' || (takenAsCreated(group.status) && group.targets !== undefined)) {
      targetGroups.push({ ...group, status: 'ACTIVE' });
      continue;
    }
    const read = await orUndefinedIfNotFound(api.getTargetGroup(group.arn));
    const status = read?.status ?? 'ACTIVE';
    // Targets unknown (observed before it was ACTIVE): only a full observation reads them.
    if (!read || !COMING_OR_THERE.has(status) || (status === 'ACTIVE' && group.targets === undefined)) return undefined;
    targetGroups.push({ ...group, status });
  }
  // Any association not ACTIVE is listed again: being created, deleted or failed, it is what the route waits on.
  const unsettled = picture.associations.some((a) => a.status !== 'ACTIVE');
  if (!unsettled || !service) return { observed: { ...picture, service, targetGroups }, listedAssociations: false };
  const associations = await orUndefinedIfNotFound(observeAssociations(api, service.id));
  // The service, or an association pictured, is gone since (deleted out of band, or a create's
  // answer named one deleted before: see freshCreate): a full observation finds out.
  if (associations === undefined || picture.associations.some((p) => !associations.some((a) => a.arn === p.arn))) return undefined;
  return { observed: { ...picture, service, targetGroups, associations }, listedAssociations: true };
}

/** The imported target groups a route forwards to: one Get each, since the import's status can be a minute old. */
export async function observeImportedTargetGroups(api: LatticeApi, arns: Iterable<string>): Promise<ObservedImport[]> {
  const imports: ObservedImport[] = [];
  for (const arn of new Set(arns)) {
    const group = await orUndefinedIfNotFound(api.getTargetGroup(arn));
    imports.push(
      group
        ? { arn, id: idFromArn(arn), missing: false, status: group.status ?? 'ACTIVE', serviceArns: group.serviceArns ?? [] }
        : { arn, id: idFromArn(arn), missing: true },
    );
  }
  return imports;
}

/**
 * What the route recorded that Lattice no longer has (deleted out of band): said in the route's
 * status while it is created again, instead of failing every later sync.
 */
export function goneFromLattice(
  recordedServiceArn: string | undefined,
  recordedTargetGroups: readonly string[],
  observed: Pick<ObservedRoute, 'service' | 'targetGroups'>,
): string[] {
  const notes: string[] = [];
  if (recordedServiceArn && !observed.service)
    notes.push(
      `the recorded Lattice service ${recordedServiceArn} no longer exists (deleted outside the controller) or is not this route's; it is created again`,
    );
  const found = new Set(observed.targetGroups.map((g) => g.arn));
  const missing = recordedTargetGroups.filter((arn) => !found.has(arn));
  if (missing.length > 0)
    notes.push(
      `recorded target group${missing.length > 1 ? 's' : ''} ${missing.join(', ')} no longer exist${missing.length > 1 ? '' : 's'}; created again where still wanted`,
    );
  return notes;
}

/** A resource Lattice is deleting (or failed to delete): nothing can be built on it. */
export function isDeleting(status: string | undefined): boolean {
  return status === 'DELETE_IN_PROGRESS' || status === 'DELETE_FAILED';
}
