import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../src/metacontroller/types';
import { groupOf, refOf, type Ref } from './refs';
import { ResourceTypes, type ResourceType } from './resources';

export { refOf, type Ref } from './refs';

export class ApiConflictError extends Error {
  readonly statusCode = 409;
}

export class ApiNotFoundError extends Error {
  readonly statusCode = 404;
}

function keyOf(ref: Ref): string {
  return `${ref.group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function withoutMetaAndStatus(object: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = v;
  return rest;
}

/**
 * kubectl apply's three-way merge of a string map: keys the applier sets win, keys it set last
 * time and dropped now are removed, keys written by others (controllers) stay.
 */
function mergeApplied(live: Record<string, string> | undefined, input: Record<string, string> | undefined, previouslyApplied: readonly string[]): Record<string, string> | undefined {
  const merged: Record<string, string> = { ...(live ?? {}) };
  for (const key of previouslyApplied) if (!(input && key in input)) delete merged[key];
  Object.assign(merged, input ?? {});
  return Object.keys(merged).length > 0 ? merged : undefined;
}

export interface ChangeEvent {
  ref: Ref;
  type: 'created' | 'updated' | 'deleted';
}

/**
 * An in-memory Kubernetes API: objects with uid, resourceVersion, generation (bumped by spec
 * changes only), finalizer-driven deletion and ownerReference garbage collection. It is the
 * "cluster" the Metacontroller driver reads from and writes to.
 */
export class FakeCluster {
  readonly types: ResourceTypes;
  readonly #objects = new Map<string, KubeObject>();
  /** The same objects by `group/kind`, so that a list reads only its kind (fleets of thousands of objects). */
  readonly #byKind = new Map<string, Map<string, KubeObject>>();
  #resourceVersion = 0;
  readonly #listeners: ((event: ChangeEvent) => void)[] = [];
  readonly now: () => Date;
  /** Label and annotation keys each object's last apply set (kubectl's last-applied-configuration). */
  readonly #applied = new Map<string, { labels: string[]; annotations: string[] }>();

  constructor(options: { types?: ResourceTypes; now?: () => Date } = {}) {
    this.types = options.types ?? new ResourceTypes();
    this.now = options.now ?? (() => new Date());
  }

  onChange(listener: (event: ChangeEvent) => void): void {
    this.#listeners.push(listener);
  }

  typeOf(object: KubeObject): ResourceType {
    return this.types.byKind(groupOf(object.apiVersion), object.kind);
  }

  get(ref: Ref): KubeObject | undefined {
    const found = this.#objects.get(keyOf(this.#normalize(ref)));
    return found ? clone(found) : undefined;
  }

  mustGet(ref: Ref): KubeObject {
    const found = this.get(ref);
    if (!found) throw new ApiNotFoundError(`${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} not found`);
    return found;
  }

  /** Copies of the objects of a kind (in a namespace), optionally only those `filter` keeps: it sees the stored object and must not change it. */
  list(group: string, kind: string, namespace?: string, filter?: (object: Readonly<KubeObject>) => boolean): KubeObject[] {
    const out: KubeObject[] = [];
    for (const object of this.#byKind.get(`${group}/${kind}`)?.values() ?? []) {
      if ((namespace === undefined || object.metadata.namespace === namespace) && (filter === undefined || filter(object))) out.push(clone(object));
    }
    return out.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  }

  all(): KubeObject[] {
    return [...this.#objects.values()].map(clone);
  }

  /** kubectl apply: creates, or replaces spec/labels/annotations while keeping status and system fields. */
  apply(input: KubeObject): KubeObject {
    const type = this.typeOf(input);
    const ref = this.#normalize(refOf(input));
    if (type.namespaced && !ref.namespace) throw new Error(`${input.kind} ${input.metadata.name} needs a namespace`);
    const existing = this.#objects.get(keyOf(ref));
    if (!existing) {
      this.#recordApplied(ref, input);
      return this.#create(input, type);
    }
    const next = clone(input);
    const applied = this.#applied.get(keyOf(ref)) ?? { labels: [], annotations: [] };
    const labels = mergeApplied(existing.metadata.labels, input.metadata.labels, applied.labels);
    const annotations = mergeApplied(existing.metadata.annotations, input.metadata.annotations, applied.annotations);
    next.metadata = { ...clone(existing.metadata) };
    if (labels) next.metadata.labels = labels;
    else delete next.metadata.labels;
    if (annotations) next.metadata.annotations = annotations;
    else delete next.metadata.annotations;
    this.#recordApplied(ref, input);
    if (existing.status !== undefined) next.status = clone(existing.status);
    else delete next.status;
    if (type.hasGeneration && JSON.stringify(withoutMetaAndStatus(existing)) !== JSON.stringify(withoutMetaAndStatus(next))) {
      next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    }
    if (JSON.stringify(next) === JSON.stringify(existing)) return clone(existing);
    return this.#store(next, 'updated');
  }

  /** A full-object write with optimistic concurrency, as Metacontroller's PUT does. */
  update(input: KubeObject, options: { expectedResourceVersion?: string } = {}): KubeObject {
    const type = this.typeOf(input);
    const ref = this.#normalize(refOf(input));
    const existing = this.#objects.get(keyOf(ref));
    if (!existing) throw new ApiNotFoundError(`${input.kind} ${input.metadata.name} not found`);
    if (options.expectedResourceVersion !== undefined && options.expectedResourceVersion !== existing.metadata.resourceVersion) {
      throw new ApiConflictError(`the object has been modified: ${input.kind} ${input.metadata.name}`);
    }
    const next = clone(input);
    next.metadata = { ...next.metadata, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp, generation: existing.metadata.generation };
    if (existing.metadata.deletionTimestamp) next.metadata.deletionTimestamp = existing.metadata.deletionTimestamp;
    if (type.statusSubresource) {
      if (existing.status !== undefined) next.status = clone(existing.status);
      else delete next.status;
    }
    if (type.hasGeneration && JSON.stringify(withoutMetaAndStatus(existing)) !== JSON.stringify(withoutMetaAndStatus(next))) {
      next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    }
    if (JSON.stringify(next) === JSON.stringify(existing)) return clone(existing);
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.#remove(existing);
      return clone(next);
    }
    return this.#store(next, 'updated');
  }

  /** PUT …/status: replaces the whole status, nothing else. */
  updateStatus(ref: Ref, status: unknown, options: { expectedResourceVersion?: string } = {}): KubeObject {
    const existing = this.#objects.get(keyOf(this.#normalize(ref)));
    if (!existing) throw new ApiNotFoundError(`${ref.kind} ${ref.name} not found`);
    if (options.expectedResourceVersion !== undefined && options.expectedResourceVersion !== existing.metadata.resourceVersion) {
      throw new ApiConflictError(`the object has been modified: ${ref.kind} ${ref.name}`);
    }
    if (JSON.stringify(existing.status ?? null) === JSON.stringify(status ?? null)) return clone(existing);
    const next = clone(existing);
    if (status === undefined || status === null) delete next.status;
    else next.status = clone(status);
    return this.#store(next, 'updated');
  }

  /** DELETE: finalizers turn it into setting deletionTimestamp; otherwise it is gone (and its dependents are collected). */
  delete(ref: Ref): void {
    const existing = this.#objects.get(keyOf(this.#normalize(ref)));
    if (!existing) throw new ApiNotFoundError(`${ref.kind} ${ref.name} not found`);
    if ((existing.metadata.finalizers ?? []).length > 0) {
      if (existing.metadata.deletionTimestamp) return;
      const next = clone(existing);
      next.metadata.deletionTimestamp = this.now().toISOString();
      this.#store(next, 'updated');
      return;
    }
    this.#remove(existing);
  }

  #recordApplied(ref: Ref, input: KubeObject): void {
    this.#applied.set(keyOf(ref), { labels: Object.keys(input.metadata.labels ?? {}), annotations: Object.keys(input.metadata.annotations ?? {}) });
  }

  #normalize(ref: Ref): Ref {
    const type = this.types.byKind(ref.group, ref.kind);
    return type.namespaced ? ref : { group: ref.group, kind: ref.kind, name: ref.name };
  }

  #create(input: KubeObject, type: ResourceType): KubeObject {
    const next = clone(input);
    next.metadata = {
      ...next.metadata,
      uid: randomUUID(),
      creationTimestamp: this.now().toISOString(),
    };
    if (!type.namespaced) delete next.metadata.namespace;
    if (type.hasGeneration) next.metadata.generation = 1;
    else delete next.metadata.generation;
    delete next.metadata.deletionTimestamp;
    return this.#store(next, 'created');
  }

  #store(object: KubeObject, type: ChangeEvent['type']): KubeObject {
    this.#resourceVersion += 1;
    object.metadata.resourceVersion = String(this.#resourceVersion);
    const ref = this.#normalize(refOf(object));
    this.#objects.set(keyOf(ref), object);
    const kindKey = `${ref.group}/${ref.kind}`;
    if (!this.#byKind.has(kindKey)) this.#byKind.set(kindKey, new Map());
    this.#byKind.get(kindKey)?.set(keyOf(ref), object);
    for (const listener of this.#listeners) listener({ ref, type });
    return clone(object);
  }

  #remove(object: KubeObject): void {
    const ref = this.#normalize(refOf(object));
    this.#objects.delete(keyOf(ref));
    this.#byKind.get(`${ref.group}/${ref.kind}`)?.delete(keyOf(ref));
    this.#resourceVersion += 1;
    for (const listener of this.#listeners) listener({ ref, type: 'deleted' });
    // Background garbage collection of dependents.
    const uid = object.metadata.uid;
    for (const dependent of [...this.#objects.values()]) {
      if ((dependent.metadata.ownerReferences ?? []).some((owner) => owner.uid === uid)) {
        if (this.#objects.has(keyOf(this.#normalize(refOf(dependent))))) this.delete(refOf(dependent));
      }
    }
  }
}
