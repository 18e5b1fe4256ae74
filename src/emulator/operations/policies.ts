/** Auth policies and resource policies of service networks and services. */
import { ResourceNotFoundError, ValidationError, type ResourceType } from '../errors';
import { findPolicyOwner } from '../lookup';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { resourceArn, resourceIdentifier } from '../shapes';
import type { PolicyRecord } from '../state';
import { required, str, struct } from '../validation';
import { authPolicyView, pick } from '../views';

/** AWS wants the policy as one line of JSON ("must not contain newlines or blank lines"). */
function checkPolicyDocument(policy: string): void {
  const fail = (problem: string) => ValidationError.field('policy', `Value at 'policy' failed to satisfy constraint: ${problem}`);
  if (/[\r\n]/.test(policy)) throw fail('the policy must not contain newlines');
  try {
    JSON.parse(policy);
  } catch {
    throw fail('the policy is not valid JSON');
  }
}

function putPolicy(context: OperationContext, policies: Map<string, PolicyRecord>, identifier: string, policy: string): PolicyRecord {
  checkPolicyDocument(policy);
  const owner = findPolicyOwner(context.store, identifier);
  const existing = policies.get(owner.id);
  const record: PolicyRecord = {
    resourceId: owner.id,
    resourceArn: owner.arn,
    policy,
    createdAt: existing?.createdAt ?? context.now,
    lastUpdatedAt: context.now,
  };
  policies.set(owner.id, record);
  return record;
}

function getPolicy(
  context: OperationContext,
  policies: Map<string, PolicyRecord>,
  identifier: string,
  resourceType: ResourceType,
): PolicyRecord {
  const owner = findPolicyOwner(context.store, identifier);
  const policy = policies.get(owner.id);
  if (policy === undefined) throw new ResourceNotFoundError(resourceType, owner.id, `${owner.id} has no ${resourceType}`);
  return policy;
}

/** Idempotent: deleting a policy that does not exist succeeds, as long as its resource exists. */
function deletePolicy(context: OperationContext, policies: Map<string, PolicyRecord>, identifier: string): undefined {
  policies.delete(findPolicyOwner(context.store, identifier).id);
  return undefined;
}

const byResourceIdentifier = { resourceIdentifier: required(resourceIdentifier) };
const byResourceArn = { resourceArn: required(resourceArn) };

const authPolicyOperations: readonly Operation[] = [
  defineOperation({
    name: 'PutAuthPolicy',
    method: 'PUT',
    uri: '/authpolicy/{resourceIdentifier}',
    successCode: 200,
    input: struct({ ...byResourceIdentifier, policy: required(str({ max: 36864 })) }),
    handle: (context, input) => {
      const record = putPolicy(context, context.store.authPolicies, input.resourceIdentifier, input.policy);
      return pick(authPolicyView(context.store, record), ['policy', 'state']);
    },
  }),
  defineOperation({
    name: 'GetAuthPolicy',
    method: 'GET',
    uri: '/authpolicy/{resourceIdentifier}',
    successCode: 200,
    input: struct(byResourceIdentifier),
    handle: (context, input) =>
      authPolicyView(context.store, getPolicy(context, context.store.authPolicies, input.resourceIdentifier, 'AUTH_POLICY')),
  }),
  defineOperation({
    name: 'DeleteAuthPolicy',
    method: 'DELETE',
    uri: '/authpolicy/{resourceIdentifier}',
    successCode: 204,
    input: struct(byResourceIdentifier),
    handle: (context, input) => deletePolicy(context, context.store.authPolicies, input.resourceIdentifier),
  }),
];

const resourcePolicyOperations: readonly Operation[] = [
  defineOperation({
    name: 'PutResourcePolicy',
    method: 'PUT',
    uri: '/resourcepolicy/{resourceArn}',
    successCode: 200,
    input: struct({ ...byResourceArn, policy: required(str({ min: 1, max: 10000, pattern: '^.*\\S.*$' })) }),
    handle: (context, input) => {
      putPolicy(context, context.store.resourcePolicies, input.resourceArn, input.policy);
      return {};
    },
  }),
  defineOperation({
    name: 'GetResourcePolicy',
    method: 'GET',
    uri: '/resourcepolicy/{resourceArn}',
    successCode: 200,
    input: struct(byResourceArn),
    handle: (context, input) => ({
      policy: getPolicy(context, context.store.resourcePolicies, input.resourceArn, 'RESOURCE_POLICY').policy,
    }),
  }),
  defineOperation({
    name: 'DeleteResourcePolicy',
    method: 'DELETE',
    uri: '/resourcepolicy/{resourceArn}',
    successCode: 204,
    input: struct(byResourceArn),
    handle: (context, input) => deletePolicy(context, context.store.resourcePolicies, input.resourceArn),
  }),
];

export const policyOperations: readonly Operation[] = [...authPolicyOperations, ...resourcePolicyOperations];
