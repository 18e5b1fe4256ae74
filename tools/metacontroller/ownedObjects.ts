import type { KubeObject, OwnerReference } from '../../src/metacontroller/types';
import type { FakeCluster } from './cluster';
import { HookError } from './hookClient';
import type { LoadedController } from './manifests';
import { groupOf, refOf, sameRef, type Ref } from './refs';
import { DECORATOR_ANNOTATION, observedOwned } from './selection';

/**
 * Applies attachments (decorator) or children (composite): the answer is the complete desired
 * set, created, updated per each rule's update strategy, and anything owned but not desired
 * deleted. Returns whether anything was written.
 */
export function reconcileOwned(cluster: FakeCluster, controller: LoadedController, owner: KubeObject, desiredRaw: unknown, field: string): boolean {
  if (desiredRaw !== undefined && desiredRaw !== null && !Array.isArray(desiredRaw)) throw new HookError(`${field} must be a list`);
  const desired = (desiredRaw ?? []) as unknown[];
  const observed = observedOwned(cluster, controller, owner);
  let wrote = false;
  const kept: Ref[] = [];
  for (const entry of desired) {
    if (entry === null || typeof entry !== 'object') throw new HookError(`${field}: null entry`);
    const object = structuredClone(entry as KubeObject);
    const rule = controller.owned.find((r) => r.apiVersion === object.apiVersion && cluster.types.byResource(groupOf(r.apiVersion), r.resource).kind === object.kind);
    if (!rule) throw new HookError(`${field}: ${object.kind} ${object.apiVersion} is not a declared ${field} type`);
    if (!object.metadata?.name) throw new HookError(`${field}: object without metadata.name`);
    const type = cluster.types.byKind(groupOf(object.apiVersion), object.kind);
    if (type.namespaced) {
      object.metadata.namespace ??= owner.metadata.namespace;
      if (owner.metadata.namespace && object.metadata.namespace !== owner.metadata.namespace) {
        throw new HookError(`${field}: ${object.kind} ${object.metadata.name} is not in the namespace of its owner`);
      }
    }
    markOwned(controller, owner, object);
    const ref = refOf(object);
    kept.push(ref);
    const existing = cluster.get(ref);
    if (!existing) {
      cluster.apply(object);
      wrote = true;
      continue;
    }
    if (!observed.some((o) => sameRef(refOf(o), ref))) throw new HookError(`${field}: ${object.kind} ${object.metadata.name} already exists and is not ours`);
    wrote = updateOwned(cluster, rule.updateStrategy?.method ?? 'OnDelete', existing, object) || wrote;
  }
  for (const object of observed) {
    if (!kept.some((ref) => sameRef(ref, refOf(object)))) {
      cluster.delete(refOf(object));
      wrote = true;
    }
  }
  return wrote;
}

/** The controller owner reference, plus the decorator annotation or the composite's selector label. */
function markOwned(controller: LoadedController, owner: KubeObject, object: KubeObject): void {
  const ownerRef: OwnerReference = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true };
  object.metadata.ownerReferences = [ownerRef];
  if (controller.kind === 'DecoratorController') object.metadata.annotations = { ...(object.metadata.annotations ?? {}), [DECORATOR_ANNOTATION]: controller.name };
  else if (controller.generateSelector) object.metadata.labels = { ...(object.metadata.labels ?? {}), 'controller-uid': owner.metadata.uid as string };
}

/** Brings an existing owned object to the desired one as its update strategy allows. */
function updateOwned(cluster: FakeCluster, method: string, existing: KubeObject, object: KubeObject): boolean {
  if (method === 'OnDelete') return false;
  if (method === 'Recreate' || method === 'RollingRecreate') {
    const before = JSON.stringify({ ...existing, metadata: undefined, status: undefined });
    const after = JSON.stringify({ ...object, metadata: undefined, status: undefined });
    if (before === after) return false;
    cluster.delete(refOf(object));
    cluster.apply(object);
    return true;
  }
  const merged = { ...existing, ...object, metadata: { ...existing.metadata, labels: object.metadata.labels, annotations: object.metadata.annotations, ownerReferences: object.metadata.ownerReferences }, status: existing.status };
  const stored = cluster.update(merged);
  return stored.metadata.resourceVersion !== existing.metadata.resourceVersion;
}
