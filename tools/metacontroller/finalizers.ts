import type { KubeObject } from '../../src/metacontroller/types';
import type { LoadedController } from './manifests';

/** The finalizer Metacontroller puts on the targets of a controller that has a finalize hook. */
export function finalizerOf(controller: LoadedController): string {
  return controller.kind === 'DecoratorController'
    ? `metacontroller.io/decoratorcontroller-${controller.name}`
    : `metacontroller.io/compositecontroller-${controller.name}`;
}

export function withoutFinalizer(object: KubeObject, finalizer: string): KubeObject {
  return { ...object, metadata: { ...object.metadata, finalizers: (object.metadata.finalizers ?? []).filter((f) => f !== finalizer) } };
}

export function withFinalizer(object: KubeObject, finalizer: string): KubeObject {
  return { ...object, metadata: { ...object.metadata, finalizers: [...(object.metadata.finalizers ?? []), finalizer] } };
}

/** What happens to one target: a finalizer change first, then the hook to call, if any. */
export interface LifecycleStep {
  finalizer: 'add' | 'remove' | 'keep';
  hook: 'sync' | 'finalize' | undefined;
}

/**
 * The finalizer goes on before any hook runs and comes off when the controller lost its finalize
 * hook; an object holding it is finalized once it is deleted or stops being selected.
 */
export function lifecycleStep(controller: LoadedController, object: KubeObject, selected: boolean): LifecycleStep {
  const hasFinalizer = (object.metadata.finalizers ?? []).includes(finalizerOf(controller));
  const deleting = object.metadata.deletionTimestamp !== undefined;
  if (!controller.hooks.finalize) return hasFinalizer ? { finalizer: 'remove', hook: undefined } : { finalizer: 'keep', hook: selected ? 'sync' : undefined };
  if (hasFinalizer && (deleting || !selected)) return { finalizer: 'keep', hook: 'finalize' };
  if (!selected) return { finalizer: 'keep', hook: undefined };
  return { finalizer: !deleting && !hasFinalizer ? 'add' : 'keep', hook: 'sync' };
}
