import { ExpiringSet } from '../../../src/lattice/expiringSet';

describe('ExpiringSet', () => {
  it('forgets a key after its time, and the oldest first when full', () => {
    const memo = new ExpiringSet(1000, 2);
    memo.add('a', 0);
    expect(memo.has('a', 999)).toBe(true);
    expect(memo.has('a', 1000)).toBe(false);
    memo.add('a', 0);
    memo.add('b', 0);
    memo.add('c', 0);
    expect([memo.has('a', 1), memo.has('b', 1), memo.has('c', 1)]).toEqual([false, true, true]);
  });

  it('renews a key added again without pushing another out', () => {
    const memo = new ExpiringSet(1000, 2);
    memo.add('a', 0);
    memo.add('b', 0);
    memo.add('a', 500);
    expect([memo.has('a', 1200), memo.has('b', 1)]).toEqual([true, true]);
    expect(memo.size).toBe(2);
    // 'a' is the youngest now: a third key pushes 'b' out.
    memo.add('c', 600);
    expect([memo.has('a', 700), memo.has('b', 700), memo.has('c', 700)]).toEqual([true, false, true]);
  });
});
