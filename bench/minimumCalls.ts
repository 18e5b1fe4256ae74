/**
 * The fewest Lattice calls that turn one emulator state into another (pure): what a phase must
 * call whatever the controller does, counted from the emulator's state before and after it.
 * Reads are never needed by this count; a controller's reads are its overhead.
 */

import type { EmulatorState, StateEntry } from '../tools/emulatorAdmin';

export interface MinimumCalls {
  creates: number;
  deletes: number;
  /** Updates of changed resources (changed rules of one listener count once: one BatchUpdateRule). */
  updates: number;
  /** RegisterTargets / DeregisterTargets: at most one of each per target group. */
  targets: number;
  /** TagResource / UntagResource. */
  tags: number;
  total: number;
}

const ID_KINDS = [
  'serviceNetworks',
  'services',
  'listeners',
  'rules',
  'targetGroups',
  'serviceNetworkServiceAssociations',
  'serviceNetworkVpcAssociations',
  'accessLogSubscriptions',
] as const;

/** Fields that change by themselves or are derived from other resources: not something a call sets. */
const VOLATILE = new Set([
  'status',
  'createdAt',
  'lastUpdatedAt',
  'failureReason',
  'failureMessage',
  'failureCode',
  'targets',
  'serviceArns',
  'tags',
  'dnsEntry',
]);

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Resources on their way out are already deleted as far as a caller is concerned. */
function live(entries: readonly StateEntry[]): StateEntry[] {
  return entries.filter((e) => !text(e.status).startsWith('DELETE'));
}

function byKey(entries: readonly StateEntry[], key: string): Map<string, StateEntry> {
  return new Map(live(entries).map((e) => [text(e[key]), e]));
}

function settable(entry: StateEntry): string {
  // `numberOfAssociatedServices` and the like count other resources.
  return JSON.stringify(
    Object.entries(entry)
      .filter(([k]) => !VOLATILE.has(k) && !k.startsWith('numberOf'))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

function tagCalls(before: StateEntry, after: StateEntry): number {
  const was = (before.tags ?? {}) as Record<string, string>;
  const now = (after.tags ?? {}) as Record<string, string>;
  const set = Object.entries(now).some(([k, v]) => was[k] !== v) ? 1 : 0;
  const unset = Object.keys(was).some((k) => !(k in now)) ? 1 : 0;
  return set + unset;
}

/** `id:port` of the targets still registered (draining ones are on their way out). */
function targetsOf(group: StateEntry): Set<string> {
  const targets = (group.targets ?? []) as { id: string; port?: number; status?: string }[];
  return new Set(targets.filter((t) => t.status !== 'DRAINING').map((t) => `${t.id}:${t.port ?? ''}`));
}

export function minimumCalls(before: EmulatorState, after: EmulatorState): MinimumCalls {
  const result: MinimumCalls = { creates: 0, deletes: 0, updates: 0, targets: 0, tags: 0, total: 0 };
  const gone = new Set<string>();
  for (const kind of ID_KINDS) {
    const was = byKey(before[kind], 'id');
    for (const id of was.keys()) if (!byKey(after[kind], 'id').has(id)) gone.add(id);
  }
  const changedListeners = new Set<string>();
  for (const kind of ID_KINDS) {
    const was = byKey(before[kind], 'id');
    const now = byKey(after[kind], 'id');
    for (const [id, entry] of now) {
      const old = was.get(id);
      // A listener's default rule comes and goes with the listener.
      if (kind === 'rules' && entry.isDefault === true && old === undefined) continue;
      if (old === undefined) {
        result.creates += 1;
        if (kind === 'targetGroups' && targetsOf(entry).size > 0) result.targets += 1;
        continue;
      }
      result.tags += tagCalls(old, entry);
      if (settable(old) !== settable(entry)) {
        if (kind === 'rules') changedListeners.add(text(entry.listenerId));
        else result.updates += 1;
      }
      if (kind === 'targetGroups') {
        const oldTargets = targetsOf(old);
        const newTargets = targetsOf(entry);
        if ([...newTargets].some((t) => !oldTargets.has(t))) result.targets += 1;
        if ([...oldTargets].some((t) => !newTargets.has(t))) result.targets += 1;
      }
    }
    for (const [id, entry] of was) {
      if (now.has(id)) continue;
      // Cascades: DeleteService takes its listeners, rules and logs; DeleteListener its rules.
      if (kind === 'listeners' && gone.has(text(entry.serviceId))) continue;
      if (kind === 'rules' && (entry.isDefault === true || gone.has(text(entry.listenerId)) || gone.has(text(entry.serviceId)))) continue;
      if (kind === 'accessLogSubscriptions' && gone.has(text(entry.resourceId))) continue;
      result.deletes += 1;
    }
  }
  result.updates += changedListeners.size;
  for (const kind of ['authPolicies', 'resourcePolicies'] as const) {
    const was = byKey(before[kind], 'resourceId');
    const now = byKey(after[kind], 'resourceId');
    for (const [id, entry] of now) {
      const old = was.get(id);
      if (old === undefined) result.creates += 1;
      else if (old.policy !== entry.policy) result.updates += 1;
    }
    for (const id of was.keys()) if (!now.has(id) && !gone.has(id)) result.deletes += 1;
  }
  result.total = result.creates + result.deletes + result.updates + result.targets + result.tags;
  return result;
}
