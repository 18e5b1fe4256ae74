import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import { sameDestinationType } from './accessLogDestination';
import { awsErrorMessage, isConflict, isNotFound, isUserActionable, orUndefinedIfNotFound } from './awsErrors';
import { clientToken } from './clientToken';
import { describePolicyResource, refusedResource, type PolicyApis, type PolicyResource, type PolicyTarget } from './policyResources';
import { ownershipOf, TAG } from '../model/tags';

/** Names the AccessLogPolicy (`<namespace>/<name>`) a subscription belongs to (Go controller compatible). */
export const ACCESS_LOG_POLICY_TAG = `${KEY_PREFIX}AccessLogPolicy`;

export type SubscriptionState =
  /** With the resource, when it was read (not in steady state). */
  | { state: 'active'; arn: string; resource?: PolicyResource }
  /** The service network or service does not exist (any more). */
  | { state: 'missing' }
  /** The destination does not exist. */
  | { state: 'invalid'; message: string }
  /** Lattice refused the change for another reason a person must fix (permissions, quotas): what is in place stays. */
  | { state: 'failed'; message: string }
  /** Another owner's subscription already takes this destination type for the resource, or the resource is another owner's. */
  | { state: 'conflicted'; message: string };

export interface SubscriptionSpec {
  /** Identity of the policy for the clientToken: `<ManagedBy>/<uid>/<generation>`. */
  owner: string;
  managedBy: string;
  /** `<namespace>/<name>` of the policy. */
  policyName: string;
  extraTags: Readonly<Record<string, string>>;
  resourceArn: string;
  /** What the policy is attached to: the resource must be its own. */
  target: PolicyTarget;
  destinationArn: string;
  /** The subscription recorded on the policy, if any. */
  knownArn: string | undefined;
  /** Whether a subscription of ours tagged for `taggedPolicy` may be taken over by this policy. */
  mayAdopt(taggedPolicy: string | undefined): boolean;
}

function resourceTypeOf(error: unknown): string | undefined {
  return (error as { resourceType?: string }).resourceType;
}

/** A ResourceNotFoundException about the destination: Lattice names it (not the network or service, not a subscription). */
function isMissingDestination(error: unknown, destinationArn: string): boolean {
  if (!isNotFound(error) || ['SERVICE_NETWORK', 'SERVICE', 'ACCESS_LOG_SUBSCRIPTION'].includes(resourceTypeOf(error) ?? '')) return false;
  const { resourceId, message } = error as { resourceId?: string; message?: string };
  return resourceId === destinationArn || (message ?? '').includes(destinationArn);
}

/**
 * Errors of Create/Update that the policy's user must act on. Only a destination that does not
 * exist makes the policy invalid; permissions or quotas say nothing about the destination, and
 * leave the subscription in place.
 */
function refusal(error: unknown, destinationArn: string): SubscriptionState | undefined {
  if (isNotFound(error) && ['SERVICE_NETWORK', 'SERVICE'].includes(resourceTypeOf(error) ?? '')) return { state: 'missing' };
  if (isMissingDestination(error, destinationArn)) return { state: 'invalid', message: awsErrorMessage(error) };
  return isNotFound(error) || isUserActionable(error) ? { state: 'failed', message: awsErrorMessage(error) } : undefined;
}

async function update(apis: PolicyApis, arn: string, destinationArn: string): Promise<SubscriptionState | undefined> {
  try {
    await apis.policies.updateAccessLogSubscription(arn, destinationArn);
    return { state: 'active', arn };
  } catch (error) {
    if (isNotFound(error) && resourceTypeOf(error) === 'ACCESS_LOG_SUBSCRIPTION') return undefined;
    const refused = refusal(error, destinationArn);
    if (refused) return refused;
    throw error;
  }
}

/** After a ConflictException: the subscription of this destination type on the resource, taken over when it is ours to take. */
async function adopt(apis: PolicyApis, spec: SubscriptionSpec, conflict: unknown): Promise<SubscriptionState> {
  const existing = (await apis.policies.listAccessLogSubscriptions(spec.resourceArn)).find(
    (s) => s.destinationArn !== undefined && sameDestinationType(s.destinationArn, spec.destinationArn),
  );
  if (!existing?.arn) return { state: 'conflicted', message: awsErrorMessage(conflict) };
  const tags = await apis.api.listTags(existing.arn);
  const tagged = tags[ACCESS_LOG_POLICY_TAG];
  if (ownershipOf(tags, spec.managedBy) !== 'ours' || !spec.mayAdopt(tagged)) {
    const holder = tagged ? `AccessLogPolicy ${tagged}` : `owner ${tags[TAG.managedBy] ?? 'unknown'}`;
    return {
      state: 'conflicted',
      message: `access log subscription ${existing.arn} of ${holder} already delivers this destination type for the resource`,
    };
  }
  if (tagged !== spec.policyName) await apis.api.tagResource(existing.arn, { [ACCESS_LOG_POLICY_TAG]: spec.policyName });
  if (existing.destinationArn === spec.destinationArn) return { state: 'active', arn: existing.arn };
  return (await update(apis, existing.arn, spec.destinationArn)) ?? { state: 'conflicted', message: awsErrorMessage(conflict) };
}

async function create(apis: PolicyApis, spec: SubscriptionSpec): Promise<SubscriptionState> {
  const tags = { ...spec.extraTags, [TAG.managedBy]: spec.managedBy, [ACCESS_LOG_POLICY_TAG]: spec.policyName };
  try {
    const created = await apis.policies.createAccessLogSubscription({
      resourceIdentifier: spec.resourceArn,
      destinationArn: spec.destinationArn,
      tags,
      // A retry after a lost answer returns the same subscription; the replaced ARN is part of the
      // token so that a subscription deleted behind our back is created anew, not replayed.
      clientToken: clientToken(spec.owner, {
        resourceArn: spec.resourceArn,
        destinationArn: spec.destinationArn,
        tags,
        replaces: spec.knownArn ?? null,
      }),
    });
    return created.arn
      ? { state: 'active', arn: created.arn }
      : { state: 'invalid', message: 'CreateAccessLogSubscription returned no ARN' };
  } catch (error) {
    if (isConflict(error)) return adopt(apis, spec, error);
    const refused = refusal(error, spec.destinationArn);
    if (refused) return refused;
    throw error;
  }
}

/**
 * Makes one subscription of ours deliver the resource's access logs to the destination. The
 * recorded subscription is updated in place when only the destination changes within its type,
 * and replaced (the new one first) when the resource or the destination type changes. In steady
 * state this is one read (the recorded subscription) and no write; the resource is read, and its
 * owner checked, only before a write.
 */
export async function ensureAccessLogSubscription(apis: PolicyApis, spec: SubscriptionSpec): Promise<SubscriptionState> {
  const known = spec.knownArn ? await orUndefinedIfNotFound(apis.policies.getAccessLogSubscription(spec.knownArn)) : undefined;
  const sameSlot =
    known?.arn !== undefined &&
    known.resourceArn === spec.resourceArn &&
    sameDestinationType(known.destinationArn ?? '', spec.destinationArn);
  if (sameSlot && known?.arn && known.destinationArn === spec.destinationArn) return { state: 'active', arn: known.arn };
  const resource = await describePolicyResource(apis.api, spec.resourceArn);
  if (!resource) return { state: 'missing' };
  const refused = await refusedResource(apis.api, resource, spec.managedBy, spec.target);
  if (refused) return { state: 'conflicted', message: refused };
  const updated = sameSlot && known?.arn ? await update(apis, known.arn, spec.destinationArn) : undefined;
  const result = updated ?? (await create(apis, { ...spec, resourceArn: resource.arn }));
  if (result.state !== 'active') return result;
  if (known?.arn && known.arn !== result.arn)
    await removeAccessLogSubscription(apis, { arn: known.arn, managedBy: spec.managedBy, policyName: spec.policyName });
  return { ...result, resource };
}

/**
 * Deletes the subscriptions of a resource that are ours and tagged for this policy: what an
 * answer lost after a create left behind without a record.
 */
export async function removeUnrecordedSubscriptions(
  apis: PolicyApis,
  options: { resourceArn: string; managedBy: string; policyName: string },
): Promise<{ done: true; message: string }> {
  const subscriptions = (await orUndefinedIfNotFound(apis.policies.listAccessLogSubscriptions(options.resourceArn))) ?? [];
  for (const subscription of subscriptions) {
    if (subscription.arn)
      await removeAccessLogSubscription(apis, { arn: subscription.arn, managedBy: options.managedBy, policyName: options.policyName });
  }
  return { done: true, message: `no access log subscription of this policy left on ${options.resourceArn}` };
}

/**
 * Deletes a subscription if it is still this policy's (ours, and tagged for it): one another
 * policy took over, or one that is already gone, is left alone.
 */
export async function removeAccessLogSubscription(
  apis: PolicyApis,
  options: { arn: string; managedBy: string; policyName: string },
): Promise<{ done: true; message: string }> {
  try {
    const tags = await apis.api.listTags(options.arn);
    if (ownershipOf(tags, options.managedBy) !== 'ours' || tags[ACCESS_LOG_POLICY_TAG] !== options.policyName) {
      return { done: true, message: `access log subscription ${options.arn} is no longer this policy's: left in place` };
    }
    await apis.policies.deleteAccessLogSubscription(options.arn);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return { done: true, message: `access log subscription ${options.arn} deleted` };
}
