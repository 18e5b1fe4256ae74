import { callsBetween, isRead, mean, percentile, ratio, spread } from '../../../bench/figures';

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

describe('spread and ratio', () => {
  it('gives the median, the 99th percentile by nearest rank and the maximum', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i); // 1..200, unsorted
    expect(spread(values)).toEqual({ count: 200, p50: 100, p99: 198, max: 200 });
    expect(spread([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });

  it('has no ratio without a positive bound', () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(30, 0)).toBeUndefined();
    expect(ratio(30, undefined)).toBeUndefined();
  });
});
