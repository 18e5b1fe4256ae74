/** Peak memory of the current process, sampled on a timer (GC makes the peak a lower bound of the true one). */

export interface MemoryPeak {
  rssBytes: number;
  heapUsedBytes: number;
}

export class MemorySampler {
  readonly #timer: NodeJS.Timeout;
  #peak: MemoryPeak = { rssBytes: 0, heapUsedBytes: 0 };

  constructor(intervalMs = 50) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    this.#peak = { rssBytes: Math.max(this.#peak.rssBytes, rss), heapUsedBytes: Math.max(this.#peak.heapUsedBytes, heapUsed) };
  }

  peak(): MemoryPeak {
    this.sample();
    return this.#peak;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
