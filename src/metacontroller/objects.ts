import type { KubeObject } from './types';

/** The identity of a Kubernetes object; `group` is '' for the core group. */
export interface ObjectRef {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function refOf(object: KubeObject): ObjectRef {
  const ref: ObjectRef = { group: groupOf(object.apiVersion), kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace !== undefined && object.metadata.namespace !== '') ref.namespace = object.metadata.namespace;
  return ref;
}

/** `namespace/name` for namespaced objects, `name` otherwise (the Metacontroller v2 key form). */
export function qualifiedName(object: { metadata: { name: string; namespace?: string } }): string {
  const { name, namespace } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** Oldest first (creationTimestamp), then `namespace/name`: the Gateway API's tie-break between objects. */
export function olderFirst(a: KubeObject, b: KubeObject): number {
  const at = a.metadata.creationTimestamp ?? '';
  const bt = b.metadata.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return compareQualifiedNames(a.metadata.namespace ?? '', a.metadata.name, b.metadata.namespace ?? '', b.metadata.name);
}

const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Orders `namespace/name` strings without building them: Kubernetes timestamps have whole seconds,
 * so a fleet applied at once ties on creationTimestamp and a sort compares names thousands of times.
 */
function compareQualifiedNames(an: string, a: string, bn: string, b: string): number {
  if (an === bn) return order(a, b);
  const shorter = Math.min(an.length, bn.length);
  for (let i = 0; i < shorter; i++) if (an[i] !== bn[i]) return order(an[i] as string, bn[i] as string);
  // One namespace begins the other: the shorter one's `/` meets the longer one's next character.
  const next = an.length < bn.length ? bn[shorter] : an[shorter];
  if (next === '/') return order(`${an}/${a}`, `${bn}/${b}`);
  return (an.length < bn.length ? order('/', next as string) : order(next as string, '/'));
}

export function generationOf(object: KubeObject): number {
  return object.metadata.generation ?? 0;
}

export function isDeleting(object: KubeObject): boolean {
  return object.metadata.deletionTimestamp !== undefined && object.metadata.deletionTimestamp !== null;
}

/** Object-typed field access for open-ended Kubernetes data (spec, status). */
export function recordAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const inner = (value as Record<string, unknown>)[key];
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : undefined;
}
