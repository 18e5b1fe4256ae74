import { RetryLaterError } from '../../../src/errors';
import type { LatticeApi } from '../../../src/lattice/api';
import { ExpiringSet } from '../../../src/lattice/expiringSet';
import { routeOwns, type RouteOwner } from '../../../src/lattice/ownership';
import { teardownRoute } from '../../../src/lattice/routeTeardown';
import type { TaggingApi } from '../../../src/lattice/taggingApi';
import { TAG } from '../../../src/model/tags';

const base = {
  managedBy: 'me',
  vpcId: 'vpc-a',
  tokenOwner: 'me/HTTPRoute/uid',
  routeName: 'shop',
  routeNamespace: 'apps',
  routeType: 'http',
  allowTakeoverFrom: undefined,
};
const owner: RouteOwner = { ...base, ownsTargetGroup: (tags) => routeOwns(base, tags) };
const tagsOf = (namespace: string, type: string, managedBy = 'me') => ({
  [TAG.managedBy]: managedBy,
  [TAG.routeName]: 'shop',
  [TAG.routeNamespace]: namespace,
  [TAG.routeType]: type,
});

/** Lattice as teardown sees it once the route's service is gone: target groups, their tags, deletions. */
function lattice(groups: { id: string; name: string; tags: Record<string, string>; type?: string }[]) {
  const deleted: string[] = [];
  const tagReads: string[] = [];
  const arn = (id: string) => `arn:aws:vpc-lattice:us-west-2:123456789012:targetgroup/${id}`;
  const byArn = (a: string) => groups.find((g) => arn(g.id) === a || g.id === a);
  const api = {
    listServices: async () => [],
    listTargetGroups: async (vpc?: string, type?: string) =>
      groups
        .filter((g) => !deleted.includes(g.id) && (type ? g.type === type : g.type !== 'LAMBDA') && (vpc === undefined || vpc === 'vpc-a'))
        .map((g) => ({ id: g.id, arn: arn(g.id), name: g.name })),
    listTags: async (a: string) => byArn(a)?.tags ?? {},
    tagsIfPresent: async (a: string) => {
      tagReads.push(byArn(a)?.id ?? a);
      return byArn(a)?.tags;
    },
    getTargetGroup: async (a: string) => {
      const g = byArn(a);
      if (!g || deleted.includes(g.id)) throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
      return { id: g.id, arn: arn(g.id), status: 'ACTIVE', type: g.type ?? 'IP' };
    },
    listTargets: async () => [],
    deleteTargetGroup: async (a: string) => {
      deleted.push(byArn(a)?.id ?? a);
    },
  } as unknown as LatticeApi;
  return { api, deleted, arn, tagReads };
}

describe('teardownRoute: target groups no pass recorded', () => {
  it("finds the route's groups by name prefix and tags, IP and Lambda, and leaves every other group alone", async () => {
    const { api, deleted } = lattice([
      { id: 'tg-ours', name: 'k8s-shop-apps-web-80-aaa', tags: tagsOf('apps', 'http') },
      { id: 'tg-fn', name: 'k8s-shop-apps-fn-lambda-bbb', tags: tagsOf('apps', 'http'), type: 'LAMBDA' },
      { id: 'tg-grpc', name: 'k8s-shop-apps-web-80-ccc', tags: tagsOf('apps', 'grpc') },
      { id: 'tg-other-ns', name: 'k8s-shop-other-web-80-ddd', tags: tagsOf('other', 'http') },
      { id: 'tg-foreign', name: 'k8s-shop-apps-web-80-eee', tags: tagsOf('apps', 'http', 'someone-else') },
      { id: 'tg-shopping', name: 'k8s-shopping-apps-web-80-fff', tags: { ...tagsOf('apps', 'http'), [TAG.routeName]: 'shopping' } },
    ]);
    const first = await teardownRoute(api, owner, { serviceArn: undefined, serviceName: 'shop-apps', targetGroupArns: [] });
    expect(deleted.sort()).toEqual(['tg-fn', 'tg-ours']);
    // Deleted, not yet confirmed gone: the next pass checks them and then searches once more.
    expect(first.done).toBe(false);
    const second = await teardownRoute(api, owner, {
      serviceArn: first.serviceArn,
      serviceName: 'shop-apps',
      targetGroupArns: first.targetGroupArns,
    });
    expect(second).toMatchObject({ done: true, targetGroupArns: [] });
    expect(deleted.sort()).toEqual(['tg-fn', 'tg-ours']);
  });

  it('finishes without the search when ListTargetGroups is denied, and says why', async () => {
    const { api } = lattice([]);
    (api as unknown as { listTargetGroups: () => Promise<never> }).listTargetGroups = async () =>
      Promise.reject(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    expect(await teardownRoute(api, owner, { serviceArn: undefined, serviceName: 'shop-apps', targetGroupArns: [] })).toMatchObject({
      done: true,
      searchSkipped: 'AccessDeniedException: not allowed',
    });
  });

  describe('with the tagging API', () => {
    const groups: { id: string; name: string; tags: Record<string, string>; type?: string }[] = [
      { id: 'tg-ours', name: 'k8s-shop-apps-web-80-aaa', tags: tagsOf('apps', 'http') },
      { id: 'tg-fn', name: 'k8s-shop-apps-fn-lambda-bbb', tags: tagsOf('apps', 'http'), type: 'LAMBDA' },
      { id: 'tg-grpc', name: 'k8s-shop-apps-web-80-ccc', tags: tagsOf('apps', 'grpc') },
      { id: 'tg-other-ns', name: 'k8s-shop-other-web-80-ddd', tags: tagsOf('other', 'http') },
    ];
    /** The tagging index: answers from `indexed` (it may lag Lattice), records what it was asked. */
    function tagging(indexed: typeof groups, arn: (id: string) => string) {
      const asked: { type: string; tags: Record<string, string> }[] = [];
      const api = {
        resourcesTagged: async (type: string, tags: Record<string, string>) => {
          asked.push({ type, tags });
          return indexed
            .filter((g) => Object.entries(tags).every(([k, v]) => g.tags[k] === v))
            .map((g) => ({ arn: arn(g.id), tags: g.tags }));
        },
      } as unknown as TaggingApi;
      return { api, asked };
    }

    it("finds unrecorded groups by the route's tags in one call, lists nothing, and lets Lattice's tags decide", async () => {
      const { api, deleted, arn, tagReads } = lattice(groups);
      (api as unknown as { listTargetGroups: () => Promise<never> }).listTargetGroups = () => Promise.reject(new Error('not listed'));
      // The index still holds the gRPC route's group under this route's type: Lattice's own tags say otherwise.
      const stale = groups.map((g) => (g.id === 'tg-grpc' ? { ...g, tags: tagsOf('apps', 'http') } : g));
      const index = tagging(stale, arn);
      const known = { serviceArn: undefined, serviceName: 'shop-apps', targetGroupArns: [arn('tg-ours')] };
      // The recorded group first; the search once it is gone (the index still names it: it lags).
      const first = await teardownRoute(api, owner, known, { tagging: index.api });
      expect([first.done, index.asked]).toEqual([false, []]);
      tagReads.splice(0);
      const result = await teardownRoute(api, owner, { ...known, targetGroupArns: first.targetGroupArns }, { tagging: index.api });
      expect(index.asked).toEqual([
        { type: 'vpc-lattice:targetgroup', tags: { [TAG.managedBy]: 'me', [TAG.routeName]: 'shop', [TAG.routeNamespace]: 'apps' } },
      ]);
      expect(deleted.sort()).toEqual(['tg-fn', 'tg-ours']);
      // Each group found is checked with Lattice; the recorded one is not taken from the search again.
      expect(tagReads.sort()).toEqual(['tg-fn', 'tg-grpc', 'tg-ours']);
      expect(result).toMatchObject({ done: false, targetGroupArns: [arn('tg-fn')] });
    });

    it('lists the target groups instead while the tagging API cannot be used', async () => {
      const { api, deleted, arn } = lattice(groups);
      const unusable = { resourcesTagged: async () => undefined } as unknown as TaggingApi;
      const result = await teardownRoute(
        api,
        owner,
        { serviceArn: undefined, serviceName: 'shop-apps', targetGroupArns: [] },
        { tagging: unusable },
      );
      expect(deleted.sort()).toEqual(['tg-fn', 'tg-ours']);
      expect(result).toMatchObject({ done: false, targetGroupArns: [arn('tg-fn'), arn('tg-ours')] });
    });

    it('waits rather than finishing when the call budget or the deadline runs out during the search', async () => {
      const { api } = lattice(groups);
      const failing = {
        resourcesTagged: () => Promise.reject(new RetryLaterError('busy', 1)),
      } as unknown as TaggingApi;
      await expect(
        teardownRoute(api, owner, { serviceArn: undefined, serviceName: 'shop-apps', targetGroupArns: [] }, { tagging: failing }),
      ).rejects.toThrow('busy');
    });
  });

  it("remembers a recorded group's tags across the route's passes, for that route only, and not for the search", async () => {
    const { api, deleted, arn, tagReads } = lattice([
      { id: 'tg-ours', name: 'k8s-shop-apps-web-80-aaa', tags: tagsOf('apps', 'http') },
      { id: 'tg-grpc', name: 'k8s-shop-apps-web-80-ccc', tags: tagsOf('apps', 'grpc') },
    ]);
    const teardownFacts = new ExpiringSet(60_000, 100);
    const known = { serviceArn: undefined, serviceName: 'shop-apps', targetGroupArns: [arn('tg-ours')] };
    expect(await teardownRoute(api, owner, known, { teardownFacts })).toMatchObject({ done: false, targetGroupArns: [arn('tg-ours')] });
    expect(tagReads.splice(0)).toEqual(['tg-ours']);
    // The gRPC route of the same name shares the prefix; a verdict remembered for it under this
    // route's key must not let the search take it.
    teardownFacts.add(`${owner.tokenOwner} ${arn('tg-grpc')}`, Date.now());
    expect(await teardownRoute(api, owner, { ...known, targetGroupArns: [arn('tg-ours')] }, { teardownFacts })).toMatchObject({
      done: true,
    });
    expect(tagReads.splice(0)).toEqual(['tg-grpc']);
    expect(deleted).toEqual(['tg-ours']);
    // Another route (another token owner) reads for itself.
    const other: RouteOwner = { ...owner, tokenOwner: 'me/HTTPRoute/other-uid' };
    await teardownRoute(api, other, { ...known, targetGroupArns: [arn('tg-ours')] }, { teardownFacts });
    expect(tagReads).toContain('tg-ours');
  });

  it("reads the service's tags on every pass: a service handed to another route meanwhile is left alone", async () => {
    const serviceArn = 'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-1';
    let serviceTags: Record<string, string> = tagsOf('apps', 'http');
    const deletes: string[] = [];
    const api = {
      getService: async () => ({ arn: serviceArn, id: 'svc-1', status: 'ACTIVE' }),
      tagsIfPresent: async () => serviceTags,
      listServiceNetworkServiceAssociations: async () => [{ arn: 'assoc-1', status: 'ACTIVE' }],
      deleteServiceNetworkServiceAssociation: async (arn: string) => deletes.push(arn),
      deleteService: async (arn: string) => deletes.push(arn),
      listTargetGroups: async () => [],
    } as unknown as LatticeApi;
    const teardownFacts = new ExpiringSet(60_000, 100);
    const known = { serviceArn, serviceName: undefined, targetGroupArns: [] };
    await teardownRoute(api, owner, known, { teardownFacts });
    expect(deletes).toEqual(['assoc-1']);
    // The next leader of the route's hostname group takes the service over (sharedService retags it).
    serviceTags = { ...serviceTags, [TAG.routeName]: 'next' };
    expect(await teardownRoute(api, owner, known, { teardownFacts })).toMatchObject({ done: true });
    expect(deletes).toEqual(['assoc-1']);
  });
  it('remembers a service found gone: the later passes of the teardown do not read it again', async () => {
    const serviceArn = 'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-gone';
    const reads: string[] = [];
    const api = {
      getService: async (arn: string) => {
        reads.push(arn);
        throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
      },
      listTargetGroups: async () => [],
    } as unknown as LatticeApi;
    const teardownFacts = new ExpiringSet(60_000, 100);
    const known = { serviceArn, serviceName: undefined, targetGroupArns: [] };
    expect(await teardownRoute(api, owner, known, { teardownFacts })).toMatchObject({ done: true });
    expect(await teardownRoute(api, owner, known, { teardownFacts })).toMatchObject({ done: true });
    expect(reads).toEqual([serviceArn]);
    // Without the facts, each pass reads it.
    await teardownRoute(api, owner, known);
    expect(reads).toEqual([serviceArn, serviceArn]);
  });
});

describe("teardownRoute: a deleted service's target groups are deleted without draining", () => {
  const serviceArn = 'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-1';
  const groupArn = 'arn:aws:vpc-lattice:us-west-2:123456789012:targetgroup/tg-web';

  /** The route's group with two registered targets; the service as `service` says; every call recorded. */
  function world(service: { status: string; tags: Record<string, string> } | undefined, refusesWithTargets = false) {
    const calls: string[] = [];
    let groupDeleted = false;
    let registered = true;
    const notFound = () => Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
    const api = {
      listServices: async () => [],
      getService: async () => {
        calls.push('GetService');
        if (!service) throw notFound();
        return { arn: serviceArn, id: 'svc-1', status: service.status };
      },
      tagsIfPresent: async (arn: string) => {
        calls.push(`Tags ${arn === serviceArn ? 'service' : 'group'}`);
        return arn === serviceArn ? service?.tags : tagsOf('apps', 'http');
      },
      getTargetGroup: async () => {
        calls.push('GetTargetGroup');
        if (groupDeleted) throw notFound();
        return { arn: groupArn, id: 'tg-web', status: 'ACTIVE', type: 'IP' };
      },
      listTargets: async () => {
        calls.push('ListTargets');
        return registered
          ? [
              { id: '10.0.0.1', port: 8080, status: 'HEALTHY' },
              { id: '10.0.0.2', port: 8080, status: 'HEALTHY' },
            ]
          : [];
      },
      deregisterTargets: async () => {
        calls.push('DeregisterTargets');
        registered = false;
      },
      deleteTargetGroup: async () => {
        calls.push('DeleteTargetGroup');
        if (refusesWithTargets && registered) throw Object.assign(new Error('targets registered'), { name: 'ConflictException' });
        groupDeleted = true;
      },
      listTargetGroups: async () => [],
    } as unknown as LatticeApi;
    return { api, calls };
  }

  it('deletes the groups of a recorded service found gone at once, targets still registered', async () => {
    const { api, calls } = world(undefined);
    const known = { serviceArn, serviceName: undefined, targetGroupArns: [groupArn] };
    expect(await teardownRoute(api, owner, known)).toMatchObject({ done: false, targetGroupArns: [groupArn] });
    expect(calls).toEqual(['GetService', 'Tags group', 'GetTargetGroup', 'DeleteTargetGroup']);
    expect(await teardownRoute(api, owner, known)).toMatchObject({ done: true });
  });

  it('drains a group after all should Lattice refuse to delete it with targets registered', async () => {
    const { api, calls } = world(undefined, true);
    const known = { serviceArn, serviceName: undefined, targetGroupArns: [groupArn] };
    expect(await teardownRoute(api, owner, known)).toMatchObject({
      done: false,
      waits: ['target group tg-web: not deletable yet: ConflictException: targets registered'],
    });
    expect(calls).toEqual(['GetService', 'Tags group', 'GetTargetGroup', 'DeleteTargetGroup', 'ListTargets', 'DeregisterTargets']);
    calls.length = 0;
    expect(await teardownRoute(api, owner, known)).toMatchObject({ done: false, waits: ['target group tg-web: being deleted'] });
    expect(calls).toEqual(['GetService', 'Tags group', 'GetTargetGroup', 'DeleteTargetGroup']);
  });

  it('drains the groups of a follower whose rules just left a shared service, whatever its recorded service', async () => {
    const { api, calls } = world(undefined);
    const known = { serviceArn, serviceName: undefined, targetGroupArns: [groupArn] };
    expect(await teardownRoute(api, owner, known, { drainGroups: true })).toMatchObject({
      done: false,
      waits: ['target group tg-web: 2 targets draining'],
    });
    expect(calls).toEqual(['GetService', 'Tags group', 'GetTargetGroup', 'ListTargets', 'DeregisterTargets']);
  });

  it('drains the groups while the route has no service of its own recorded (a follower, a crash before the first answer)', async () => {
    const { api, calls } = world(undefined);
    const known = { serviceArn: undefined, serviceName: 'shop-apps', targetGroupArns: [groupArn] };
    expect(await teardownRoute(api, owner, known)).toMatchObject({ done: false, waits: ['target group tg-web: 2 targets draining'] });
    expect(calls).toEqual(['Tags group', 'GetTargetGroup', 'ListTargets', 'DeregisterTargets']);
  });

  it("drains the groups while the service lives on as another route's", async () => {
    const { api, calls } = world({ status: 'ACTIVE', tags: { ...tagsOf('apps', 'http'), [TAG.routeName]: 'next' } });
    const known = { serviceArn, serviceName: undefined, targetGroupArns: [groupArn] };
    expect(await teardownRoute(api, owner, known)).toMatchObject({ done: false, waits: ['target group tg-web: 2 targets draining'] });
    expect(calls).toEqual(['GetService', 'Tags service', 'Tags group', 'GetTargetGroup', 'ListTargets', 'DeregisterTargets']);
  });
});
