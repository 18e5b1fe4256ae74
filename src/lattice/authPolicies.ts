import { awsErrorMessage, isNotFound, isUserActionable, isValidation, orUndefinedIfNotFound } from './awsErrors';
import { sameAuthPolicy } from './authPolicyDocument';
import type { PolicyApi } from './policyApi';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import { ownershipOf } from '../model/tags';
import {
  describePolicyResource,
  foreignOwner,
  notTheTargets,
  type PolicyApis,
  type PolicyResource,
  type PolicyTarget,
} from './policyResources';

/**
 * Names the IAMAuthPolicy (`<namespace>/<name>`) that put the auth policy of a resource. Every
 * resource of the cluster carries our ManagedBy tag, and a policy's record of its resource is an
 * annotation its namespace's users may edit: only this tag lets a policy release a resource, so
 * that no policy can open another one's service by editing its record.
 */
export const IAM_AUTH_POLICY_TAG = `${KEY_PREFIX}IAMAuthPolicy`;

/**
 * What became of an auth policy. Every state but `missing` names the resource: the policy records
 * it even when its document did not apply, so that the resource is never left protected (by an
 * earlier document) with no policy responsible for it.
 */
export type AuthPolicyState =
  | { state: 'applied'; resource: PolicyResource }
  /** The service network or service does not exist (any more). */
  | { state: 'missing' }
  /**
   * The resource is managed by another owner, or is not the target's own (the route's service,
   * the network named as the Gateway): its auth is left alone. `resource` (to record) only for
   * another owner's, which a release leaves alone; a stranger's is never recorded, so no release
   * ever looks at it.
   */
  | { state: 'conflicted'; resource?: PolicyResource; message: string }
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
 * Makes the resource require IAM auth with this policy document, and tags it with the policy's
 * name (IAM_AUTH_POLICY_TAG). In steady state this is three reads (the resource, its policy, its
 * tags) and no write. Resources tagged by another owner are not touched; untagged ones (a network
 * made by hand for a Gateway) are, and get only that tag, never ManagedBy: that would make them
 * look like ours to the ServiceNetwork controller.
 */
export async function ensureAuthPolicy(
  apis: PolicyApis,
  options: { resourceArn: string; document: string; managedBy: string; policyName: string; target: PolicyTarget },
): Promise<AuthPolicyState> {
  const resource = await describePolicyResource(apis.api, options.resourceArn);
  if (!resource) return { state: 'missing' };
  try {
    const current = await orUndefinedIfNotFound(apis.policies.getAuthPolicy(resource.id));
    const documentInPlace = current?.policy !== undefined && sameAuthPolicy(current.policy, options.document);
    const tags = await apis.api.tagsIfPresent(resource.arn);
    if (tags === undefined) return { state: 'missing' };
    const stranger = notTheTargets(resource, tags, options.managedBy, options.target);
    if (stranger) return { state: 'conflicted', message: stranger };
    const foreign = foreignOwner(resource, tags, options.managedBy);
    if (foreign) return { state: 'conflicted', resource, message: foreign };
    const named = tags[IAM_AUTH_POLICY_TAG] === options.policyName;
    if (documentInPlace && resource.authType === 'AWS_IAM' && named) return { state: 'applied', resource };
    // The tag first: from here this policy answers for the resource, also when Lattice refuses its document.
    if (!named) await apis.api.tagResource(resource.arn, { [IAM_AUTH_POLICY_TAG]: options.policyName });
    // The document before the auth type: AWS_IAM without an auth policy denies every request.
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
 * Restores auth type NONE and deletes the auth policy of a resource this policy put one on: one
 * whose IAMAuthPolicy tag names `policyName`, or, untagged (put before the tag existed), one that
 * carries this policy's `document`. With `onlyIfDocument` (no record of where we put it, e.g.
 * after a lost answer) only a resource carrying exactly that document is restored. A resource
 * that is gone took its policy with it; one tagged by another owner is left alone. The document
 * alone stands for this policy only on a resource of ours (`ManagedBy`): every auth policy put
 * since the tag exists carries the tag, and the document of a resource made by hand may be
 * anyone's to copy. With `target`, only the target's own resource is restored.
 */
export async function removeAuthPolicy(
  apis: PolicyApis,
  options: {
    resource: string;
    managedBy: string;
    policyName: string;
    document?: string;
    onlyIfDocument?: string;
    target?: PolicyTarget | undefined;
  },
): Promise<{ done: true; message: string }> {
  const resource = await describePolicyResource(apis.api, options.resource);
  if (!resource) return { done: true, message: 'the resource no longer exists' };
  const tags = await apis.api.tagsIfPresent(resource.arn);
  if (tags === undefined) return { done: true, message: 'the resource no longer exists' };
  const refused =
    foreignOwner(resource, tags, options.managedBy) ?? (options.target && notTheTargets(resource, tags, options.managedBy, options.target));
  if (refused) return { done: true, message: refused };
  const holder = tags[IAM_AUTH_POLICY_TAG];
  const required = options.onlyIfDocument ?? (holder === undefined ? options.document : undefined);
  if (holder !== undefined && holder !== options.policyName)
    return { done: true, message: `the auth policy of ${resource.type} ${resource.name} is ${holder}'s: left in place` };
  if (holder === undefined && (required === undefined || ownershipOf(tags, options.managedBy) !== 'ours'))
    return { done: true, message: `no auth policy of this policy on ${resource.type} ${resource.name}: left in place` };
  if (required !== undefined) {
    const current = await orUndefinedIfNotFound(apis.policies.getAuthPolicy(resource.id));
    if (current?.policy === undefined || !sameAuthPolicy(current.policy, required))
      return { done: true, message: 'no auth policy of ours' };
  }
  try {
    // NONE first: an AWS_IAM resource without its policy would deny every request.
    if (resource.authType !== 'NONE') await setAuthType(apis.policies, resource, 'NONE');
    await apis.policies.deleteAuthPolicy(resource.id);
    if (holder !== undefined) await apis.api.untagResource(resource.arn, [IAM_AUTH_POLICY_TAG]);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return { done: true, message: `auth policy removed from ${resource.type} ${resource.name}` };
}
