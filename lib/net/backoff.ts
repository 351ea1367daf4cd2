/**
 * Exponential backoff with "full jitter" (AWS architecture blog): the n-th retry waits a uniformly
 * random time in `[0, min(maxMs, baseMs * 2^n))`, which spreads retries of many clients apart.
 * @module
 */

/** Options for {@link backoffDelay}. */
export interface BackoffOptions {
  /** Upper bound of the first retry's wait, ms. */
  baseMs: number;
  /** Cap on any single wait, ms. */
  maxMs: number;
  /** Uniform random in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

/**
 * Wait before retry number `retry` (0 for the first retry).
 * @example backoffDelay(2, { baseMs: 100, maxMs: 10_000, random: () => 0.5 }) // 200
 */
export function backoffDelay(retry: number, options: BackoffOptions): number {
  if (!(options.baseMs >= 0) || !(options.maxMs >= 0)) {
    throw new RangeError("Cannot compute backoff: baseMs and maxMs must be >= 0");
  }
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry));
  return Math.floor(random() * ceiling);
}
