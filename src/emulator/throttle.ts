/** A token bucket over all Lattice calls: `burst` calls at once, refilled at `ratePerSecond`. */
import type { ThrottleSettings } from './settings';

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly settings: ThrottleSettings,
    now: number,
  ) {
    this.tokens = settings.burst;
    this.updatedAt = now;
  }

  /** Takes a token; when none is left, returns the whole seconds until one will be (for Retry-After). */
  take(now: number): number | undefined {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.settings.burst, this.tokens + elapsedSeconds * this.settings.ratePerSecond);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.settings.ratePerSecond));
  }
}
