import type { LatticeApi } from './api';
import { orUndefinedIfNotFound } from './awsErrors';
import type { PolicyApi } from './policyApi';
import { routeOwns } from './ownership';
import { isGatewaysNetwork } from './serviceNetworks';
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
 * What a policy is attached to: only a route's own service, or only the network a Gateway
 * resolves to (named as the Gateway), is the policy's to change.
 */
export type PolicyTarget = { kind: 'route'; namespace: string; name: string } | { kind: 'gateway'; name: string };

/**
 * Why a policy leaves a resource alone: it is tagged with another owner's ManagedBy (ours or
 * untagged ones are fair game: a Gateway's network may be made by hand), or it is not the
 * target's own (the target's annotation that names it is anyone's to edit who may edit the
 * target). Undefined when it may be changed.
 */
export async function refusedResource(
  api: LatticeApi,
  resource: PolicyResource,
  managedBy: string,
  target: PolicyTarget,
): Promise<string | undefined> {
  const tags = await api.listTags(resource.arn);
  return foreignOwner(resource, tags, managedBy) ?? notTheTargets(resource, tags, managedBy, target);
}

/**
 * Why a policy attached to `target` leaves `resource` alone: it is not that route's service (our
 * ManagedBy and the route's tags), or not the network of that Gateway (its name or id the
 * Gateway's name, as the Gateway resolves it).
 */
export function notTheTargets(
  resource: PolicyResource,
  tags: Readonly<Record<string, string>>,
  managedBy: string,
  target: PolicyTarget,
): string | undefined {
  if (target.kind === 'gateway') {
    if (resource.type === 'ServiceNetwork' && isGatewaysNetwork(resource, target.name)) return undefined;
    return `${resource.type} ${resource.name} is not the service network of Gateway ${target.name}: it is left alone`;
  }
  return routeOwns({ managedBy, routeName: target.name, routeNamespace: target.namespace }, tags)
    ? undefined
    : `${resource.type} ${resource.name} is not the Lattice service of route ${target.namespace}/${target.name}: it is left alone`;
}

/** Why a resource is another owner's: tagged with another ManagedBy (ours and untagged ones are not). */
export function foreignOwner(resource: PolicyResource, tags: Readonly<Record<string, string>>, managedBy: string): string | undefined {
  return ownershipOf(tags, managedBy) === 'foreign'
    ? `${resource.type} ${resource.name} is managed by ${tags[TAG.managedBy]}: it is left alone`
    : undefined;
}
