import { oldEnough, ownerFromTags, ownerKey, orphanVerdict, type OrphanCandidate, type OrphanCriteria } from '../../../src/model/orphans';
import { TAG } from '../../../src/model/tags';

const US = '111122223333/prod/vpc-0a1b2c3d4e5f60718';
const THEM = '111122223333/staging/vpc-0a1b2c3d4e5f60718';
const NOW = new Date('2026-12-05T12:00:00Z');
const HOUR_AGO = new Date('2026-12-05T11:00:00Z');

const routeTags = (name: string, namespace = 'shop', managedBy = US) => ({
  [TAG.managedBy]: managedBy,
  [TAG.routeName]: name,
  [TAG.routeNamespace]: namespace,
  [TAG.routeType]: 'http',
});
const exportTags = (name: string, namespace = 'shop', managedBy = US) => ({
  [TAG.managedBy]: managedBy,
  [TAG.sourceTypeKey]: 'ServiceExport',
  [TAG.serviceName]: name,
  [TAG.serviceNamespace]: namespace,
});

function candidate(
  tags: Record<string, string>,
  createdAt: Date | undefined = HOUR_AGO,
  resourceType: OrphanCandidate['resourceType'] = 'service',
): OrphanCandidate {
  return { resourceType, arn: 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0', tags, createdAt };
}

function criteria(live: string[] = [], graceSeconds = 600): OrphanCriteria {
  return { managedBy: US, liveOwners: new Set(live), now: NOW, graceSeconds };
}

describe('the owner a resource names by its tags', () => {
  it('is the route of a service or route target group, the export of an export target group', () => {
    expect(ownerFromTags(routeTags('cart'))).toEqual({ kind: 'Route', namespace: 'shop', name: 'cart' });
    // A route's target group also names its backend Service: the route is the owner.
    expect(
      ownerFromTags({ ...routeTags('cart'), [TAG.sourceTypeKey]: 'HTTPRoute', [TAG.serviceName]: 'api', [TAG.serviceNamespace]: 'shop' }),
    ).toEqual({ kind: 'Route', namespace: 'shop', name: 'cart' });
    expect(ownerFromTags(exportTags('api'))).toEqual({ kind: 'ServiceExport', namespace: 'shop', name: 'api' });
  });

  it('is none for a service network (ManagedBy alone) or half a name', () => {
    expect(ownerFromTags({ [TAG.managedBy]: US })).toBeUndefined();
    expect(ownerFromTags({ [TAG.managedBy]: US, [TAG.routeName]: 'cart' })).toBeUndefined();
    expect(ownerFromTags({ [TAG.managedBy]: US, [TAG.sourceTypeKey]: 'ServiceExport', [TAG.serviceName]: 'api' })).toBeUndefined();
  });

  it('keys routes of every kind alike, apart from exports of the same name', () => {
    expect(ownerKey({ kind: 'Route', namespace: 'shop', name: 'cart' })).toBe('Route/shop/cart');
    expect(ownerKey({ kind: 'ServiceExport', namespace: 'shop', name: 'cart' })).not.toBe('Route/shop/cart');
  });
});

describe('orphan verdicts', () => {
  it('collects an old resource of ours whose route is gone', () => {
    expect(orphanVerdict(candidate(routeTags('cart')), criteria(['Route/shop/web']))).toEqual({
      orphan: true,
      owner: { kind: 'Route', namespace: 'shop', name: 'cart' },
    });
  });

  it('collects an export target group whose export is gone, not while a route of that name exists only', () => {
    const group = candidate(exportTags('api'), HOUR_AGO, 'target-group');
    expect(orphanVerdict(group, criteria(['Route/shop/api']))).toMatchObject({ orphan: true });
    expect(orphanVerdict(group, criteria(['ServiceExport/shop/api']))).toEqual({ orphan: false, reason: 'owner-exists' });
  });

  it('keeps what its owner still holds, whatever the namespace of a namesake', () => {
    expect(orphanVerdict(candidate(routeTags('cart')), criteria(['Route/shop/cart']))).toEqual({ orphan: false, reason: 'owner-exists' });
    expect(orphanVerdict(candidate(routeTags('cart', 'other')), criteria(['Route/shop/cart']))).toMatchObject({ orphan: true });
  });

  it('never touches another cluster’s resource or one without ManagedBy', () => {
    expect(orphanVerdict(candidate(routeTags('cart', 'shop', THEM)), criteria())).toEqual({ orphan: false, reason: 'foreign' });
    const { [TAG.managedBy]: _, ...untagged } = routeTags('cart');
    expect(orphanVerdict(candidate(untagged), criteria())).toEqual({ orphan: false, reason: 'unowned' });
    expect(orphanVerdict(candidate({ ...routeTags('cart'), [TAG.managedBy]: '' }), criteria())).toEqual({
      orphan: false,
      reason: 'unowned',
    });
  });

  it('never touches a resource of ours that names no owner (a service network)', () => {
    expect(orphanVerdict(candidate({ [TAG.managedBy]: US }), criteria())).toEqual({ orphan: false, reason: 'no-owner-tag' });
  });

  it('keeps a resource younger than the grace age: its owner may be newer than the view of the cluster', () => {
    const young = new Date(NOW.getTime() - 599_000);
    expect(orphanVerdict(candidate(routeTags('cart'), young), criteria([], 600))).toEqual({ orphan: false, reason: 'too-young' });
    expect(orphanVerdict(candidate(routeTags('cart'), new Date(NOW.getTime() - 600_000)), criteria([], 600))).toMatchObject({
      orphan: true,
    });
    // A clock ahead of ours (created "in the future") is young too.
    expect(orphanVerdict(candidate(routeTags('cart'), new Date(NOW.getTime() + 60_000)), criteria([], 0))).toEqual({
      orphan: false,
      reason: 'too-young',
    });
  });

  it('keeps a resource whose age cannot be proven', () => {
    expect(orphanVerdict({ ...candidate(routeTags('cart')), createdAt: undefined }, criteria([], 0))).toEqual({
      orphan: false,
      reason: 'too-young',
    });
    expect(oldEnough(new Date('not a date'), NOW, 0)).toBe(false);
  });
});
