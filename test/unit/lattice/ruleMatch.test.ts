import type { HttpMatch } from '@aws-sdk/client-vpc-lattice';
import { matchHolds } from '../../../src/lattice/ruleMatch';

const asked: HttpMatch = {
  method: 'GET',
  pathMatch: { match: { prefix: '/api/' }, caseSensitive: true },
  headerMatches: [
    { name: 'x-tenant', match: { exact: 'a' }, caseSensitive: true },
    { name: 'x-env', match: { prefix: 'prod' }, caseSensitive: false },
  ],
};

describe('matchHolds', () => {
  it('holds for the same match, also in Lattice’s own words', () => {
    expect(matchHolds(asked, structuredClone(asked))).toBe(true);
    // caseSensitive false left out (the API's default), header names in other case and order.
    expect(
      matchHolds(asked, {
        method: 'GET',
        pathMatch: { match: { prefix: '/api/' }, caseSensitive: true },
        headerMatches: [
          { name: 'X-Env', match: { prefix: 'prod' } },
          { name: 'X-Tenant', match: { exact: 'a' }, caseSensitive: true },
        ],
      }),
    ).toBe(true);
    expect(matchHolds({ pathMatch: { match: { prefix: '/' } } }, { pathMatch: { match: { prefix: '/' } }, headerMatches: [] })).toBe(true);
    // No path match and the prefix / both match every path.
    expect(matchHolds({ method: 'GET' }, { method: 'GET', pathMatch: { match: { prefix: '/' }, caseSensitive: false } })).toBe(true);
    expect(matchHolds({ method: 'GET', pathMatch: { match: { prefix: '/' } } }, { method: 'GET' })).toBe(true);
    // Our catch-all asks for case: a value without letters matches the same either way.
    expect(matchHolds({ pathMatch: { match: { prefix: '/' }, caseSensitive: true } }, {})).toBe(true);
    expect(matchHolds({ pathMatch: { match: { exact: '/1/2' }, caseSensitive: true } }, { pathMatch: { match: { exact: '/1/2' } } })).toBe(
      true,
    );
    expect(
      matchHolds(
        { headerMatches: [{ name: 'x-n', match: { exact: '42' }, caseSensitive: true }] },
        { headerMatches: [{ name: 'x-n', match: { exact: '42' }, caseSensitive: false }] },
      ),
    ).toBe(true);
  });

  it('fails for any edit: path, its kind or case, method, a header value, kind, case, one more or one fewer', () => {
    const edits: ((m: HttpMatch) => void)[] = [
      (m) => (m.pathMatch = { match: { prefix: '/hijacked' }, caseSensitive: true }),
      (m) => (m.pathMatch = { match: { exact: '/api/' }, caseSensitive: true }),
      (m) => (m.pathMatch = { match: { prefix: '/api/' }, caseSensitive: false }),
      // Left out is false, the API's default: an edit to false answered without the field.
      (m) => (m.pathMatch = { match: { prefix: '/api/' } }),
      (m) => (m.headerMatches = [{ name: 'x-tenant', match: { exact: 'a' } }, asked.headerMatches![1]!]),
      (m) => delete m.pathMatch,
      (m) => (m.method = 'POST'),
      (m) => delete m.method,
      (m) => (m.headerMatches = [{ ...asked.headerMatches![0]!, match: { exact: 'b' } }, asked.headerMatches![1]!]),
      (m) => (m.headerMatches = [{ ...asked.headerMatches![0]!, match: { prefix: 'a' } }, asked.headerMatches![1]!]),
      (m) => (m.headerMatches = [{ ...asked.headerMatches![0]!, caseSensitive: false }, asked.headerMatches![1]!]),
      (m) => m.headerMatches!.push({ name: 'x-more', match: { exact: '1' } }),
      (m) => m.headerMatches!.pop(),
    ];
    for (const edit of edits) {
      const observed = structuredClone(asked);
      edit(observed);
      expect([JSON.stringify(observed), matchHolds(asked, observed)]).toEqual([JSON.stringify(observed), false]);
    }
    expect(matchHolds(asked, undefined)).toBe(false);
    expect(matchHolds({ method: 'GET' }, { method: 'GET', pathMatch: { match: { exact: '/' } } })).toBe(false);
  });
});
