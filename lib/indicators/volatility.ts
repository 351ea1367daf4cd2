/**
 * Rolling annualised volatility.
 * @module
 */
import { assertPeriod } from "./sma.ts";

/** Periods per year for crypto daily bars: markets trade every calendar day. */
export const CRYPTO_DAYS_PER_YEAR = 365;
/** Periods per year for exchange-traded daily series (stocks, VIX): trading days. */
export const TRADING_DAYS_PER_YEAR = 252;

/**
 * Sample standard deviation (divide by `n - 1`) of `values[end - window + 1 .. end]`; `NaN`
 * when the window is incomplete or holds a `NaN`.
 */
export function windowStdDev(values: ArrayLike<number>, end: number, window: number): number {
  if (window < 2 || end - window + 1 < 0 || end >= values.length) return NaN;
  let m = 0;
  for (let j = end - window + 1; j <= end; j++) m += values[j];
  m /= window;
  let ss = 0;
  for (let j = end - window + 1; j <= end; j++) ss += (values[j] - m) ** 2;
  return Math.sqrt(ss / (window - 1));
}

/**
 * Rolling annualised volatility of a return series, aligned with it:
 * `out[i] = stdev(returns[i - window + 1 .. i]) * sqrt(periodsPerYear)` (sample standard
 * deviation). Pass log returns from `logReturns` (whose `[0]` is `NaN`, so the first value
 * appears at `i = window`). Use 365 for crypto daily bars, 252 for trading-day series.
 */
export function rollingVolatility(
  returns: ArrayLike<number>,
  window: number,
  periodsPerYear: number = CRYPTO_DAYS_PER_YEAR,
): Float64Array {
  assertPeriod(window, "window");
  if (window < 2) throw new RangeError(`Cannot compute volatility over window ${window}: need 2+`);
  if (!(periodsPerYear > 0)) {
    throw new RangeError(`Cannot annualise with ${periodsPerYear} periods per year`);
  }
  const scale = Math.sqrt(periodsPerYear);
  const out = new Float64Array(returns.length).fill(NaN);
  for (let i = window - 1; i < returns.length; i++) {
    out[i] = windowStdDev(returns, i, window) * scale;
  }
  return out;
}
