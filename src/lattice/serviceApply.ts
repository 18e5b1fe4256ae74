import type { ServiceModel } from '../model/routeModel';
import { ownershipOf, TAG, tagChanges } from '../model/tags';
import type { LatticeApi } from './api';
import { awsErrorMessage, isConflict, isNotFound } from './awsErrors';
import { customDomainHolder } from './domainConflicts';
import { checkedByUse, createFresh, isAlive } from './freshCreate';
import type { RouteOwner } from './ownership';
import type { ObservedAssociation } from './routeState';

/** The service name belongs to another route or owner: the apply stops and the route reports it. */
export class ServiceConflict extends Error {}

export interface KnownService {
  arn: string;
  id: string;
  dnsName: string | undefined;
  /** As a create answered it (CREATE_IN_PROGRESS, usually). */
  status?: string;
}

/**
 * Creates the route's service; its listeners check the answer (see checkedByUse: `dead`, the
 * recorded service found gone). A name already taken is adopted when it is this route's (or a
 * takeover is allowed): `adopted` then says so, and the pass stops since it did not observe it.
 */
export async function createService(
  api: LatticeApi,
  owner: RouteOwner,
  service: ServiceModel,
  dead: ReadonlySet<string> = new Set(),
): Promise<{ service: KnownService | undefined; adopted?: string }> {
  const input = {
    name: service.name,
    tags: service.tags,
    ...(service.customDomainName ? { customDomainName: service.customDomainName } : {}),
    ...(service.certificateArn ? { certificateArn: service.certificateArn } : {}),
  };
  try {
    const created = await createFresh(
      owner.tokenOwner,
      input,
      (i) => api.createService(i),
      checkedByUse(dead, (c) => api.getService(c.arn ?? '')),
    );
    return {
      service:
        created.arn && created.id
          ? { arn: created.arn, id: created.id, dnsName: created.dnsEntry?.domainName, status: created.status ?? 'ACTIVE' }
          : undefined,
    };
  } catch (error) {
    if (!isConflict(error)) throw error;
    const adopted = await adoptService(api, owner, service);
    return { service: adopted.known, adopted: adopted.message };
  }
}

/**
 * A service of that name exists: ours for this route → adopt; takeover allowed → retag; else ServiceConflict.
 * An adopted service was not observed this pass, so the caller records it and stops with Unobserved(message).
 */
async function adoptService(api: LatticeApi, owner: RouteOwner, service: ServiceModel): Promise<{ known: KnownService; message: string }> {
  const summary = (await api.listServices()).find((s) => s.name === service.name);
  if (!summary?.arn || !summary.id) throw new ServiceConflict(`Lattice service ${service.name} exists but cannot be read`);
  const tags = await api.listTags(summary.arn);
  const managedBy = tags[TAG.managedBy];
  const sameRoute =
    owner.routeName !== undefined &&
    tags[TAG.routeName] === owner.routeName &&
    tags[TAG.routeNamespace] === owner.routeNamespace &&
    (tags[TAG.routeType] ?? owner.routeType) === owner.routeType;
  const ours = managedBy === owner.managedBy && sameRoute;
  const takeover = managedBy !== undefined && managedBy !== owner.managedBy && managedBy === owner.allowTakeoverFrom;
  if (!ours && !takeover) {
    const holder =
      managedBy === undefined
        ? 'an untagged service (not managed by any controller)'
        : managedBy === owner.managedBy
          ? `route ${tags[TAG.routeNamespace]}/${tags[TAG.routeName]}`
          : `owner ${managedBy}`;
    const takeoverHint = managedBy && managedBy !== owner.managedBy ? ', or allow-takeover-from' : '';
    throw new ServiceConflict(
      `Lattice service name ${service.name} is already used by ${holder}; set the service-name-override annotation${takeoverHint}`,
    );
  }
  const changes = tagChanges(tags, service.tags);
  if (Object.keys(changes).length > 0) await api.tagResource(summary.arn, changes);
  const full = await api.getService(summary.arn);
  return {
    known: { arn: summary.arn, id: summary.id, dnsName: full.dnsEntry?.domainName },
    message: `adopted the existing Lattice service ${summary.arn} (${full.status}); it is programmed from what it holds next pass`,
  };
}

/**
 * Joins the service to a network; a refusal is a custom-domain conflict or something to wait for,
 * not an error. The answer is read back (see createFresh) unless the service is new: created by
 * this pass, or earlier in its chain of passes (`'chain'`, see LatticePicture.createdServiceId). The
 * chain's premise rests on passes of other processes leaving their mark, which a lost answer does
 * not: so there only an answer of a create in progress, as a new association is, goes unread.
 */
export async function associateService(
  api: LatticeApi,
  owner: RouteOwner,
  serviceIdentifier: string,
  serviceNetworkArn: string,
  customDomain: string | undefined,
  serviceCreated?: 'pass' | 'chain',
): Promise<{ wait?: string; domainConflict?: string; created?: ObservedAssociation }> {
  const input = { serviceIdentifier, serviceNetworkIdentifier: serviceNetworkArn, tags: { [TAG.managedBy]: owner.managedBy } };
  const read = (c: { arn?: string }) =>
    isAlive(api.listServiceNetworkServiceAssociations({ serviceIdentifier }).then((all) => all.find((a) => a.arn === c.arn)));
  const alive =
    serviceCreated === 'pass'
      ? async () => true
      : serviceCreated === 'chain'
        ? async (c: { arn?: string; status?: string }) => c.status === 'CREATE_IN_PROGRESS' || read(c)
        : read;
  try {
    const created = await createFresh(owner.tokenOwner, input, (i) => api.createServiceNetworkServiceAssociation(i), alive);
    const { arn, id, status } = created;
    return arn && id ? { created: { arn, id, serviceNetworkArn, status: status ?? 'ACTIVE' } } : {};
  } catch (error) {
    if (!isConflict(error)) throw error;
    const domainConflict = await customDomainHolder(api, serviceNetworkArn, customDomain, serviceIdentifier);
    if (domainConflict !== undefined) return { domainConflict };
    return { wait: `association with ${serviceNetworkArn} not possible yet: ${awsErrorMessage(error)}` };
  }
}

/** Leaves a network; only an association tagged as ours is deleted. Returns what to wait for, if anything. */
export async function dissociateService(api: LatticeApi, owner: RouteOwner, associationArn: string): Promise<string | undefined> {
  const tags = await api.tagsIfPresent(associationArn);
  if (tags === undefined || ownershipOf(tags, owner.managedBy) !== 'ours') return undefined;
  try {
    await api.deleteServiceNetworkServiceAssociation(associationArn);
    return undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (!isConflict(error)) throw error;
    return `association ${associationArn} cannot be deleted yet`;
  }
}
