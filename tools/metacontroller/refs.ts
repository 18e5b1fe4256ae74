import type { KubeObject } from '../../src/metacontroller/types';

/** How the fake API addresses an object: API group, kind, namespace (namespaced kinds only), name. */
export interface Ref {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** The API group of an `apiVersion` (`''` for the core group's `v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function refOf(object: KubeObject): Ref {
  return { group: groupOf(object.apiVersion), kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name };
}

export function sameRef(a: Ref, b: Ref): boolean {
  return a.group === b.group && a.kind === b.kind && (a.namespace ?? '') === (b.namespace ?? '') && a.name === b.name;
}

/** `Kind namespace/name` (or `Kind name`), as events, hook calls and errors name an object. */
export function describeObject(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}
