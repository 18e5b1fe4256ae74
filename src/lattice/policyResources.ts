import type { LatticeApi } from './api';
import { orUndefinedIfNotFound } from './awsErrors';
import type { PolicyApi } from './policyApi';
import { ownershipOf, TAG } from '../model/tags';

/** What the service policies need of AWS: the Lattice API and the policy operations. */
export interface PolicyApis {
  readonly api: LatticeApi;
  readonly policies: PolicyApi;
}

/** The Go controller's names of the two resource types a policy applies to. */
export type PolicyResourceType = 'ServiceNetwork' | 'Service';

/** A service network or service, as a policy sees it. */
export interface PolicyResource {
  type: PolicyResourceType;
  id: string;
  arn: string;
  name: string;
  authType: string | undefined;
}

/** The type of a service network or service from its ARN or id (`sn-…`, `svc-…`). */
export function policyResourceType(arnOrId: string): PolicyResourceType | undefined {
  const id = arnOrId.slice(arnOrId.lastIndexOf('/') + 1);
  if (id.startsWith('sn-')) return 'ServiceNetwork';
  if (id.startsWith('svc-')) return 'Service';
  return undefined;
}

/**
 * Reads a service network or service; undefined when it does not exist (any more), or is being
 * deleted (it takes its auth policy and access log subscriptions with it, and refuses updates).
 */
export async function describePolicyResource(api: LatticeApi, arnOrId: string): Promise<PolicyResource | undefined> {
  const type = policyResourceType(arnOrId);
  const found: { id?: string; arn?: string; name?: string; authType?: string; status?: string } | undefined =
    type === 'ServiceNetwork'
      ? await orUndefinedIfNotFound(api.getServiceNetwork(arnOrId))
      : type === 'Service'
        ? await orUndefinedIfNotFound(api.getService(arnOrId))
        : undefined;
  if (!type || !found?.id || !found.arn || found.status === 'DELETE_IN_PROGRESS') return undefined;
  return { type, id: found.id, arn: found.arn, name: found.name ?? found.id, authType: found.authType };
}

/**
 * Why a resource is left alone: it is tagged with another owner's ManagedBy (ours or untagged
 * ones are fair game). Undefined when it may be changed.
 */
export async function foreignOwnership(api: LatticeApi, resource: PolicyResource, managedBy: string): Promise<string | undefined> {
  return foreignOwner(resource, await api.listTags(resource.arn), managedBy);
}

/** foreignOwnership from tags already read. */
export function foreignOwner(resource: PolicyResource, tags: Readonly<Record<string, string>>, managedBy: string): string | undefined {
  return ownershipOf(tags, managedBy) === 'foreign'
    ? `${resource.type} ${resource.name} is managed by ${tags[TAG.managedBy]}: it is left alone`
    : undefined;
}
