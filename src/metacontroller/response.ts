import type { MetadataPatch } from './types';

/** Structural equality of JSON values (object key order ignored, array order significant). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  const bo = b as Record<string, unknown>;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual((a as Record<string, unknown>)[k], bo[k]));
}

/** Assignment that cannot reach a prototype, whatever the key (Kubernetes data may hold `__proto__`). */
export function setOwn<T>(target: Record<string, T>, key: string, value: NoInfer<T>): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The smallest label/annotation patch that turns `current` into `desired` for the keys named in
 * `desired`: a value sets the key, `null` deletes it. Keys already right are left out, so an
 * unchanged object yields `{}`.
 */
export function metadataPatch(current: Readonly<Record<string, string>> | undefined, desired: Readonly<MetadataPatch>): MetadataPatch {
  const patch: MetadataPatch = {};
  for (const [key, value] of Object.entries(desired)) {
    const has = current !== undefined && Object.prototype.hasOwnProperty.call(current, key);
    if (value === null) {
      if (has) setOwn(patch, key, null);
    } else if (!has || current[key] !== value) {
      setOwn(patch, key, value);
    }
  }
  return patch;
}

/** A Decorator `status` answer: `null` (leave as is) when the new status equals the current one. */
export function statusIfChanged(current: unknown, next: Record<string, unknown>): Record<string, unknown> | null {
  return jsonEqual(current ?? {}, next) ? null : next;
}

/** A shallow copy of an open status object, ignoring non-object values. */
export function copyStatus(status: unknown): Record<string, unknown> {
  if (status === null || typeof status !== 'object' || Array.isArray(status)) return {};
  // fromEntries defines own properties, so a `__proto__` key stays data, never a prototype.
  return Object.fromEntries(Object.entries(status as Record<string, unknown>));
}
