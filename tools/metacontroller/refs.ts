import { groupOf, refOf, type ObjectRef } from '../../src/metacontroller/objects';
import type { KubeObject } from '../../src/metacontroller/types';

export { groupOf, refOf };

/** How the fake API addresses an object: API group, kind, namespace (namespaced kinds only), name. */
export type Ref = ObjectRef;

export function sameRef(a: Ref, b: Ref): boolean {
  return a.group === b.group && a.kind === b.kind && (a.namespace ?? '') === (b.namespace ?? '') && a.name === b.name;
}

/** `Kind namespace/name` (or `Kind name`), as events, hook calls and errors name an object. */
export function describeObject(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}
