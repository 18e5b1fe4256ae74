import type { DecoratorHookResponse, KubeObject } from '../metacontroller/types';
import type { HookContext } from './types';

/** Past this many objects converging at once, the oldest passes are forgotten (they only cost a full pass). */
const MAX_PASSES = 100_000;

/** The last full pass of an object still converging. */
export interface ConvergingPass {
  /** What the pass depended on, as the next sync sees the object. */
  fingerprint: string;
  atMs: number;
  /** When the pass asked to be synced again (epoch ms). */
  resyncAtMs: number;
  /** The attachments the pass answered (a route's DNSEndpoint): a held sync answers them again. */
  attachments?: KubeObject[];
  /** How a sync after the hold settles the pass with a few reads instead of a full one. */
  settlement?: Settlement;
}

/**
 * A pass that waits for nothing but a status Lattice reaches on its own (a route waiting for its
 * new associations to become ACTIVE) has planned and done all the rest: once the hold is over,
 * reading that status decides. Its full pass comes back with a change, a verify-now, a restart,
 * anything unexpected in that read, or `untilMs`.
 */
export interface Settlement {
  /** `arrived`: what the pass waited for is there; `waiting`: not yet; `changed`: a full pass must look. */
  check(ctx: HookContext): Promise<'arrived' | 'waiting' | 'changed'>;
  /** The pass's answer with what it waited for arrived, for the object as this sync sees it. */
  answer(object: KubeObject, ctx: HookContext): DecoratorHookResponse;
  /** After this (epoch ms), full passes again. */
  untilMs: number;
}

/**
 * The last full pass of each object still converging (waiting on Lattice, or refused), in this
 * process's memory. It is a cache, not state: a restarted server or another replica has none and
 * makes a full pass, as before. Kept out of the object so that a converging object is not
 * rewritten on every pass (each write would trigger another sync of it).
 */
export class ConvergingPasses {
  readonly #passes = new Map<string, ConvergingPass>();

  /** `recheckMs`: the longest a pass is answered from (PENDING_RECHECK_MS). */
  constructor(readonly recheckMs: number) {}

  /** The recorded pass of `object`, while neither its recheck nor the resync it asked for is due. */
  current(object: KubeObject, nowMs: number): ConvergingPass | undefined {
    const pass = this.#passes.get(keyOf(object));
    return pass !== undefined && pass.atMs <= nowMs && nowMs < this.#heldUntil(pass) ? pass : undefined;
  }

  /** The recorded pass of `object` whose hold is over but which a few reads may settle (see Settlement). */
  settling(object: KubeObject, nowMs: number): ConvergingPass | undefined {
    const pass = this.#passes.get(keyOf(object));
    return pass?.settlement !== undefined && this.#heldUntil(pass) <= nowMs && nowMs < pass.settlement.untilMs ? pass : undefined;
  }

  record(object: KubeObject, pass: ConvergingPass): void {
    const key = keyOf(object);
    this.#passes.delete(key);
    this.#passes.set(key, pass);
    this.#prune(pass.atMs);
  }

  forget(object: KubeObject): void {
    this.#passes.delete(keyOf(object));
  }

  get size(): number {
    return this.#passes.size;
  }

  #heldUntil(pass: ConvergingPass): number {
    return Math.min(pass.atMs + this.recheckMs, pass.resyncAtMs);
  }

  #keptUntil(pass: ConvergingPass): number {
    return Math.max(this.#heldUntil(pass), pass.settlement?.untilMs ?? 0);
  }

  /** Entries are in the order recorded: the expired ones are mostly at the front (one kept longer only delays those behind it). */
  #prune(nowMs: number): void {
    for (const [key, pass] of this.#passes) {
      if (this.#passes.size <= MAX_PASSES && this.#keptUntil(pass) > nowMs) return;
      this.#passes.delete(key);
    }
  }
}

function keyOf(object: KubeObject): string {
  const { uid, namespace, name } = object.metadata;
  return `${object.kind}/${uid ?? `${namespace ?? ''}/${name}`}`;
}
