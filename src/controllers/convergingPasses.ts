import { randomUUID } from 'node:crypto';
import type { ObservedRoute } from '../lattice/routeState';
import type { KubeObject } from '../metacontroller/types';

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
  /** What Lattice holds after the pass, as far as it knows (a route's: see passPicture); the next pass starts from it. */
  picture?: LatticePicture;
}

export interface LatticePicture {
  observed: ObservedRoute;
  /** When the pass that left it ended (epoch ms). */
  takenAtMs: number;
  /** When Lattice was last observed in full (see trustedUntil). */
  observedInFullAtMs: number;
  /** How many passes started from a picture since that full observation. */
  picturedPasses: number;
  /** The versions of its inputs the full observation saw (see routeInputVersions). */
  inputVersions: string;
  /**
   * The route's service, when a pass of this chain created it. The chain is unbroken (a pass that
   * failed or found a pictured resource gone ends it, and so does a pass of another process, by its
   * mark), so nothing under the service was created and deleted since: an association's create
   * answered in progress needs no check (see associateService: a lost answer leaves no mark).
   */
  createdServiceId?: string | undefined;
}

/** A route converging for longer (an association stuck in CREATE_IN_PROGRESS, say) is observed in full again. */
const TRUSTED_FOR_MS = 5 * 60_000;
/**
 * However long ago its full observation, a picture is trusted for the first passes after it: a
 * route's own convergence takes about two (targets and association, then the association ACTIVE),
 * and in a fleet waiting on the account's API rate those passes come many minutes apart. A stale
 * picture costs at most a failed pass: a pass from a picture only creates (see PICTURED_WRITES),
 * and only a full observation verifies.
 */
const FIRST_PASSES = 2;
/** The first passes' trust ends too, so that a pass is never kept longer than this. */
export const FIRST_PASSES_WITHIN_MS = 60 * 60_000;

/**
 * The last full pass of each object still converging (waiting on Lattice, or refused), in this
 * process's memory. It is a cache, not state: a restarted server or another replica has none and
 * makes a full pass, as before. Kept out of the object so that a converging object is not
 * rewritten on every pass (each write would trigger another sync of it).
 */
export class ConvergingPasses {
  readonly #passes = new Map<string, ConvergingPass>();
  /** This process's id, as its passes write it on their objects (LAST_PASS_ANNOTATION). */
  readonly id = randomUUID();

  /** `recheckMs`: the longest a pass is answered from (PENDING_RECHECK_MS). */
  constructor(readonly recheckMs: number) {}

  /** The recorded pass of `object`, while neither its recheck nor the resync it asked for is due. */
  current(object: KubeObject, nowMs: number): ConvergingPass | undefined {
    const pass = this.#passes.get(keyOf(object));
    return pass !== undefined && pass.atMs <= nowMs && nowMs < this.#heldUntil(pass) ? pass : undefined;
  }

  /** The recorded pass of `object` whose hold is over, while its picture of Lattice is trusted. */
  pictured(object: KubeObject, nowMs: number): ConvergingPass | undefined {
    const pass = this.#passes.get(keyOf(object));
    return pass?.picture !== undefined && this.#heldUntil(pass) <= nowMs && nowMs < trustedUntil(pass.picture) ? pass : undefined;
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
    return Math.max(this.#heldUntil(pass), pass.picture ? trustedUntil(pass.picture) : 0);
  }

  /** Entries are in the order recorded: the expired ones are mostly at the front (one kept longer only delays those behind it). */
  #prune(nowMs: number): void {
    for (const [key, pass] of this.#passes) {
      if (this.#passes.size <= MAX_PASSES && this.#keptUntil(pass) > nowMs) return;
      this.#passes.delete(key);
    }
  }
}

function trustedUntil(picture: LatticePicture): number {
  const window = picture.picturedPasses < FIRST_PASSES ? FIRST_PASSES_WITHIN_MS : TRUSTED_FOR_MS;
  return picture.observedInFullAtMs + window;
}

function keyOf(object: KubeObject): string {
  const { uid, namespace, name } = object.metadata;
  return `${object.kind}/${uid ?? `${namespace ?? ''}/${name}`}`;
}
