import { GetResourcesCommand, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { RetryLaterError } from '../errors';
import type { Logger } from '../log';
import { awsErrorMessage, isThrottling } from './awsErrors';
import { BudgetExhausted } from './callBudget';
import type { CallSession } from './callSession';

/** The Resource Groups Tagging API's page size ceiling. */
const RESOURCES_PER_PAGE = 100;

/** How long the process does without the tagging API after it failed (denied, unreachable, unknown to the endpoint). */
export const TAGGING_PAUSE_MS = 10 * 60_000;

export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

/**
 * Process-wide: whether the tagging API may be asked. After a failure of the endpoint (see
 * failureOf) it is not asked again for a while: each caller has a dearer way that is always right
 * (a Lattice List), and an endpoint that hangs would otherwise cost every hook its whole deadline.
 */
export class TaggingAvailability {
  #pausedUntil = 0;

  constructor(readonly pauseMs: number = TAGGING_PAUSE_MS) {}

  usable(nowMs: number): boolean {
    return nowMs >= this.#pausedUntil;
  }

  pause(nowMs: number): void {
    this.#pausedUntil = nowMs + this.pauseMs;
  }
}

/** What AWS or the network said, beneath the call session's RetryLaterError. */
function underlying(error: unknown): unknown {
  return error instanceof RetryLaterError && error.cause !== undefined ? error.cause : error;
}

/** A call cut off by the hook's deadline this soon after it was sent says nothing about the endpoint. */
const HANG_MS = 2000;

type Failure = 'ours' | 'throttled' | 'endpoint';

/**
 * Whose the failure is: ours (the call budget, the hook's deadline before the call or too soon after
 * it), the tagging API's quota (throttled), or the endpoint's (denied, unreachable, unknown client,
 * a server error, a call that hung for HANG_MS or more).
 */
function failureOf(error: unknown, sentAt: number | undefined): Failure {
  if (error instanceof RetryLaterError && (error.cause === undefined || error.cause instanceof BudgetExhausted)) return 'ours';
  const cause = underlying(error);
  if (isThrottling(cause)) return 'throttled';
  const name = (cause as { name?: unknown } | null)?.name;
  const cutOff = name === 'AbortError' || name === 'TimeoutError';
  if (cutOff && (sentAt === undefined || Date.now() - sentAt < HANG_MS)) return 'ours';
  return 'endpoint';
}

/**
 * The Resource Groups Tagging API: finds the account's resources by their tags in one call where
 * a Lattice List would page through the whole fleet (the IAM policy is derived from this list too).
 * Its index lags Lattice by seconds: an answer may still name a resource deleted since, or not yet
 * one just created, so callers confirm with Lattice before acting and never take an absence as proof.
 */
export class TaggingApi {
  readonly #client: ResourceGroupsTaggingAPIClient;
  readonly #session: CallSession;
  readonly #availability: TaggingAvailability;
  readonly #log: Logger;

  constructor(client: ResourceGroupsTaggingAPIClient, session: CallSession, availability: TaggingAvailability, log: Logger) {
    this.#client = client;
    this.#session = session;
    this.#availability = availability;
    this.#log = log;
  }

  /** The tagging API's throttling is its own quota's: it does not slow the Lattice budget (and falls back to lists: see failureOf). */
  #run<T>(operation: string, send: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    return this.#session.run(operation, send, 'other');
  }

  /**
   * Resources of `resourceType` (`service:type`, as in their ARNs) that carry every tag of `tags`;
   * undefined when the tagging API cannot answer now (the caller takes its other way): throttled
   * (this call), or failing otherwise (paused for a while, logged once). The call budget and the
   * hook's deadline still throw: the hook retries later.
   */
  async resourcesTagged(resourceType: string, tags: Readonly<Record<string, string>>): Promise<TaggedResource[] | undefined> {
    if (!this.#availability.usable(Date.now())) return undefined;
    const call: { sentAt?: number } = {};
    try {
      return await this.#allPages(resourceType, tags, call);
    } catch (error) {
      const failure = failureOf(error, call.sentAt);
      if (failure === 'ours') throw error;
      // The tagging API's own quota: Lattice's lists still answer, this time.
      if (failure === 'throttled') return undefined;
      this.#availability.pause(Date.now());
      this.#log.warn(
        { error: awsErrorMessage(underlying(error)), pausedForSeconds: this.#availability.pauseMs / 1000 },
        'the Resource Groups Tagging API failed: using Lattice lists instead for a while (grant tag:GetResources and make its endpoint reachable, or set DISABLE_TAGGING_SERVICE_API=true)',
      );
      return undefined;
    }
  }

  /** `call.sentAt`: when the last page's request left (after its wait for the call budget). */
  async #allPages(resourceType: string, tags: Readonly<Record<string, string>>, call: { sentAt?: number }): Promise<TaggedResource[]> {
    const TagFilters = Object.entries(tags).map(([Key, value]) => ({ Key, Values: [value] }));
    const found: TaggedResource[] = [];
    let paginationToken: string | undefined;
    do {
      const token = paginationToken;
      const page = await this.#run('GetResources', (o) => {
        call.sentAt = Date.now();
        return this.#client.send(
          new GetResourcesCommand({
            TagFilters,
            ResourceTypeFilters: [resourceType],
            ResourcesPerPage: RESOURCES_PER_PAGE,
            ...(token ? { PaginationToken: token } : {}),
          }),
          o,
        );
      });
      for (const mapping of page.ResourceTagMappingList ?? []) {
        if (!mapping.ResourceARN) continue;
        found.push({ arn: mapping.ResourceARN, tags: Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) });
      }
      // The last page answers an empty token rather than none.
      paginationToken = page.PaginationToken || undefined;
    } while (paginationToken);
    return found;
  }
}
