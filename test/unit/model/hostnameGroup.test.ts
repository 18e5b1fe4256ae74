import type { AnyRoute } from '../../../src/gatewayapi/types';
import { electLeader, followerRuleName, mergeGroupRules, ownsRule } from '../../../src/model/hostnameGroup';
import type { LatticeRuleModel } from '../../../src/model/rules';

const route = (name: string): AnyRoute =>
  ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'ns' }, spec: {} }) as AnyRoute;

const rule = (name: string, ruleIndex: number, prefix: string): LatticeRuleModel => ({
  name,
  priority: 0,
  ruleIndex,
  match: { pathMatch: { match: { prefix } } },
  action: { forward: [{ key: name, weight: 1 }] },
});

describe('hostname groups', () => {
  const older = {
    route: route('older'),
    rules: [rule('k8s-a', 0, '/'), rule('k8s-b', 1, '/same')],
    precedence: [
      [0, 1],
      [0, 5],
    ],
    ruleNames: ['root', 'same'],
  };
  const newer = {
    route: route('newer'),
    rules: [rule('k8s-c', 0, '/v2'), rule('k8s-d', 1, '/same')],
    precedence: [
      [0, 3],
      [0, 5],
    ],
    ruleNames: [undefined, undefined],
  };

  it('orders the rules of all members by precedence, then the older route, and gives each its own at the merged priorities', () => {
    expect(mergeGroupRules([older, newer], 0, 100, 'example.com').rules.map((r) => [r.name, r.priority])).toEqual([
      ['k8s-b', 1],
      ['k8s-a', 3],
    ]);
    // The newer route's `/same` is the older route's match: the older one wins, the newer one's is not programmed.
    expect(mergeGroupRules([older, newer], 1, 100, 'example.com').rules.map((r) => [r.name, r.priority])).toEqual([['k8s-c', 2]]);
  });

  it('drops the lowest-precedence rules of the group when the listener quota is exceeded, reported on their own route', () => {
    const mine = mergeGroupRules([older, newer], 0, 2, 'example.com');
    expect(mine.rules.map((r) => r.name)).toEqual(['k8s-b']);
    expect(mine.dropped).toEqual([expect.objectContaining({ ruleIndex: 0, ruleName: 'root' })]);
    expect(mine.dropped[0]?.message).toContain('the routes serving example.com need more than 2 Lattice rules per listener');
    expect(mergeGroupRules([older, newer], 1, 2, 'example.com').dropped).toEqual([]);
  });

  it("tells a member's rules apart by name: followers carry their tag, the leader none", () => {
    const name = followerRuleName(route('newer'), 'k8s-0123456789abcdef');
    expect(name).toMatch(/^k8s-[0-9a-f]{24}-0123456789abcdef$/);
    expect(ownsRule(route('newer'), 'follower', name)).toBe(true);
    expect(ownsRule(route('older'), 'follower', name)).toBe(false);
    expect(ownsRule(route('older'), 'leader', name)).toBe(false);
    expect(ownsRule(route('older'), 'leader', 'k8s-0123456789abcdef')).toBe(true);
    expect(ownsRule(route('newer'), 'follower', 'k8s-0123456789abcdef')).toBe(false);
    // A leader that was a follower owns the rules it put in under its tag (and replaces them).
    expect(ownsRule(route('newer'), 'leader', name)).toBe(true);
  });
});

describe('who leads a hostname group', () => {
  const GROUP = 'application-networking.k8s.aws/hostname-group';
  const SERVES = 'application-networking.k8s.aws/serves-hostname-group';
  const SHARED = 'application-networking.k8s.aws/shared-lattice-service-arn';
  const member = (name: string, annotations: Record<string, string> = {}, key = 'k1'): AnyRoute =>
    ({ ...route(name), metadata: { ...route(name).metadata, labels: { [GROUP]: key }, annotations } }) as AnyRoute;

  it('the route serving the group leads, even when an older one joins; then one that followed; then the oldest', () => {
    const oldest = member('a');
    const serving = member('b', { [SERVES]: 'k1' });
    const followed = member('c', { [SHARED]: 'arn:svc' });
    expect(electLeader([oldest, serving, followed], 'k1')).toBe(serving);
    expect(electLeader([oldest, followed], 'k1')).toBe(followed);
    expect(electLeader([oldest, member('d')], 'k1')).toBe(oldest);
    // Serving another group (its label moved on, or the mark is stale) does not count.
    expect(electLeader([oldest, member('e', { [SERVES]: 'k0' })], 'k1')?.metadata.name).toBe('a');
    expect(electLeader([oldest, member('f', { [SERVES]: 'k1' }, 'k0')], 'k1')?.metadata.name).toBe('a');
  });
});
