import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import { sameDestinationType } from './accessLogDestination';
import { awsErrorMessage, isConflict, isNotFound, isUserActionable, orUndefinedIfNotFound } from './awsErrors';
import { clientToken } from './clientToken';
import type { PolicyApis } from './policyResources';
import { ownershipOf, TAG } from './tags';

/** Names the AccessLogPolicy (`<namespace>/<name>`) a subscription belongs to (Go controller compatible). */
export const ACCESS_LOG_POLICY_TAG = `${KEY_PREFIX}AccessLogPolicy`;

export type SubscriptionState =
  | { state: 'active'; arn: string }
  /** The service network or service does not exist (any more). */
  | { state: 'missing' }
  /** Lattice refused the destination (it does not exist, or we may not deliver to it). */
  | { state: 'invalid'; message: string }
  /** Another owner's subscription already takes this destination type for the resource. */
  | { state: 'conflicted'; message: string };

export interface SubscriptionSpec {
  /** Identity of the policy for the clientToken: `<ManagedBy>/<uid>/<generation>`. */
  owner: string;
  managedBy: string;
  /** `<namespace>/<name>` of the policy. */
  policyName: string;
  extraTags: Readonly<Record<string, string>>;
  resourceArn: string;
  destinationArn: string;
  /** The subscription recorded on the policy, if any. */
  knownArn: string | undefined;
  /** Whether a subscription of ours tagged for `taggedPolicy` may be taken over by this policy. */
  mayAdopt(taggedPolicy: string | undefined): boolean;
}

function resourceTypeOf(error: unknown): string | undefined {
  return (error as { resourceType?: string }).resourceType;
}

/** Errors of Create/Update that the policy's user must act on. */
function refusal(error: unknown): SubscriptionState | undefined {
  if (isNotFound(error)) {
    const type = resourceTypeOf(error);
    // Lattice names the missing resource: ours (the network or service) or the destination.
    return type === 'SERVICE_NETWORK' || type === 'SERVICE' ? { state: 'missing' } : { state: 'invalid', message: awsErrorMessage(error) };
  }
  return isUserActionable(error) ? { state: 'invalid', message: awsErrorMessage(error) } : undefined;
}

async function update(apis: PolicyApis, arn: string, destinationArn: string): Promise<SubscriptionState | undefined> {
  try {
    await apis.policies.updateAccessLogSubscription(arn, destinationArn);
    return { state: 'active', arn };
  } catch (error) {
    if (isNotFound(error) && resourceTypeOf(error) === 'ACCESS_LOG_SUBSCRIPTION') return undefined;
    const refused = refusal(error);
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
    return { state: 'conflicted', message: `access log subscription ${existing.arn} of ${holder} already delivers this destination type for the resource` };
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
      clientToken: clientToken(spec.owner, { resourceArn: spec.resourceArn, destinationArn: spec.destinationArn, tags, replaces: spec.knownArn ?? null }),
    });
    return created.arn ? { state: 'active', arn: created.arn } : { state: 'invalid', message: 'CreateAccessLogSubscription returned no ARN' };
  } catch (error) {
    if (isConflict(error)) return adopt(apis, spec, error);
    const refused = refusal(error);
    if (refused) return refused;
    throw error;
  }
}

/**
 * Makes one subscription of ours deliver the resource's access logs to the destination. The
 * recorded subscription is updated in place when only the destination changes within its type,
 * and replaced (the new one first) when the resource or the destination type changes. In steady
 * state this is one read and no write.
 */
export async function ensureAccessLogSubscription(apis: PolicyApis, spec: SubscriptionSpec): Promise<SubscriptionState> {
  const known = spec.knownArn ? await orUndefinedIfNotFound(apis.policies.getAccessLogSubscription(spec.knownArn)) : undefined;
  if (known?.arn && known.resourceArn === spec.resourceArn && sameDestinationType(known.destinationArn ?? '', spec.destinationArn)) {
    if (known.destinationArn === spec.destinationArn) return { state: 'active', arn: known.arn };
    const updated = await update(apis, known.arn, spec.destinationArn);
    if (updated) return updated;
  }
  const created = await create(apis, spec);
  if (created.state === 'active' && known?.arn && known.arn !== created.arn) await removeAccessLogSubscription(apis, { arn: known.arn, managedBy: spec.managedBy, policyName: spec.policyName });
  return created;
}

/**
 * Deletes a subscription if it is still this policy's (ours, and tagged for it): one another
 * policy took over, or one that is already gone, is left alone.
 */
export async function removeAccessLogSubscription(apis: PolicyApis, options: { arn: string; managedBy: string; policyName: string }): Promise<{ done: true; message: string }> {
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
