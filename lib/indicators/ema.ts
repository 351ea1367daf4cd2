/**
 * Exponential moving average.
 * @module
 */
import { assertPeriod, windowMean } from "./sma.ts";

/**
 * Exponential moving average with `alpha = 2 / (period + 1)`, seeded with the simple average of
 * the first `period` values (so `out[period - 1]` equals the SMA), then
 * `out[i] = alpha * values[i] + (1 - alpha) * out[i - 1]`. `NaN` before the seed.
 * @example ema([1, 2, 3, 4], 3) // [NaN, NaN, 2, 3]
 */
export function ema(values: ArrayLike<number>, period: number): Float64Array {
  assertPeriod(period);
  const out = new Float64Array(values.length).fill(NaN);
  if (values.length < period) return out;
  const alpha = 2 / (period + 1);
  let prev = windowMean(values, period - 1, period);
  out[period - 1] = prev;
  for (let i = period; i < values.length; i++) {
    prev = alpha * values[i] + (1 - alpha) * prev;
    out[i] = prev;
  }
  return out;
}
