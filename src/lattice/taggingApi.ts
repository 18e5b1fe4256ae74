import { GetResourcesCommand, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { CallSession } from './callSession';

/** The Resource Groups Tagging API's page size ceiling. */
const RESOURCES_PER_PAGE = 100;

export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
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

  constructor(client: ResourceGroupsTaggingAPIClient, session: CallSession) {
    this.#client = client;
    this.#session = session;
  }

  /** Resources of `resourceType` (`service:type`, as in their ARNs) that carry every tag of `tags`. */
  async resourcesTagged(resourceType: string, tags: Readonly<Record<string, string>>): Promise<TaggedResource[]> {
    const TagFilters = Object.entries(tags).map(([Key, value]) => ({ Key, Values: [value] }));
    const found: TaggedResource[] = [];
    let paginationToken: string | undefined;
    do {
      const token = paginationToken;
      const page = await this.#session.run('GetResources', (o) =>
        this.#client.send(
          new GetResourcesCommand({
            TagFilters,
            ResourceTypeFilters: [resourceType],
            ResourcesPerPage: RESOURCES_PER_PAGE,
            ...(token ? { PaginationToken: token } : {}),
          }),
          o,
        ),
      );
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
