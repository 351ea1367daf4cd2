/**
 * Token-bucket rate limiter: `capacity` tokens, refilled continuously at `perMinute / 60_000` per
 * ms. `take(n)` waits until `n` tokens are available. A server's "slow down" (Retry-After, a
 * used-weight header near its limit) pauses the whole bucket with {@link TokenBucket.pauseUntil}.
 *
 * A bucket whose burst equals its per-minute rate lets through up to twice that rate in one
 * minute (a full burst, then a minute of refill). To stay under a published "N per minute" limit,
 * build the bucket with {@link perMinuteLimiter}, which splits N between a small burst and the
 * refill rate so that no 60-second window ever carries more than N.
 * @module
 */
import { type Clock, systemClock } from "./clock.ts";

/** Options for {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Sustained rate, tokens per minute. */
  perMinute: number;
  /** Burst size; defaults to `perMinute` (one minute's worth). */
  capacity?: number;
  clock?: Clock;
}

/** A token bucket on an injectable clock. */
export class TokenBucket {
  readonly perMinute: number;
  readonly capacity: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;
  #pausedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: TokenBucketOptions) {
    if (!(options.perMinute > 0)) {
      throw new RangeError(
        `Cannot create a rate limiter: perMinute must be > 0, got ${options.perMinute}`,
      );
    }
    this.perMinute = options.perMinute;
    this.capacity = options.capacity ?? options.perMinute;
    if (!(this.capacity >= 1)) {
      throw new RangeError(
        `Cannot create a rate limiter: capacity must be >= 1, got ${this.capacity}`,
      );
    }
    this.#clock = options.clock ?? systemClock;
    this.#tokens = this.capacity;
    this.#last = this.#clock.now();
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#last);
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed * this.perMinute) / 60_000);
    this.#last = now;
  }

  /** Tokens available now (fractional). */
  available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Time until which the bucket is paused (0 when never paused), UTC ms. */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Stops handing out tokens until `tsMs` (a later pause wins over an earlier one). */
  pauseUntil(tsMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, tsMs);
  }

  /**
   * Waits until `n` tokens are available and takes them. Callers are served in order. Returns
   * the time waited in ms.
   */
  take(n = 1, signal?: AbortSignal): Promise<number> {
    if (n > this.capacity) {
      throw new RangeError(`Cannot take ${n} tokens from a bucket of capacity ${this.capacity}`);
    }
    const run = this.#queue.then(() => this.#takeNow(n, signal));
    this.#queue = run.then(() => undefined, () => undefined);
    return run;
  }

  async #takeNow(n: number, signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      const now = this.#clock.now();
      if (now < this.#pausedUntil) {
        const ms = this.#pausedUntil - now;
        waited += ms;
        await this.#clock.sleep(ms, signal);
        continue;
      }
      this.#refill();
      if (this.#tokens >= n) {
        this.#tokens -= n;
        return waited;
      }
      const ms = Math.ceil(((n - this.#tokens) * 60_000) / this.perMinute);
      waited += ms;
      await this.#clock.sleep(ms, signal);
    }
  }
}

/**
 * A bucket that never lets more than `limit` tokens through in any 60-second window: a burst of
 * `max(minBurst, 10 % of limit)` plus a refill of `limit - burst` per minute (burst + one minute
 * of refill = `limit`). `minBurst` must cover the heaviest single request (e.g. Binance weight).
 * @example perMinuteLimiter(10) // burst 1, then one token every 60_000 / 9 ms
 */
export function perMinuteLimiter(
  limit: number,
  options: { clock?: Clock; minBurst?: number } = {},
): TokenBucket {
  if (!(limit > 0)) {
    throw new RangeError(`Cannot create a rate limiter: the limit must be > 0, got ${limit}`);
  }
  const burst = Math.min(limit, Math.max(options.minBurst ?? 1, Math.floor(limit / 10)));
  // A limit no larger than the burst cannot be split; the bucket then refills at the limit.
  const rate = limit - burst > 0 ? limit - burst : limit;
  return new TokenBucket({ perMinute: rate, capacity: burst, clock: options.clock });
}
