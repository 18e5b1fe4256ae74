import type { ServiceSummary, TargetGroupSummary } from '@aws-sdk/client-vpc-lattice';
import { RetryLaterError } from '../../../src/errors';
import type { LatticeApi } from '../../../src/lattice/api';
import { ExpiringSet } from '../../../src/lattice/expiringSet';
import { sweepOrphans, type OrphanRemoval, type SweepOptions } from '../../../src/lattice/orphanSweep';
import { TAG } from '../../../src/model/tags';

const US = '111122223333/prod/vpc-0a1b2c3d4e5f60718';
const THEM = '111122223333/staging/vpc-0a1b2c3d4e5f60718';
const NOW = new Date('2026-12-05T12:00:00Z');
const OLD = new Date('2026-12-01T00:00:00Z');
const arn = (kind: string, id: string) => `arn:aws:vpc-lattice:us-west-2:111122223333:${kind}/${id}`;
const routeTags = (name: string, managedBy = US) => ({ [TAG.managedBy]: managedBy, [TAG.routeName]: name, [TAG.routeNamespace]: 'shop' });

/** A Lattice of listed services and target groups with tags; records every call like a CallSession. */
function fakeLattice(services: ServiceSummary[], groups: TargetGroupSummary[], tags: Record<string, Record<string, string>>) {
  const calls: { operation: string; ok: boolean }[] = [];
  const call = <T>(operation: string, value: T | (() => T)) => {
    calls.push({ operation, ok: true });
    return Promise.resolve(typeof value === 'function' ? (value as () => T)() : value);
  };
  const api = {
    session: { calls },
    listServices: () => call('ListServices', services),
    listTargetGroups: () => call('ListTargetGroups', groups),
    listTags: (resourceArn: string) => call('ListTagsForResource', tags[resourceArn] ?? {}),
    listServiceNetworkServiceAssociations: () => call('ListServiceNetworkServiceAssociations', []),
    deleteService: (id: string) => call('DeleteService', { arn: id }),
    getTargetGroup: (id: string) =>
      call(
        'GetTargetGroup',
        groups.find((g) => g.arn === id),
      ),
    listTargets: () => call('ListTargets', []),
    deleteTargetGroup: (id: string) => call('DeleteTargetGroup', { arn: id }),
  };
  return { api: api as unknown as LatticeApi, calls, ops: () => calls.map((c) => c.operation) };
}

function options(overrides: Partial<SweepOptions> = {}): SweepOptions & { removals: OrphanRemoval[] } {
  const removals: OrphanRemoval[] = [];
  return {
    managedBy: US,
    liveOwners: new Set(['Route/shop/live']),
    recorded: new Set(),
    now: NOW,
    graceSeconds: 600,
    stopAt: Date.now() + 60_000,
    notOurs: new ExpiringSet(3600_000, 100),
    onRemoval: (removal) => removals.push(removal),
    removals,
    ...overrides,
  };
}

const service = (id: string, extra: Partial<ServiceSummary> = {}): ServiceSummary => ({
  id,
  arn: arn('service', id),
  name: id,
  createdAt: OLD,
  status: 'ACTIVE',
  ...extra,
});
const group = (id: string, extra: Partial<TargetGroupSummary> = {}): TargetGroupSummary => ({
  id,
  arn: arn('targetgroup', id),
  name: id,
  createdAt: OLD,
  status: 'ACTIVE',
  serviceArns: [],
  ...extra,
});

describe('an orphan sweep pass', () => {
  it('deletes an orphan service, and its target group only once the service is gone', async () => {
    const gone = service('svc-gone');
    const tg = group('tg-gone', { serviceArns: [gone.arn as string] });
    const lattice = fakeLattice([gone], [tg], { [gone.arn as string]: routeTags('gone'), [tg.arn as string]: routeTags('gone') });
    const opts = options();
    const result = await sweepOrphans(lattice.api, opts);
    expect(result).toMatchObject({ orphans: 2, pending: 2, complete: true, inUse: [] });
    expect(lattice.ops()).not.toContain('DeleteTargetGroup');
    expect(opts.removals).toEqual([{ resourceType: 'service', arn: gone.arn, owner: { kind: 'Route', namespace: 'shop', name: 'gone' } }]);

    // Next pass: the service is gone, the group is free.
    const later = fakeLattice([], [{ ...tg, serviceArns: [] }], { [tg.arn as string]: routeTags('gone') });
    const next = options();
    expect(await sweepOrphans(later.api, next)).toMatchObject({ orphans: 1, complete: true });
    expect(next.removals.map((r) => r.resourceType)).toEqual(['target-group']);
  });

  it('keeps an orphan target group that a service which is not an orphan uses, and says so', async () => {
    const live = service('svc-live');
    const tg = group('tg-gone', { serviceArns: [live.arn as string] });
    const lattice = fakeLattice([live], [tg], { [live.arn as string]: routeTags('live'), [tg.arn as string]: routeTags('gone') });
    const result = await sweepOrphans(lattice.api, options());
    expect(result).toMatchObject({ orphans: 1, pending: 0, inUse: [tg.arn], complete: true });
    expect(lattice.ops()).not.toContain('DeleteTargetGroup');
  });

  it('reads no tags of what live objects record, of what is too young, or of what is being deleted', async () => {
    const recorded = service('svc-recorded');
    const young = service('svc-young', { createdAt: new Date(NOW.getTime() - 60_000) });
    const deleting = service('svc-deleting', { status: 'DELETE_IN_PROGRESS' });
    const lattice = fakeLattice([recorded, young, deleting], [], {});
    const result = await sweepOrphans(lattice.api, options({ recorded: new Set([recorded.arn as string]) }));
    expect(result).toMatchObject({ listed: 3, tagReads: 0, orphans: 0, complete: true });
    expect(lattice.ops()).toEqual(['ListServices', 'ListTargetGroups']);
  });

  it('asks once about what is not ours: another cluster’s and untagged resources are remembered', async () => {
    const foreign = service('svc-foreign');
    const untagged = group('tg-untagged');
    const tags = { [foreign.arn as string]: routeTags('gone', THEM) };
    const notOurs = new ExpiringSet(3600_000, 100);
    const first = fakeLattice([foreign], [untagged], tags);
    expect(await sweepOrphans(first.api, options({ notOurs }))).toMatchObject({ tagReads: 2, orphans: 0 });
    const second = fakeLattice([foreign], [untagged], tags);
    expect(await sweepOrphans(second.api, options({ notOurs }))).toMatchObject({ tagReads: 0, orphans: 0, complete: true });
    expect(second.ops()).toEqual(['ListServices', 'ListTargetGroups']);
    expect([...first.calls, ...second.calls].filter((c) => c.operation.startsWith('Delete'))).toEqual([]);
  });

  it('stops starting work at stopAt and reports the pass incomplete', async () => {
    const gone = service('svc-gone');
    const lattice = fakeLattice([gone], [], { [gone.arn as string]: routeTags('gone') });
    const result = await sweepOrphans(lattice.api, options({ stopAt: Date.now() - 1 }));
    expect(result).toMatchObject({ listed: 1, tagReads: 0, complete: false });
    expect(lattice.ops()).toEqual(['ListServices', 'ListTargetGroups']);
  });

  it('ends the pass incomplete, without failing the hook, when the call budget runs out', async () => {
    const gone = service('svc-gone');
    const lattice = fakeLattice([gone], [], {});
    (lattice.api as unknown as { listTags: () => Promise<never> }).listTags = () =>
      Promise.reject(new RetryLaterError('ListTagsForResource: AWS call budget exhausted', 2));
    await expect(sweepOrphans(lattice.api, options())).resolves.toMatchObject({ complete: false, orphans: 0 });
  });

  it('fails on an error that is not transient', async () => {
    const lattice = fakeLattice([service('svc-gone')], [], {});
    (lattice.api as unknown as { listTags: () => Promise<never> }).listTags = () =>
      Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(sweepOrphans(lattice.api, options())).rejects.toThrow('denied');
  });
});
