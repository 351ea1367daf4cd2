/**
 * Simple moving average.
 * @module
 */

/** Checks that a window length is a positive integer. */
export function assertPeriod(period: number, what = "period"): void {
  if (!(Number.isInteger(period) && period >= 1)) {
    throw new RangeError(`Cannot compute with ${what} ${period}: expected a positive integer`);
  }
}

/**
 * Mean of `values[end - period + 1 .. end]` summed directly (no running sum: subtracting values
 * that leave the window accumulates rounding error on series spanning several magnitudes, such
 * as BTC from $0.06 to $100k).
 */
export function windowMean(values: ArrayLike<number>, end: number, period: number): number {
  let sum = 0;
  for (let j = end - period + 1; j <= end; j++) sum += values[j];
  return sum / period;
}

/**
 * Simple moving average aligned with the input: `out[i]` is the mean of the `period` values
 * ending at `i`, `NaN` for the first `period - 1` positions.
 * @example sma([1, 2, 3, 4], 2) // [NaN, 1.5, 2.5, 3.5]
 */
export function sma(values: ArrayLike<number>, period: number): Float64Array {
  assertPeriod(period);
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = period - 1; i < values.length; i++) out[i] = windowMean(values, i, period);
  return out;
}
