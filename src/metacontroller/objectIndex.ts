import { groupOf, type ObjectRef } from './objects';
import type { CompositeHookRequest, DecoratorHookRequest, KubeObject, ObjectMap } from './types';

function keyOf(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${group}\u0000${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

function byNamespaceThenName(a: KubeObject, b: KubeObject): number {
  const ns = (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '');
  return ns !== 0 ? ns : a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * Every object of a hook request, found by group, kind, namespace and name. Map keys are ignored
 * (v1 and v2 key them differently, and keys are not the object's identity). When one object
 * appears twice, the first occurrence wins: the root object first, then children/attachments,
 * then related objects.
 */
export class ObjectIndex {
  readonly #byKey = new Map<string, KubeObject>();
  readonly #byKind = new Map<string, KubeObject[]>();

  static of(root: KubeObject, ...maps: ObjectMap[]): ObjectIndex {
    const index = new ObjectIndex();
    index.add(root);
    for (const map of maps) {
      for (const group of Object.values(map)) {
        for (const object of Object.values(group)) index.add(object);
      }
    }
    for (const list of index.#byKind.values()) list.sort(byNamespaceThenName);
    return index;
  }

  static fromDecoratorRequest(request: DecoratorHookRequest): ObjectIndex {
    return ObjectIndex.of(request.object, request.attachments, request.related);
  }

  static fromCompositeRequest(request: CompositeHookRequest): ObjectIndex {
    return ObjectIndex.of(request.parent, request.children, request.related);
  }

  private add(object: KubeObject): void {
    const group = groupOf(object.apiVersion);
    const namespace = object.metadata.namespace || undefined;
    const key = keyOf(group, object.kind, namespace, object.metadata.name);
    if (this.#byKey.has(key)) return;
    this.#byKey.set(key, object);
    const kindKey = `${group}\u0000${object.kind}`;
    const list = this.#byKind.get(kindKey);
    if (list) list.push(object);
    else this.#byKind.set(kindKey, [object]);
  }

  get<T extends KubeObject = KubeObject>(ref: ObjectRef): T | undefined {
    return this.#byKey.get(keyOf(ref.group, ref.kind, ref.namespace || undefined, ref.name)) as T | undefined;
  }

  /** Objects of one group and kind, optionally in one namespace, sorted by namespace then name. */
  list<T extends KubeObject = KubeObject>(group: string, kind: string, namespace?: string): T[] {
    const all = (this.#byKind.get(`${group}\u0000${kind}`) ?? []) as T[];
    return namespace === undefined ? [...all] : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }

  /** Every object, in the order first added. */
  all(): KubeObject[] {
    return [...this.#byKey.values()];
  }

  get size(): number {
    return this.#byKey.size;
  }
}
