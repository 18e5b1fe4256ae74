import type { GetRuleResponse } from '@aws-sdk/client-vpc-lattice';
import { idFromArn } from './arn';

/**
 * What this process last saw of resources whose lists carry no content (listener rules: ListRules
 * gives neither match nor action), with the `lastUpdatedAt` Lattice gave them. A list that shows
 * a resource with that same `lastUpdatedAt` spares the Get: Lattice moves it on every change.
 *
 * - Read (a Get): the content is good while the list shows the `lastUpdatedAt` the Get returned.
 * - Created (a create's answer, which carries no timestamps): good while the list shows the
 *   resource never updated (`lastUpdatedAt` equal to `createdAt`).
 * - Our own updates and deletes forget the resource (their answers carry no timestamps either).
 *
 * An entry is trusted for `maxAgeMs` at most, so that a change Lattice stamped within the same
 * timestamp as the one remembered (possible only for a racing writer, within its clock's
 * resolution) is read again within that bound. Bounded in size: past `maxEntries` the entry
 * remembered first goes first. Keyed by id (unique in the account), as updates may name either.
 */

/** How long a remembered rule is trusted at least before a Get reads it again. */
export const MIN_RULE_AGE_MS = 30 * 60 * 1000;

/**
 * Drift windows a remembered rule outlives: an object is verified every half to whole window, a
 * deferred verification one window later at most, so most verifications find its rules
 * remembered (about one in four reads them again).
 */
const RULE_AGE_IN_DRIFT_WINDOWS = 3;

/** The timestamps of a list's summary (the SDK parses them into Dates). */
export interface VersionStamps {
  createdAt?: Date | undefined;
  lastUpdatedAt?: Date | undefined;
}

interface Entry {
  /**
   * The content as JSON text: one string per entry for the garbage collector to walk instead of a
   * tree of objects (a full collection's cost follows what the heap holds), and a fresh copy for
   * each caller.
   */
  json: string;
  /** `lastUpdatedAt` in ms as a Get returned it, or `created` for a create's answer. */
  stamp: number | 'created';
  rememberedAt: number;
}

export class ContentMemory<T> {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: { maxEntries: number; maxAgeMs: number; now?: () => number }) {
    this.#maxEntries = options.maxEntries;
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  /** A Get's answer: its content as of its `lastUpdatedAt` (nothing remembered without one). */
  rememberRead(arnOrId: string, lastUpdatedAt: Date | undefined, content: T): void {
    const stamp = lastUpdatedAt?.getTime();
    if (stamp === undefined || Number.isNaN(stamp)) return this.forget(arnOrId);
    this.#set(arnOrId, { json: JSON.stringify(content), stamp, rememberedAt: this.#now() });
  }

  /** A create's answer: its content, good until the resource is first updated. */
  rememberCreated(arnOrId: string, content: T): void {
    this.#set(arnOrId, { json: JSON.stringify(content), stamp: 'created', rememberedAt: this.#now() });
  }

  forget(arnOrId: string): void {
    this.#entries.delete(idFromArn(arnOrId));
  }

  /** The remembered content when the summary shows the resource unchanged since; else undefined (read it). */
  recall(arnOrId: string, summary: VersionStamps): T | undefined {
    const id = idFromArn(arnOrId);
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (this.#now() - entry.rememberedAt >= this.#maxAgeMs || this.#now() < entry.rememberedAt) {
      this.#entries.delete(id);
      return undefined;
    }
    const updated = summary.lastUpdatedAt?.getTime();
    if (updated === undefined || Number.isNaN(updated)) return undefined;
    const unchanged = entry.stamp === 'created' ? summary.createdAt?.getTime() === updated : entry.stamp === updated;
    // A copy: what a pass builds on its observation must not reach the next pass through here.
    return unchanged ? (JSON.parse(entry.json) as T) : undefined;
  }

  get size(): number {
    return this.#entries.size;
  }

  #set(arnOrId: string, entry: Entry): void {
    const id = idFromArn(arnOrId);
    this.#entries.delete(id);
    // First remembered, first out: a Map iterates in insertion order.
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(id, entry);
  }
}

/** What a rule's Get gives that its list does not. */
export type RuleContent = Pick<GetRuleResponse, 'name' | 'priority' | 'match' | 'action'>;
/** The content part of a rule's Get or create answer. */
export const ruleContent = ({ name, priority, match, action }: RuleContent): RuleContent => ({ name, priority, match, action });

/** Room for every rule of 2,000 services with 10 rules each (a few hundred bytes of JSON apiece). */
const REMEMBERED_RULES = 20_000;

/** The process's memory of listener rules, shared by every hook, for the drift window of `driftCheckSeconds`. */
export function createRuleMemory(driftCheckSeconds: number, now?: () => number): ContentMemory<RuleContent> {
  const maxAgeMs = Math.max(MIN_RULE_AGE_MS, RULE_AGE_IN_DRIFT_WINDOWS * driftCheckSeconds * 1000);
  return new ContentMemory({ maxEntries: REMEMBERED_RULES, maxAgeMs, ...(now ? { now } : {}) });
}
