/**
 * metav1.Condition handling shared by every status we write. Conditions are a map keyed by
 * `type`: we replace only the types we own, keep everyone else's untouched and in place, and keep
 * `lastTransitionTime` unless the condition's status flips — so that an unchanged world yields a
 * byte-identical status and Metacontroller writes nothing.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** What a controller decides; generation and timestamps are filled in by the merge. */
export interface DesiredCondition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export interface ConditionMergeOptions {
  generation: number;
  /** RFC 3339 time used for conditions that are new or changed status. */
  now: string;
  /** Types this controller owns: an existing owned condition that is not desired is removed. Defaults to the desired types. */
  ownedTypes?: readonly string[];
}

const MAX_MESSAGE = 32768;

function isCondition(value: unknown): value is Condition {
  if (value === null || typeof value !== 'object') return false;
  const c = value as Record<string, unknown>;
  return typeof c.type === 'string' && typeof c.status === 'string';
}

export function condition(type: string, status: ConditionStatus, reason: string, message = ''): DesiredCondition {
  return { type, status, reason, message };
}

function materialize(desired: DesiredCondition, previous: Condition | undefined, options: ConditionMergeOptions): Condition {
  const keepTime = previous !== undefined && previous.status === desired.status && typeof previous.lastTransitionTime === 'string';
  return {
    type: desired.type,
    status: desired.status,
    reason: desired.reason,
    message: desired.message.length > MAX_MESSAGE ? `${desired.message.slice(0, MAX_MESSAGE - 3)}...` : desired.message,
    observedGeneration: options.generation,
    lastTransitionTime: keepTime ? previous.lastTransitionTime : options.now,
  };
}

export function mergeConditions(
  existing: readonly unknown[] | undefined,
  desired: readonly DesiredCondition[],
  options: ConditionMergeOptions,
): unknown[] {
  const owned = new Set(options.ownedTypes ?? desired.map((c) => c.type));
  for (const c of desired) owned.add(c.type);
  const desiredByType = new Map(desired.map((c) => [c.type, c]));
  const placed = new Set<string>();
  const result: unknown[] = [];

  for (const entry of existing ?? []) {
    if (!isCondition(entry) || !owned.has(entry.type)) {
      result.push(entry);
      continue;
    }
    const want = desiredByType.get(entry.type);
    if (want === undefined || placed.has(entry.type)) continue;
    result.push(materialize(want, entry, options));
    placed.add(entry.type);
  }
  for (const want of desired) {
    if (!placed.has(want.type)) {
      result.push(materialize(want, undefined, options));
      placed.add(want.type);
    }
  }
  return result;
}

/**
 * True when a condition we own already records a newer generation than the object we were sent:
 * our copy is stale and writing would roll status back (Gateway API "Notes for implementors").
 */
export function hasNewerObservedGeneration(existing: readonly unknown[] | undefined, ownedTypes: readonly string[], generation: number): boolean {
  return (existing ?? []).some(
    (c) => isCondition(c) && ownedTypes.includes(c.type) && typeof c.observedGeneration === 'number' && c.observedGeneration > generation,
  );
}

export function findCondition(conditions: readonly unknown[] | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((c): c is Condition => isCondition(c) && c.type === type);
}
