import type { LatticeApi } from '../../../src/lattice/api';
import { refreshPicture, type ObservedRoute } from '../../../src/lattice/routeState';

const notFound = () => Promise.reject(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));

const picture: ObservedRoute = {
  service: {
    arn: 'arn:svc/svc-1',
    id: 'svc-1',
    name: 'shop',
    status: 'CREATE_IN_PROGRESS',
    dnsName: undefined,
    customDomainName: undefined,
    certificateArn: undefined,
    tags: { a: 'b' },
  },
  listeners: [{ id: 'l-1', arn: 'arn:l-1', name: 'http-80', port: 80, protocol: 'HTTP', rules: [], defaultAction: undefined }],
  targetGroups: [
    { arn: 'arn:tg/tg-1', id: 'tg-1', name: 'k8s-web', status: 'CREATE_IN_PROGRESS', config: undefined, serviceArns: [], targets: [] },
    { arn: 'arn:tg/tg-2', id: 'tg-2', name: 'k8s-api', status: 'ACTIVE', config: undefined, serviceArns: [], targets: [] },
  ],
  associations: [],
};

/** A fake API that records the calls it gets. */
function lattice(overrides: Partial<Record<keyof LatticeApi, unknown>>, calls: string[]): LatticeApi {
  const record =
    (name: string, answer: unknown) =>
    async (...args: unknown[]) => {
      calls.push(`${name} ${String(args[0] && typeof args[0] === 'object' ? JSON.stringify(args[0]) : args[0])}`);
      return typeof answer === 'function' ? (answer as () => unknown)() : answer;
    };
  return Object.fromEntries(Object.entries(overrides).map(([name, answer]) => [name, record(name, answer)])) as unknown as LatticeApi;
}

describe('refreshing the picture of a route', () => {
  it('reads only what was in transition, and keeps the rest as pictured', async () => {
    const calls: string[] = [];
    const api = lattice(
      { getService: { status: 'ACTIVE', dnsEntry: { domainName: 'shop.on.aws' } }, getTargetGroup: { status: 'ACTIVE' } },
      calls,
    );
    const refreshed = await refreshPicture(api, picture);
    expect(calls).toEqual(['getService arn:svc/svc-1', 'getTargetGroup arn:tg/tg-1']);
    expect(refreshed).toEqual({
      observed: {
        ...picture,
        service: { ...picture.service, status: 'ACTIVE', dnsName: 'shop.on.aws' },
        targetGroups: [{ ...picture.targetGroups[0], status: 'ACTIVE' }, picture.targetGroups[1]],
      },
      listedAssociations: false,
    });
  });

  it('takes what was being created as ACTIVE, without a read, once the picture is older than a create takes', async () => {
    const calls: string[] = [];
    const refreshed = await refreshPicture(lattice({}, calls), picture, true);
    expect(calls).toEqual([]);
    expect(refreshed?.observed.service?.status).toBe('ACTIVE');
    expect(refreshed?.observed.targetGroups.map((g) => g.status)).toEqual(['ACTIVE', 'ACTIVE']);
    // A group whose targets the picture does not know is read still, and so is anything failed or deleting.
    const unknownTargets = { ...picture, targetGroups: [{ ...picture.targetGroups[0]!, targets: undefined }] };
    await refreshPicture(lattice({ getTargetGroup: { status: 'ACTIVE' } }, calls), unknownTargets, true);
    const failed = { ...picture, service: { ...picture.service!, status: 'CREATE_FAILED' } };
    expect(await refreshPicture(lattice({ getService: { status: 'CREATE_FAILED' } }, calls), failed, true)).toBeUndefined();
    expect(calls).toEqual(['getTargetGroup arn:tg/tg-1', 'getService arn:svc/svc-1']);
  });

  it('lists the associations again while one is not ACTIVE', async () => {
    const calls: string[] = [];
    const coming = {
      ...picture,
      service: { ...picture.service!, status: 'ACTIVE' },
      targetGroups: [picture.targetGroups[1]!],
      associations: [{ arn: 'arn:a-1', id: 'a-1', serviceNetworkArn: 'arn:sn-1', status: 'CREATE_IN_PROGRESS' }],
    };
    const api = lattice(
      { listServiceNetworkServiceAssociations: [{ arn: 'arn:a-1', id: 'a-1', serviceNetworkArn: 'arn:sn-1', status: 'ACTIVE' }] },
      calls,
    );
    expect(await refreshPicture(api, coming)).toEqual({
      observed: { ...coming, associations: [{ arn: 'arn:a-1', id: 'a-1', serviceNetworkArn: 'arn:sn-1', status: 'ACTIVE' }] },
      listedAssociations: true,
    });
    expect(calls).toEqual(['listServiceNetworkServiceAssociations {"serviceIdentifier":"svc-1"}']);
    // Being deleted (or failed) is what the route waits on too.
    const deleting = { ...coming, associations: [{ ...coming.associations[0]!, status: 'DELETE_IN_PROGRESS' }] };
    expect((await refreshPicture(api, deleting))?.observed.associations).toEqual([
      { arn: 'arn:a-1', id: 'a-1', serviceNetworkArn: 'arn:sn-1', status: 'ACTIVE' },
    ]);
    expect(calls).toHaveLength(2);
    calls.length = 1;
    // Nothing in transition: nothing read.
    const settled = await refreshPicture(lattice({}, calls), { ...coming, associations: [] });
    expect(settled).toEqual({ observed: { ...coming, associations: [] }, listedAssociations: false });
    expect(calls).toHaveLength(1);
  });

  it('gives up (a full observation follows) on what the picture cannot account for', async () => {
    const refresh = (overrides: Partial<Record<keyof LatticeApi, unknown>>, from = picture) => refreshPicture(lattice(overrides, []), from);
    expect(await refresh({ getService: notFound, getTargetGroup: { status: 'ACTIVE' } })).toBeUndefined();
    expect(await refresh({ getService: { status: 'DELETE_IN_PROGRESS' }, getTargetGroup: { status: 'ACTIVE' } })).toBeUndefined();
    expect(await refresh({ getService: { status: 'ACTIVE' }, getTargetGroup: notFound })).toBeUndefined();
    expect(await refresh({ getService: { status: 'ACTIVE' }, getTargetGroup: { status: 'CREATE_FAILED' } })).toBeUndefined();
    // The service deleted by hand since: listing its associations finds it gone.
    const associating = {
      ...picture,
      service: { ...picture.service!, status: 'ACTIVE' },
      targetGroups: [picture.targetGroups[1]!],
      associations: [{ arn: 'arn:a-1', id: 'a-1', serviceNetworkArn: 'arn:sn-1', status: 'CREATE_IN_PROGRESS' }],
    };
    expect(await refresh({ listServiceNetworkServiceAssociations: notFound }, associating)).toBeUndefined();
    // An association pictured and no longer listed: deleted since, or a create answered with one deleted before.
    expect(await refresh({ listServiceNetworkServiceAssociations: [] }, associating)).toBeUndefined();
    const other = { arn: 'arn:a-2', id: 'a-2', serviceNetworkArn: 'arn:sn-2', status: 'ACTIVE' };
    expect(await refresh({ listServiceNetworkServiceAssociations: [other] }, associating)).toBeUndefined();
    // A group pictured from an observation made before it was ACTIVE: its targets were never read.
    const unread = { ...picture, targetGroups: [{ ...picture.targetGroups[0]!, targets: undefined }] };
    expect(await refresh({ getService: { status: 'ACTIVE' }, getTargetGroup: { status: 'ACTIVE' } }, unread)).toBeUndefined();
    expect(await refresh({ getService: { status: 'ACTIVE' }, getTargetGroup: { status: 'CREATE_IN_PROGRESS' } }, unread)).toBeDefined();
  });
});
