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

/** The route a policy is attached to: only that route's own service is the policy's to change. */
export interface TargetRoute {
  namespace: string;
  name: string;
}

/**
 * Why a policy leaves a resource alone: it is tagged with another owner's ManagedBy (ours or
 * untagged ones are fair game for a Gateway's network, which may be made by hand), or the policy
 * is attached to a route and the resource is not that route's service (the route's annotation
 * that names it is anyone's to edit). Undefined when it may be changed.
 */
export async function refusedResource(
  api: LatticeApi,
  resource: PolicyResource,
  managedBy: string,
  route: TargetRoute | undefined,
): Promise<string | undefined> {
  const tags = await api.listTags(resource.arn);
  return foreignOwner(resource, tags, managedBy) ?? notTheRoutes(resource, tags, managedBy, route);
}

/** Why a policy attached to `route` leaves `resource` alone: it is not that route's service (nothing to say for a Gateway's). */
export function notTheRoutes(
  resource: PolicyResource,
  tags: Readonly<Record<string, string>>,
  managedBy: string,
  route: TargetRoute | undefined,
): string | undefined {
  if (route === undefined) return undefined;
  const routes = tags[TAG.managedBy] === managedBy && tags[TAG.routeNamespace] === route.namespace && tags[TAG.routeName] === route.name;
  return routes
    ? undefined
    : `${resource.type} ${resource.name} is not the Lattice service of route ${route.namespace}/${route.name}: it is left alone`;
}

/** Why a resource is another owner's: tagged with another ManagedBy (ours and untagged ones are not). */
export function foreignOwner(resource: PolicyResource, tags: Readonly<Record<string, string>>, managedBy: string): string | undefined {
  return ownershipOf(tags, managedBy) === 'foreign'
    ? `${resource.type} ${resource.name} is managed by ${tags[TAG.managedBy]}: it is left alone`
    : undefined;
}
