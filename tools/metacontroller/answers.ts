import type { KubeObject } from '../../src/metacontroller/types';
import { ApiConflictError, ApiNotFoundError, type FakeCluster } from './cluster';
import { finalizerOf, withoutFinalizer } from './finalizers';
import { HookError } from './hookClient';
import type { HookDefinition, LoadedController } from './manifests';
import { reconcileOwned } from './ownedObjects';
import { refOf } from './refs';

/** Applying a sync or finalize answer to the cluster, as Metacontroller writes it. */

const DECORATOR_ANSWER_FIELDS = new Set(['labels', 'annotations', 'status', 'attachments', 'resyncAfterSeconds', 'finalized']);
const COMPOSITE_ANSWER_FIELDS = new Set(['status', 'children', 'resyncAfterSeconds', 'finalized']);

export interface AppliedAnswer {
  /** Whether anything was written to the cluster. */
  wrote: boolean;
  /** The status the hook answered, when it was written (not when the answer had none or the write was dropped). */
  status: Record<string, unknown> | undefined;
}

export interface AnswerContext {
  cluster: FakeCluster;
  controller: LoadedController;
  hook: HookDefinition;
  /** The target as it was sent to the hook. */
  sent: KubeObject;
  answer: Record<string, unknown>;
  finalizing: boolean;
}

export function applyAnswer(context: AnswerContext): AppliedAnswer {
  return context.controller.kind === 'DecoratorController' ? applyDecoratorAnswer(context) : applyCompositeAnswer(context);
}

function checkFields(hook: HookDefinition, answer: Record<string, unknown>, allowed: Set<string>): void {
  const unknown = Object.keys(answer).filter((f) => !allowed.has(f));
  if (hook.strict && unknown.length > 0) {
    throw new HookError(`strict validation failed for ${hook.version} webhookResponse (mode: strict): unknown field "${unknown[0]}"`);
  }
}

function isConflictOrGone(error: unknown): boolean {
  return error instanceof ApiConflictError || error instanceof ApiNotFoundError;
}

/**
 * Status first (a PUT of the whole status with the resourceVersion that was sent), then labels,
 * annotations and the finalizer in one update, then attachments. A conflict drops the rest
 * silently: the change that caused it triggers the next sync.
 */
function applyDecoratorAnswer({ cluster, controller, hook, sent, answer, finalizing }: AnswerContext): AppliedAnswer {
  checkFields(hook, answer, DECORATOR_ANSWER_FIELDS);
  let wrote = false;
  let current: KubeObject = sent;
  let written: Record<string, unknown> | undefined;
  const finalized = finalizing && answer.finalized === true;

  if (answer.status !== undefined && answer.status !== null) {
    const status = statusOf(answer.status);
    try {
      current = cluster.updateStatus(refOf(sent), status, { expectedResourceVersion: sent.metadata.resourceVersion });
      wrote = current.metadata.resourceVersion !== sent.metadata.resourceVersion;
      written = status;
    } catch (error) {
      if (!isConflictOrGone(error)) throw error;
      return { wrote, status: written };
    }
  }

  const next = structuredClone(current);
  const labels = mergeStringMap(next.metadata.labels, answer.labels, 'labels');
  const annotations = mergeStringMap(next.metadata.annotations, answer.annotations, 'annotations');
  if (labels) next.metadata.labels = labels;
  else delete next.metadata.labels;
  if (annotations) next.metadata.annotations = annotations;
  else delete next.metadata.annotations;
  if (finalized) next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizerOf(controller));
  if (JSON.stringify(next.metadata) !== JSON.stringify(current.metadata)) {
    try {
      const stored = cluster.update(next, { expectedResourceVersion: current.metadata.resourceVersion });
      wrote ||= stored.metadata.resourceVersion !== current.metadata.resourceVersion || finalized;
      current = stored;
    } catch (error) {
      if (!isConflictOrGone(error)) throw error;
      return { wrote, status: written };
    }
  }
  if (finalized) return { wrote: true, status: written };
  wrote = reconcileOwned(cluster, controller, current, answer.attachments, 'attachments') || wrote;
  return { wrote, status: written };
}

/** Children first, then the status (null wipes it; observedGeneration is always set; last writer wins), then the finalizer. */
function applyCompositeAnswer({ cluster, controller, hook, sent, answer, finalizing }: AnswerContext): AppliedAnswer {
  checkFields(hook, answer, COMPOSITE_ANSWER_FIELDS);
  const finalized = finalizing && answer.finalized === true;
  let wrote = false;
  if (!finalized) wrote = reconcileOwned(cluster, controller, sent, answer.children, 'children');
  const answered = answer.status === undefined || answer.status === null ? undefined : statusOf(answer.status);
  const live = cluster.get(refOf(sent));
  if (!live) return { wrote, status: undefined };
  const after = cluster.updateStatus(refOf(live), { ...(answered ?? {}), observedGeneration: sent.metadata.generation ?? 0 });
  wrote ||= after.metadata.resourceVersion !== live.metadata.resourceVersion;
  if (finalized) {
    const fresh = cluster.get(refOf(sent));
    if (fresh) cluster.update(withoutFinalizer(fresh, finalizerOf(controller)));
    wrote = true;
  }
  return { wrote, status: answered };
}

function statusOf(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HookError('status must be an object');
  return value as Record<string, unknown>;
}

/** Labels or annotations: the answer's keys are merged in, a null value deletes the key. */
function mergeStringMap(current: Record<string, string> | undefined, patch: unknown, field: string): Record<string, string> | undefined {
  if (patch === undefined || patch === null) return current;
  if (typeof patch !== 'object' || Array.isArray(patch)) throw new HookError(`${field} must be an object`);
  const merged: Record<string, string> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete merged[key];
    else if (typeof value === 'string') merged[key] = value;
    else throw new HookError(`${field}.${key} must be a string or null`);
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}
