import { callsBetween, isRead, mean, percentile } from '../../../bench/figures';

describe('benchmark figures', () => {
  it('percentiles by nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 10, 6, 7, 8, 9];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
    expect(mean([1, 2, 6])).toBe(3);
  });

  it('splits AWS calls between two counter readings into reads and writes', () => {
    expect(isRead('GetRule')).toBe(true);
    expect(isRead('ListTagsForResource')).toBe(true);
    expect(isRead('BatchUpdateRule')).toBe(false);
    expect(callsBetween({ GetRule: 3, CreateRule: 1 }, { GetRule: 5, CreateRule: 1, RegisterTargets: 2, ListTargets: 1 })).toEqual({
      reads: 3,
      writes: 2,
      byOperation: { GetRule: 2, RegisterTargets: 2, ListTargets: 1 },
    });
  });
});
