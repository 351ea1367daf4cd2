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

  /** The running sum of the window (within {@link RollingMean.sumErrorBound} of the exact sum). */
  get runningSum(): number {
    return this.#sum;
  }

  /** Bound on |running sum − exact sum| (= errorBound × period). */
  get sumErrorBound(): number {
    return this.#error;
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

  /** The window's values summed oldest first: slots `slot … period − 1`, then `0 … slot − 1`. */
  #exactSum(): number {
    const w = this.#window, p = this.period;
    let s = 0;
    if (this.#count < p) {
      for (let k = 0; k < this.#count; k++) s += w[k];
      return s;
    }
    const slot = this.#slot;
    for (let k = slot; k < p; k++) s += w[k];
    for (let k = 0; k < slot; k++) s += w[k];
    return s;
  }
}

/**
 * Sign of `a.mean − b.mean` as the plain means give it: 1, −1, or 0 when they are equal. Both
 * must be {@link RollingMean.ready}.
 *
 * The fast path compares the running sums cross-multiplied by the periods (sa·pb against sb·pa:
 * the periods are positive, so the sign is that of the means' difference) with no division. Its
 * tolerance is the means' test (errorBound(a) + errorBound(b) + 4ε(|mean a| + |mean b|)) scaled
 * by pa·pb, widened by (1 + 10⁻¹²) and by another 4ε(|sa·pb| + |sb·pa|) for the rounding of the
 * products, so the fast path only decides where the means' test would decide the same way;
 * everything closer is summed exactly.
 */
export function compareMeans(a: RollingMean, b: RollingMean): -1 | 0 | 1 {
  const x = a.runningSum * b.period, y = b.runningSum * a.period, d = x - y;
  const ax = Math.abs(x), ay = Math.abs(y);
  const tolerance = (a.sumErrorBound * b.period + b.sumErrorBound * a.period) * (1 + 1e-12) +
    8 * EPS * (ax + ay);
  if (Math.abs(d) > tolerance) return d > 0 ? 1 : -1;
  const exact = a.exactMean() - b.exactMean();
  return exact > 0 ? 1 : exact < 0 ? -1 : 0;
}

/**
 * Two {@link RollingMean}s of the same values — a fast one over the last `fast` values and a slow
 * one over the last `slow` (fast < slow) — in one window, with the comparison of
 * {@link compareMeans} built in. Every sum, error bound and re-sum is computed with exactly the
 * operations of two separate `RollingMean`s (the fast window's oldest value is read `fast` slots
 * back in the shared window), so {@link MeanPair.sign} is always `compareMeans(fast, slow)` and
 * the exact means are bit for bit theirs; it just does the work of both in one `push`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MeanPair } from "./rolling_mean.ts";
 *
 * const p = new MeanPair(2, 3);
 * for (const v of [1, 2, 3, 4]) p.push(v);
 * assert.equal(p.fastExactMean(), 3.5); // (3 + 4) / 2
 * assert.equal(p.slowExactMean(), 3); // (2 + 3 + 4) / 3
 * assert.equal(p.sign(), 1);
 * ```
 */
export class MeanPair {
  /** Values in the fast mean. */
  readonly fast: number;
  /** Values in the slow mean. */
  readonly slow: number;
  readonly #window: Float64Array;
  #count = 0;
  #slot = 0;
  #untilResync = RESYNC_EVERY;
  #fastSum = 0;
  #fastError = 0;
  #slowSum = 0;
  #slowError = 0;

  /** Empty means over `fast` and `slow` values (positive integers, fast < slow). */
  constructor(fast: number, slow: number) {
    assertPeriod(fast);
    assertPeriod(slow);
    if (!(fast < slow)) throw new RangeError(`fast period ${fast} must be below slow ${slow}`);
    this.fast = fast;
    this.slow = slow;
    this.#window = new Float64Array(slow);
  }

  /** Values pushed so far. */
  get count(): number {
    return this.#count;
  }

  /** True once `slow` values have been pushed (both means are defined). */
  get ready(): boolean {
    return this.#count >= this.slow;
  }

  /** Adds the newest value to both means. */
  push(value: number): void {
    const j = this.#count, slot = this.#slot, w = this.#window, fast = this.fast, slow = this.slow;
    const slowLeaving = w[slot];
    const f = slot - fast;
    const fastLeaving = w[f < 0 ? f + slow : f];
    w[slot] = value;
    this.#slot = slot + 1 === slow ? 0 : slot + 1;
    const abs = Math.abs(value);
    let fs = this.#fastSum + value;
    if (j >= fast) fs -= fastLeaving;
    this.#fastSum = fs;
    this.#fastError += EPS * (Math.abs(fs) + abs) * 2;
    let ss = this.#slowSum + value;
    if (j >= slow) ss -= slowLeaving;
    this.#slowSum = ss;
    this.#slowError += EPS * (Math.abs(ss) + abs) * 2;
    this.#count = j + 1;
    if (--this.#untilResync === 0) this.#resync();
  }

  // The rare paths are methods of their own: `push` and `sign` stay small enough for the
  // compiler to inline them into a strategy's per-bar code (a call not inlined boxes its double
  // argument on every bar).

  /** Every RESYNC_EVERY values: both sums summed again exactly, their error bounds reset. */
  #resync(): void {
    const fast = this.fast, slow = this.slow;
    this.#untilResync = RESYNC_EVERY;
    this.#fastSum = this.#exactSum(fast);
    this.#fastError = EPS * Math.abs(this.#fastSum) * fast;
    this.#slowSum = this.#exactSum(slow);
    this.#slowError = EPS * Math.abs(this.#slowSum) * slow;
  }

  /** `compareMeans(fast, slow)`: the sign of fast mean − slow mean as the plain means give it. */
  sign(): -1 | 0 | 1 {
    const fast = this.fast, slow = this.slow;
    const x = this.#fastSum * slow, y = this.#slowSum * fast, d = x - y;
    const tolerance = (this.#fastError * slow + this.#slowError * fast) * (1 + 1e-12) +
      8 * EPS * (Math.abs(x) + Math.abs(y));
    if (Math.abs(d) > tolerance) return d > 0 ? 1 : -1;
    return this.#exactSign();
  }

  /** The sign from both means summed exactly (near a tie). */
  #exactSign(): -1 | 0 | 1 {
    const exact = this.fastExactMean() - this.slowExactMean();
    return exact > 0 ? 1 : exact < 0 ? -1 : 0;
  }

  /** The fast mean summed in time order (the plain definition, bit for bit). */
  fastExactMean(): number {
    return this.#exactSum(this.fast) / this.fast;
  }

  /** The slow mean summed in time order (the plain definition, bit for bit). */
  slowExactMean(): number {
    return this.#exactSum(this.slow) / this.slow;
  }

  /** The newest min(count, period) values summed oldest first. */
  #exactSum(period: number): number {
    const w = this.#window, slow = this.slow, count = this.#count;
    let s = 0;
    if (count < slow) {
      for (let k = Math.max(0, count - period); k < count; k++) s += w[k];
      return s;
    }
    const n = Math.min(count, period);
    let k = this.#slot - n;
    if (k < 0) k += slow;
    for (let m = 0; m < n; m++) {
      s += w[k];
      k = k + 1 === slow ? 0 : k + 1;
    }
    return s;
  }
}
