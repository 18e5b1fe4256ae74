import {
  GetResourcesCommand,
  InvalidParameterException,
  PaginationTokenExpiredException,
  ResourceGroupsTaggingAPIClient,
  ThrottledException,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { TagResourceCommand } from '@aws-sdk/client-vpc-lattice';
import { createService, createTargetGroup, CREDENTIALS, latticeClient, REGION, rejection, startHarness, type Harness } from './support';

describe('Resource Groups Tagging API GetResources (awsJson1_1)', () => {
  let h: Harness;
  let tagging: ResourceGroupsTaggingAPIClient;
  beforeEach(async () => {
    h = await startHarness();
    tagging = new ResourceGroupsTaggingAPIClient({
      endpoint: h.emulator.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterEach(async () => {
    tagging.destroy();
    await h.close();
  });

  const tag = (arn: string, tags: Record<string, string>) => h.lattice.send(new TagResourceCommand({ resourceArn: arn, tags }));

  it('finds Lattice resources by every tag filter and resource type, with their tags', async () => {
    const ours = await createTargetGroup(h.lattice, 'ours');
    const otherRoute = await createTargetGroup(h.lattice, 'other');
    const untagged = await createTargetGroup(h.lattice, 'plain');
    const service = await createService(h.lattice, 'shop');
    await tag(ours.arn, { owner: 'me', route: 'shop' });
    await tag(otherRoute.arn, { owner: 'me', route: 'cart' });
    await tag(service.arn, { owner: 'me', route: 'shop' });
    void untagged;

    const found = await tagging.send(
      new GetResourcesCommand({
        TagFilters: [
          { Key: 'owner', Values: ['me'] },
          { Key: 'route', Values: ['shop'] },
        ],
        ResourceTypeFilters: ['vpc-lattice:targetgroup'],
      }),
    );
    expect(found.ResourceTagMappingList).toEqual([
      {
        ResourceARN: ours.arn,
        Tags: [
          { Key: 'owner', Value: 'me' },
          { Key: 'route', Value: 'shop' },
        ],
      },
    ]);
    expect(found.PaginationToken).toBe('');

    // Values are alternatives, a filter without values takes any value, a service filter takes all its types.
    const any = await tagging.send(
      new GetResourcesCommand({
        TagFilters: [{ Key: 'route', Values: ['shop', 'cart'] }, { Key: 'owner' }],
        ResourceTypeFilters: ['vpc-lattice'],
      }),
    );
    expect((any.ResourceTagMappingList ?? []).map((r) => r.ResourceARN).sort()).toEqual([ours.arn, otherRoute.arn, service.arn].sort());
    const services = await tagging.send(
      new GetResourcesCommand({ TagFilters: [{ Key: 'owner' }], ResourceTypeFilters: ['vpc-lattice:service'] }),
    );
    expect((services.ResourceTagMappingList ?? []).map((r) => r.ResourceARN)).toEqual([service.arn]);
    expect((await h.admin.calls()).byOperation.GetResources).toBe(3);
  });

  it('pages by ResourcesPerPage and looks up an ARN list (the parameters AWS lets go together)', async () => {
    const arns: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const group = await createTargetGroup(h.lattice, `group-${i}`);
      await tag(group.arn, { owner: 'me' });
      arns.push(group.arn);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await tagging.send(
        new GetResourcesCommand({ TagFilters: [{ Key: 'owner' }], ResourcesPerPage: 2, PaginationToken: token }),
      );
      seen.push(...(page.ResourceTagMappingList ?? []).map((r) => r.ResourceARN ?? ''));
      token = page.PaginationToken || undefined;
      pages += 1;
    } while (token);
    expect([pages, seen]).toEqual([3, [...arns].sort()]);

    const listed = await tagging.send(
      new GetResourcesCommand({ ResourceARNList: [arns[1] ?? '', 'arn:aws:vpc-lattice:us-west-2:123456789012:targetgroup/tg-gone'] }),
    );
    expect((listed.ResourceTagMappingList ?? []).map((r) => r.ResourceARN)).toEqual([arns[1]]);
    await expect(
      rejection(
        tagging.send(new GetResourcesCommand({ ResourceARNList: [arns[0] ?? ''], TagFilters: [{ Key: 'owner' }] })),
        InvalidParameterException,
      ),
    ).resolves.toBeInstanceOf(InvalidParameterException);
    await expect(
      rejection(tagging.send(new GetResourcesCommand({ PaginationToken: 'not-a-token' })), PaginationTokenExpiredException),
    ).resolves.toBeInstanceOf(PaginationTokenExpiredException);
    await expect(
      rejection(tagging.send(new GetResourcesCommand({ ResourcesPerPage: 101 })), InvalidParameterException),
    ).resolves.toBeInstanceOf(InvalidParameterException);
  });

  it("answers the caller's own tagged resources of its region and partition only", async () => {
    const china = latticeClient(h.emulator.endpoint, { region: 'cn-north-1' });
    const chinaTagging = new ResourceGroupsTaggingAPIClient({
      endpoint: h.emulator.endpoint,
      region: 'cn-north-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const there = await createTargetGroup(china, 'there');
      await china.send(new TagResourceCommand({ resourceArn: there.arn, tags: { owner: 'me' } }));
      const here = await createTargetGroup(h.lattice, 'here');
      await tag(here.arn, { owner: 'me' });
      await createTargetGroup(h.lattice, 'untagged');
      const arnsFrom = async (c: ResourceGroupsTaggingAPIClient) =>
        ((await c.send(new GetResourcesCommand({ ResourceTypeFilters: ['vpc-lattice:targetgroup'] }))).ResourceTagMappingList ?? []).map(
          (r) => r.ResourceARN,
        );
      expect(await arnsFrom(chinaTagging)).toEqual([there.arn]);
      expect(there.arn).toMatch(/^arn:aws-cn:vpc-lattice:cn-north-1:/);
      expect(await arnsFrom(tagging)).toEqual([here.arn]);
      // Another account's caller sees none of them.
      await h.admin.config({ callerAccountId: '210987654321' });
      expect(await arnsFrom(tagging)).toEqual([]);
    } finally {
      china.destroy();
      chinaTagging.destroy();
    }
  });

  it("leaves a new resource out for taggingLagMs after its creation, as AWS's index lags", async () => {
    await h.admin.config({ taggingLagMs: 60_000 });
    const group = await createTargetGroup(h.lattice, 'fresh');
    await tag(group.arn, { owner: 'me' });
    const find = async () => (await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'owner' }] }))).ResourceTagMappingList ?? [];
    expect(await find()).toEqual([]);
    h.clock.advance(60_000);
    expect((await find()).map((r) => r.ResourceARN)).toEqual([group.arn]);
  });

  it("answers injected faults in the tagging API's own error shapes", async () => {
    await h.admin.addFault({ operation: 'GetResources', error: 'ThrottlingException', times: 1 });
    await h.admin.addFault({ operation: 'GetResources', error: 'AccessDeniedException', afterCalls: 1, times: 1 });
    await expect(rejection(tagging.send(new GetResourcesCommand({})), ThrottledException)).resolves.toBeInstanceOf(ThrottledException);
    const denied = await tagging.send(new GetResourcesCommand({})).catch((error: Error) => error);
    expect((denied as Error).name).toBe('AccessDeniedException');
    expect((await tagging.send(new GetResourcesCommand({}))).ResourceTagMappingList).toEqual([]);
  });
});
