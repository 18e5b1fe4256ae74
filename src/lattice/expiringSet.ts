/**
 * Keys remembered for a while, in this process's memory: a verdict about a Lattice resource (its
 * tags said "not ours", or "this object's") that spares the next pass a ListTagsForResource.
 * Bounded: past `maxEntries` the oldest entry goes first.
 */
export class ExpiringSet {
  readonly #until = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  has(key: string, now: number): boolean {
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#until.delete(key);
    return false;
  }

  add(key: string, now: number): void {
    this.#until.delete(key);
    // Oldest first out: a Map iterates in insertion order.
    if (this.#until.size >= this.maxEntries) this.#until.delete(this.#until.keys().next().value as string);
    this.#until.set(key, now + this.ttlMs);
  }

  get size(): number {
    return this.#until.size;
  }
}
