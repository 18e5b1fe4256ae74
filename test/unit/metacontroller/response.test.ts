import { copyStatus, jsonEqual, metadataPatch, setOwn, statusIfChanged } from '../../../src/metacontroller/response';

describe('metadataPatch', () => {
  it('sets missing or different keys and deletes present ones with null', () => {
    expect(metadataPatch({ a: '1', b: '2' }, { a: '1', b: '3', c: null, d: '4' })).toEqual({ b: '3', d: '4' });
    expect(metadataPatch({ a: '1' }, { a: null })).toEqual({ a: null });
  });

  it('answers an empty patch when nothing changes', () => {
    expect(metadataPatch(undefined, { a: null })).toEqual({});
    expect(metadataPatch({ a: 'x' }, { a: 'x' })).toEqual({});
  });
});

describe('statusIfChanged', () => {
  it('answers null (leave unchanged) for an equal status, whatever the key order', () => {
    expect(statusIfChanged({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBeNull();
    expect(statusIfChanged(undefined, {})).toBeNull();
  });

  it('answers the new status when anything differs', () => {
    expect(statusIfChanged({ a: [1, 2] }, { a: [2, 1] })).toEqual({ a: [2, 1] });
  });
});

describe('prototype safety', () => {
  it('keeps __proto__ keys as data', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "conditions": []}') as unknown;
    const copy = copyStatus(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'conditions']);
    const target: Record<string, string> = {};
    setOwn(target, '__proto__', 'x');
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(jsonEqual(parsed, JSON.parse('{"conditions": [], "__proto__": {"polluted": true}}'))).toBe(true);
  });
});
