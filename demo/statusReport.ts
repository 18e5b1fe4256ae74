import type { KubeObject } from '../src/metacontroller/types';
import { table } from './table';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** `Kind namespace/name`, as kubectl names objects. */
export function objectName(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}

function conditionTable(conditions: unknown, indent: string): string[] {
  const list = Array.isArray(conditions) ? (conditions as Condition[]) : [];
  if (list.length === 0) return [`${indent}(no conditions)`];
  return table(
    ['CONDITION', 'STATUS', 'REASON', 'MESSAGE'],
    list.map((c) => [c.type ?? '', c.status ?? '', c.reason ?? '', c.message ?? '']),
    indent,
  );
}

interface ListenerStatus {
  name?: string;
  attachedRoutes?: number;
  conditions?: unknown;
}

interface ParentStatus {
  parentRef?: { name?: string; namespace?: string; sectionName?: string };
  conditions?: unknown;
}

/**
 * The status an object's controllers wrote, as a newcomer reads it: the object's conditions,
 * then per Gateway listener or per route parent. Objects without a status are skipped.
 */
export function statusLines(object: KubeObject): string[] {
  const status = (object.status ?? undefined) as
    | { conditions?: unknown; listeners?: ListenerStatus[]; parents?: ParentStatus[]; addresses?: { value?: string }[] }
    | undefined;
  if (!status) return [];
  const lines = [objectName(object)];
  if (status.conditions !== undefined) lines.push(...conditionTable(status.conditions, '  '));
  for (const listener of status.listeners ?? []) {
    lines.push(
      `  listener ${listener.name ?? '?'} (${listener.attachedRoutes ?? 0} route${listener.attachedRoutes === 1 ? '' : 's'} attached)`,
    );
    lines.push(...conditionTable(listener.conditions, '    '));
  }
  if ((status.addresses ?? []).length > 0) lines.push(`  addresses: ${(status.addresses ?? []).map((a) => a.value ?? '').join(', ')}`);
  for (const parent of status.parents ?? []) {
    const ref = parent.parentRef ?? {};
    lines.push(
      `  parent Gateway ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '?'}${ref.sectionName ? ` (${ref.sectionName})` : ''}`,
    );
    lines.push(...conditionTable(parent.conditions, '    '));
  }
  return lines;
}
