/** Small pieces every resource family uses. */
import { ConflictError, type ResourceType } from '../errors';
import { enterPhase, visibleStatus, type Lifecycle, type Status } from '../lifecycle';
import type { OperationContext } from '../operation';
import type { Tags } from '../state';

/** Names are unique per account (networks, services, target groups), per service or per listener. */
export function ensureNameFree(
  records: Iterable<{ readonly id: string; readonly name: string }>,
  name: string,
  resourceType: ResourceType,
  where: string,
): void {
  for (const record of records) {
    if (record.name === name) {
      throw new ConflictError(resourceType, record.id, `${resourceType} name ${name} is already used by ${record.id} ${where}`);
    }
  }
}

/** The fields every new record starts with. */
export function newRecordFields(context: OperationContext, id: string, arn: string, tags: Tags | undefined) {
  return { id, arn, seq: context.store.nextSeq(), createdAt: context.now, lastUpdatedAt: context.now, tags: { ...tags } };
}

/** ConflictException unless the resource is in one of `allowed` (the message names the current status). */
export function ensureStatus(
  record: { readonly id: string; readonly lifecycle: Lifecycle },
  context: OperationContext,
  allowed: readonly Status[],
  resourceType: ResourceType,
  attempted: string,
): void {
  const status = visibleStatus(record.lifecycle, context.now);
  if (!allowed.includes(status)) {
    throw new ConflictError(resourceType, record.id, `Cannot ${attempted}: ${resourceType} ${record.id} is in ${status} state`);
  }
}

interface Deletable {
  lifecycle: Lifecycle;
  lastUpdatedAt: number;
}

/** A Delete retried while the deletion runs changes nothing and reports the same state. */
export function isDeleting(record: Deletable): boolean {
  return record.lifecycle.phase === 'DELETE_IN_PROGRESS';
}

/** The resource stays visible as DELETE_IN_PROGRESS for `transitionMs`, then disappears. */
export function beginDeletion(context: OperationContext, record: Deletable): void {
  record.lifecycle = enterPhase('DELETE_IN_PROGRESS', context.now, context.settings.transitionMs);
  record.lastUpdatedAt = context.now;
}
