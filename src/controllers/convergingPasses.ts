import type { KubeObject } from '../metacontroller/types';

/** Past this many objects converging at once, the oldest passes are forgotten (they only cost a full pass). */
const MAX_PASSES = 100_000;

/**
 * The last full pass of each object still converging (waiting on Lattice, or refused), in this
 * process's memory: the fingerprint of what the pass depended on, as the next sync will see it,
 * and when it ran. It is a cache, not state: a restarted server or another replica has none and
 * makes a full pass, as before. Kept out of the object so that a converging object is not
 * rewritten on every pass (each write would trigger another sync of it).
 */
export class ConvergingPasses {
  readonly #passes = new Map<string, { fingerprint: string; atMs: number }>();

  constructor(readonly recheckMs: number) {}

  /** The recorded pass of `object`, while its recheck is not due. */
  current(object: KubeObject, nowMs: number): { fingerprint: string; atMs: number } | undefined {
    const pass = this.#passes.get(keyOf(object));
    return pass !== undefined && pass.atMs <= nowMs && nowMs < pass.atMs + this.recheckMs ? pass : undefined;
  }

  record(object: KubeObject, fingerprint: string, atMs: number): void {
    const key = keyOf(object);
    this.#passes.delete(key);
    this.#passes.set(key, { fingerprint, atMs });
    this.#prune(atMs);
  }

  forget(object: KubeObject): void {
    this.#passes.delete(keyOf(object));
  }

  get size(): number {
    return this.#passes.size;
  }

  /** Entries are in the order recorded: the expired ones are at the front. */
  #prune(nowMs: number): void {
    for (const [key, pass] of this.#passes) {
      if (this.#passes.size <= MAX_PASSES && pass.atMs + this.recheckMs > nowMs) return;
      this.#passes.delete(key);
    }
  }
}

function keyOf(object: KubeObject): string {
  const { uid, namespace, name } = object.metadata;
  return `${object.kind}/${uid ?? `${namespace ?? ''}/${name}`}`;
}
