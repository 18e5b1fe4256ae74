import { condition, findCondition, hasNewerObservedGeneration, mergeConditions } from '../../../src/metacontroller/conditions';

const T0 = '2026-01-01T00:00:00.000Z';
const NOW = '2026-11-26T12:00:00.000Z';

describe('mergeConditions', () => {
  const foreign = { type: 'special.io/SomeField', status: 'True', reason: 'Custom', message: 'theirs', lastTransitionTime: T0 };

  it('keeps conditions of other owners unchanged and in place', () => {
    const existing = [
      foreign,
      { type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 1, lastTransitionTime: T0 },
    ];
    const merged = mergeConditions(existing, [condition('Accepted', 'True', 'Accepted', 'ok')], { generation: 2, now: NOW });
    expect(merged[0]).toBe(foreign);
    expect(merged[1]).toEqual({ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok', observedGeneration: 2, lastTransitionTime: T0 });
  });

  it('moves lastTransitionTime only when the status flips', () => {
    const existing = [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 1, lastTransitionTime: T0 }];
    const flipped = mergeConditions(existing, [condition('Accepted', 'False', 'InvalidParameters', 'no')], { generation: 1, now: NOW });
    expect(findCondition(flipped, 'Accepted')?.lastTransitionTime).toBe(NOW);
    const sameStatus = mergeConditions(existing, [condition('Accepted', 'True', 'Other', 'reason changed')], { generation: 1, now: NOW });
    expect(findCondition(sameStatus, 'Accepted')?.lastTransitionTime).toBe(T0);
  });

  it('appends new conditions in desired order and drops owned ones that are no longer desired', () => {
    const existing = [{ type: 'Conflicted', status: 'True', reason: 'HostnameConflict', message: '', lastTransitionTime: T0 }, foreign];
    const merged = mergeConditions(existing, [condition('Accepted', 'True', 'Accepted'), condition('Programmed', 'True', 'Programmed')], {
      generation: 3,
      now: NOW,
      ownedTypes: ['Accepted', 'Programmed', 'Conflicted'],
    });
    expect(merged.map((c) => (c as { type: string }).type)).toEqual(['special.io/SomeField', 'Accepted', 'Programmed']);
  });

  it('keeps malformed foreign entries as they are', () => {
    const merged = mergeConditions(['garbage', null], [condition('Accepted', 'True', 'Accepted')], { generation: 1, now: NOW });
    expect(merged.slice(0, 2)).toEqual(['garbage', null]);
  });

  it('is idempotent: merging its own output changes nothing', () => {
    const once = mergeConditions([foreign], [condition('Accepted', 'True', 'Accepted', 'x')], { generation: 4, now: NOW });
    const twice = mergeConditions(once, [condition('Accepted', 'True', 'Accepted', 'x')], { generation: 4, now: '2030-01-01T00:00:00.000Z' });
    expect(twice).toEqual(once);
  });

  it('caps messages at the schema limit', () => {
    const merged = mergeConditions([], [condition('Accepted', 'True', 'Accepted', 'x'.repeat(40000))], { generation: 1, now: NOW });
    expect((merged[0] as { message: string }).message.length).toBe(32768);
  });
});

describe('hasNewerObservedGeneration', () => {
  it('detects a status written for a newer generation than the request', () => {
    const existing = [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 5, lastTransitionTime: T0 }];
    expect(hasNewerObservedGeneration(existing, ['Accepted'], 4)).toBe(true);
    expect(hasNewerObservedGeneration(existing, ['Accepted'], 5)).toBe(false);
    expect(hasNewerObservedGeneration(existing, ['Programmed'], 4)).toBe(false);
  });
});
