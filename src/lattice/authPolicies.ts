import { awsErrorMessage, isNotFound, isUserActionable, isValidation, orUndefinedIfNotFound } from './awsErrors';
import { sameAuthPolicy } from './authPolicyDocument';
import type { PolicyApi } from './policyApi';
import { describePolicyResource, foreignOwnership, type PolicyApis, type PolicyResource } from './policyResources';

/**
 * What became of an auth policy. Every state but `missing` names the resource: the policy records
 * it even when its document did not apply, so that the resource is never left protected (by an
 * earlier document) with no policy responsible for it.
 */
export type AuthPolicyState =
  | { state: 'applied'; resource: PolicyResource }
  /** The service network or service does not exist (any more). */
  | { state: 'missing' }
  /** The resource is managed by another owner: its auth is left alone. */
  | { state: 'conflicted'; resource: PolicyResource; message: string }
  /** Lattice refused the document. */
  | { state: 'invalid'; resource: PolicyResource; message: string }
  /** Something the user must fix (permissions, quota). */
  | { state: 'failed'; resource: PolicyResource; message: string };

function setAuthType(policies: PolicyApi, resource: PolicyResource, authType: 'AWS_IAM' | 'NONE') {
  return resource.type === 'ServiceNetwork'
    ? policies.updateServiceNetworkAuthType(resource.id, authType)
    : policies.updateServiceAuthType(resource.id, authType);
}

/**
 * Makes the resource require IAM auth with this policy document. In steady state this is two
 * reads (the resource, its policy) and no write. Resources tagged by another owner are not touched;
 * untagged ones (a network made by hand for a Gateway) are, but are not tagged: tagging would make
 * them look like ours to the ServiceNetwork controller.
 */
export async function ensureAuthPolicy(
  apis: PolicyApis,
  options: { resourceArn: string; document: string; managedBy: string },
): Promise<AuthPolicyState> {
  const resource = await describePolicyResource(apis.api, options.resourceArn);
  if (!resource) return { state: 'missing' };
  try {
    const current = await orUndefinedIfNotFound(apis.policies.getAuthPolicy(resource.id));
    const documentInPlace = current?.policy !== undefined && sameAuthPolicy(current.policy, options.document);
    if (documentInPlace && resource.authType === 'AWS_IAM') return { state: 'applied', resource };
    const foreign = await foreignOwnership(apis.api, resource, options.managedBy);
    if (foreign) return { state: 'conflicted', resource, message: foreign };
    // The document first: AWS_IAM without an auth policy denies every request.
    if (!documentInPlace) await apis.policies.putAuthPolicy(resource.id, options.document);
    if (resource.authType !== 'AWS_IAM') await setAuthType(apis.policies, resource, 'AWS_IAM');
  } catch (error) {
    if (isNotFound(error)) return { state: 'missing' };
    if (isValidation(error)) return { state: 'invalid', resource, message: awsErrorMessage(error) };
    if (isUserActionable(error)) return { state: 'failed', resource, message: awsErrorMessage(error) };
    throw error;
  }
  return { state: 'applied', resource };
}

/**
 * Restores auth type NONE and deletes the auth policy of a resource we put one on. With
 * `onlyIfDocument` (no record of where we put it, e.g. after a lost answer) only a resource
 * carrying exactly that document is restored. A resource that is gone took its policy with it; one
 * tagged by another owner since is left alone.
 */
export async function removeAuthPolicy(
  apis: PolicyApis,
  options: { resource: string; managedBy: string; onlyIfDocument?: string },
): Promise<{ done: true; message: string }> {
  const resource = await describePolicyResource(apis.api, options.resource);
  if (!resource) return { done: true, message: 'the resource no longer exists' };
  if (options.onlyIfDocument !== undefined) {
    const current = await orUndefinedIfNotFound(apis.policies.getAuthPolicy(resource.id));
    if (current?.policy === undefined || !sameAuthPolicy(current.policy, options.onlyIfDocument))
      return { done: true, message: 'no auth policy of ours' };
  }
  const foreign = await foreignOwnership(apis.api, resource, options.managedBy);
  if (foreign) return { done: true, message: foreign };
  try {
    // NONE first: an AWS_IAM resource without its policy would deny every request.
    if (resource.authType !== 'NONE') await setAuthType(apis.policies, resource, 'NONE');
    await apis.policies.deleteAuthPolicy(resource.id);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return { done: true, message: `auth policy removed from ${resource.type} ${resource.name}` };
}
