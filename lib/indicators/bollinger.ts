/**
 * Bollinger Bands.
 * @module
 */
import { assertPeriod, windowMean } from "./sma.ts";

/** Bollinger Bands, each aligned with the input (`NaN` before the first full window). */
export interface BollingerBands {
  readonly middle: Float64Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
}

/**
 * Bollinger Bands: `middle` = SMA(`period`), `upper/lower = middle ± k * sd`, where `sd` is the
 * population standard deviation (divide by `period`, as Bollinger defines it) of the same window.
 */
export function bollinger(
  values: ArrayLike<number>,
  options: { period?: number; k?: number } = {},
): BollingerBands {
  const period = options.period ?? 20;
  const k = options.k ?? 2;
  assertPeriod(period);
  const n = values.length;
  const middle = new Float64Array(n).fill(NaN);
  const upper = new Float64Array(n).fill(NaN);
  const lower = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    const m = windowMean(values, i, period);
    let ss = 0;
    for (let j = i - period + 1; j <= i; j++) ss += (values[j] - m) ** 2;
    const sd = Math.sqrt(ss / period);
    middle[i] = m;
    upper[i] = m + k * sd;
    lower[i] = m - k * sd;
  }
  return { middle, upper, lower };
}
