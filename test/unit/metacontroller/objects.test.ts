import { olderFirst } from '../../../src/metacontroller/objects';
import type { KubeObject } from '../../../src/metacontroller/types';

const object = (namespace: string | undefined, name: string, creationTimestamp = '2026-12-07T10:00:00Z'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, creationTimestamp, ...(namespace === undefined ? {} : { namespace }) },
});

describe('olderFirst', () => {
  it('puts the older object first, whatever the names', () => {
    const older = object('z', 'z', '2026-12-07T09:59:59Z');
    expect([object('a', 'a'), older].sort(olderFirst)[0]).toBe(older);
  });

  // The Gateway API breaks ties by `{namespace}/{name}` in alphabetical order: as strings, not
  // namespace first (`a-b/x` comes before `a/y`, since `-` sorts before `/`).
  it('breaks timestamp ties exactly as comparing the `namespace/name` strings', () => {
    const namespaces = [undefined, '', 'a', 'a-b', 'a.b', 'ab', 'a0', 'b', 'a/b', 'a/', 'A', 'é'];
    const names = ['', 'x', 'y', 'x-1', 'x/1', '0'];
    const objects = namespaces.flatMap((namespace) => names.map((name) => object(namespace, name)));
    const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    for (const a of objects) {
      for (const b of objects) {
        const expected = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
        expect([key(a), key(b), olderFirst(a, b)]).toEqual([key(a), key(b), expected]);
      }
    }
  });
});
