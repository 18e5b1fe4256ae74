import { ownershipOf, parseTagsAnnotation, tagChanges, TAG } from '../../../src/model/tags';
import { clientToken } from '../../../src/lattice/clientToken';
import { canonicalJson } from '../../../src/model/canonicalJson';

describe('tags annotation', () => {
  it.each([
    ['Environment=Dev,Project=MyApp,Team=Platform', { Environment: 'Dev', Project: 'MyApp', Team: 'Platform' }],
    ['Environment,Project=MyApp', { Project: 'MyApp' }],
    ['=Dev,Project=,Team=Platform', { Team: 'Platform' }],
    ['Environment=Dev,Project=App1,Environment=Prod,Team=Platform', { Environment: 'Dev', Project: 'App1', Team: 'Platform' }],
    ['Env#ironment=Dev,Project=MyApp', { Project: 'MyApp' }],
    [' a = b , c=d ', { a: 'b', c: 'd' }],
    ['application-networking.k8s.aws/ManagedBy=forged,aws:x=y,ok=1', { ok: '1' }],
    ['__proto__=x', { __proto__: 'x' }],
  ])('%s', (annotation, expected) => {
    const parsed = parseTagsAnnotation(annotation);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(annotation === '__proto__=x' ? JSON.parse('{"__proto__":"x"}') : expected));
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});

describe('ownership', () => {
  it('reads the ManagedBy tag', () => {
    expect(ownershipOf({ [TAG.managedBy]: 'a/b/c' }, 'a/b/c')).toBe('ours');
    expect(ownershipOf({ [TAG.managedBy]: 'x/y/z' }, 'a/b/c')).toBe('foreign');
    expect(ownershipOf({ other: '1' }, 'a/b/c')).toBe('unowned');
  });

  it('changes only tags that differ', () => {
    expect(tagChanges({ a: '1', b: '2', keep: 'x' }, { a: '1', b: '3', c: '4' })).toEqual({ b: '3', c: '4' });
  });
});

describe('clientToken', () => {
  it('is deterministic, independent of key order, and different for different parameters or owners', () => {
    const a = clientToken('owner', { name: 'x', tags: { a: '1', b: '2' } });
    expect(clientToken('owner', { tags: { b: '2', a: '1' }, name: 'x' })).toBe(a);
    expect(clientToken('owner', { name: 'y', tags: { a: '1', b: '2' } })).not.toBe(a);
    expect(clientToken('other', { name: 'x', tags: { a: '1', b: '2' } })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalJson({ b: [1, { d: 1, c: undefined }], a: null })).toBe('{"a":null,"b":[1,{"d":1}]}');
  });
});
