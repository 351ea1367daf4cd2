/**
 * An incremental simple moving average whose comparisons are exact.
 *
 * {@link RollingMean} keeps a running sum over a ring buffer of the last `period` values, so a
 * new value costs O(1). A running sum drifts (subtracting values that left the window rounds),
 * so it also tracks a bound on that rounding error and re-sums the window exactly every
 * {@link RESYNC_EVERY} values. {@link compareMeans} uses the bound: when two means are further
 * apart than their error bounds, the running values decide; otherwise both windows are summed
 * again in time order, exactly as {@link windowMean} (the plain definition) does. So the sign
 * it returns is always the sign of `windowMean(a) − windowMean(b)`.
 * @module
 */
import { assertPeriod } from "./sma.ts";

/** A little above 2^-52: the relative rounding error of one floating-point operation. */
const EPS = 2.3e-16;

/** The running sum is re-summed exactly every this many values, so its error bound stays small. */
export const RESYNC_EVERY = 4096;

/**
 * Simple moving average of the last `period` values pushed, updated in O(1) per value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareMeans, RollingMean } from "./rolling_mean.ts";
 *
 * const fast = new RollingMean(2), slow = new RollingMean(3);
 * for (const v of [1, 2, 3, 4]) {
 *   fast.push(v);
 *   slow.push(v);
 * }
 * assert.equal(fast.mean, 3.5); // (3 + 4) / 2
 * assert.equal(slow.mean, 3); // (2 + 3 + 4) / 3
 * assert.equal(compareMeans(fast, slow), 1);
 * ```
 */
export class RollingMean {
  /** Values in the window. */
  readonly period: number;
  readonly #window: Float64Array;
  #count = 0;
  /** Where the next value goes in the window (= count mod period). */
  #slot = 0;
  /** Values left until the next exact re-sum (= RESYNC_EVERY − count mod RESYNC_EVERY). */
  #untilResync = RESYNC_EVERY;
  #sum = 0;
  #error = 0;

  /** An empty mean over `period` values (a positive integer). */
  constructor(period: number) {
    assertPeriod(period);
    this.period = period;
    this.#window = new Float64Array(period);
  }

  /** Values pushed so far. */
  get count(): number {
    return this.#count;
  }

  /** True once `period` values have been pushed (the mean is defined). */
  get ready(): boolean {
    return this.#count >= this.period;
  }

  /** The running mean: within {@link RollingMean.errorBound} of the exact mean. */
  get mean(): number {
    return this.#sum / this.period;
  }

  /** Bound on |running mean − exact mean|. */
  get errorBound(): number {
    return this.#error / this.period;
  }

  /** Adds the newest value; the oldest leaves the window once it is full. */
  push(value: number): void {
    const j = this.#count, slot = this.#slot;
    const leaving = this.#window[slot];
    this.#window[slot] = value;
    this.#slot = slot + 1 === this.period ? 0 : slot + 1;
    // The order of operations is part of the error bound below: add first, then subtract.
    let sum = this.#sum + value;
    if (j >= this.period) sum -= leaving;
    this.#sum = sum;
    this.#error += EPS * (Math.abs(sum) + Math.abs(value)) * 2;
    this.#count = j + 1;
    if (--this.#untilResync === 0) {
      this.#untilResync = RESYNC_EVERY;
      this.#sum = this.#exactSum();
      this.#error = EPS * Math.abs(this.#sum) * this.period;
    }
  }

  /** The mean of the window summed in time order (the plain definition, bit for bit). */
  exactMean(): number {
    return this.#exactSum() / this.period;
  }

  #exactSum(): number {
    const n = Math.min(this.#count, this.period);
    let s = 0;
    for (let k = this.#count - n; k < this.#count; k++) s += this.#window[k % this.period];
    return s;
  }
}

/**
 * Sign of `a.mean − b.mean` as the plain means give it: 1, −1, or 0 when they are equal. Both
 * must be {@link RollingMean.ready}.
 */
export function compareMeans(a: RollingMean, b: RollingMean): -1 | 0 | 1 {
  const x = a.mean, y = b.mean, d = x - y;
  const tolerance = a.errorBound + b.errorBound + 4 * EPS * (Math.abs(x) + Math.abs(y));
  if (Math.abs(d) > tolerance) return d > 0 ? 1 : -1;
  const exact = a.exactMean() - b.exactMean();
  return exact > 0 ? 1 : exact < 0 ? -1 : 0;
}
