/**
 * A per-client token bucket: `perMinute` requests a minute, refilled continuously, so a burst of
 * at most `perMinute` is allowed and the wait until the next request is known (Retry-After).
 * @module
 */

/** Buckets by client key. */
export class RateLimiter {
  readonly #perMinute: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /** `perMinute` 0 disables the limiter. */
  constructor(perMinute: number, now: () => number = Date.now) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  /** True when there is no limit. */
  get disabled(): boolean {
    return this.#perMinute <= 0;
  }

  /** Takes one request for `key`: 0 when allowed, else the ms to wait. */
  take(key: string): number {
    const now = this.#now();
    const rate = this.#perMinute / 60_000;
    const b = this.#buckets.get(key) ?? { tokens: this.#perMinute, at: now };
    b.tokens = Math.min(this.#perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.#buckets.set(key, b);
    if (this.#buckets.size > 10_000) this.#prune(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / rate);
  }

  /** Drops buckets that are full again. */
  #prune(now: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * (this.#perMinute / 60_000) >= this.#perMinute) {
        this.#buckets.delete(k);
      }
    }
  }
}
