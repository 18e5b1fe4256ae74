import { selectorMatches } from '../../../src/metacontroller/labelSelector';

describe('selectorMatches', () => {
  const labels = { env: 'prod', team: 'shop', 'kubernetes.io/metadata.name': 'apps' };

  it.each([
    [undefined, true],
    [{}, true],
    [{ matchLabels: { env: 'prod' } }, true],
    [{ matchLabels: { env: 'dev' } }, false],
    [{ matchLabels: { missing: 'x' } }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['dev', 'prod'] }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'In' as const, values: [] }] }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn' as const, values: ['prod'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn' as const, values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'Exists' as const }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' as const }] }, false],
    [{ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'team', operator: 'In' as const, values: ['ops'] }] }, false],
  ])('%j → %s', (selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });

  it('matches only empty-tolerant selectors against an object without labels', () => {
    expect(selectorMatches({}, undefined)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, undefined)).toBe(true);
    expect(selectorMatches({ matchLabels: { a: 'b' } }, undefined)).toBe(false);
  });
});
