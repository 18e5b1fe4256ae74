/**
 * Every condition our controllers write must say which generation of the object it describes: a
 * condition left over from an older generation reads as current to users and to kubectl wait.
 * These are the conditions of a status that are ours: the object's own, the per-listener ones of
 * a Gateway, and those of route parents and policy ancestors whose controllerName is ours.
 */

export interface StaleCondition {
  /** Where it sits, e.g. `status.parents[0].conditions`. */
  path: string;
  type: string;
  observedGeneration: unknown;
}

export class StaleConditionError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function entries(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function staleIn(conditions: unknown, path: string, generation: number): StaleCondition[] {
  return entries(conditions)
    .filter(isRecord)
    .filter((condition) => condition.observedGeneration !== generation)
    .map((condition) => ({ path, type: String(condition.type), observedGeneration: condition.observedGeneration }));
}

/** The conditions of `status` we own that do not carry `generation` as their observedGeneration. */
export function staleConditions(status: Record<string, unknown>, generation: number, controllerName: string): StaleCondition[] {
  const stale = staleIn(status.conditions, 'status.conditions', generation);
  entries(status.listeners).forEach((listener, i) => {
    if (isRecord(listener)) stale.push(...staleIn(listener.conditions, `status.listeners[${i}].conditions`, generation));
  });
  for (const field of ['parents', 'ancestors']) {
    entries(status[field]).forEach((entry, i) => {
      if (isRecord(entry) && entry.controllerName === controllerName) stale.push(...staleIn(entry.conditions, `status.${field}[${i}].conditions`, generation));
    });
  }
  return stale;
}

/** Throws a StaleConditionError naming the object and every stale condition of the status written for it. */
export function assertConditionsObserved(object: string, status: Record<string, unknown>, generation: number, controllerName: string): void {
  const stale = staleConditions(status, generation, controllerName);
  if (stale.length === 0) return;
  const list = stale.map((c) => `${c.path} ${c.type}: observedGeneration ${JSON.stringify(c.observedGeneration) ?? 'missing'}`).join('; ');
  throw new StaleConditionError(`${object} is at generation ${generation} but its status carries stale conditions: ${list}`);
}
