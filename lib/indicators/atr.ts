/**
 * True range and Average True Range (Wilder).
 * @module
 */
import { assertPeriod } from "./sma.ts";

/** Price arrays of equal length. */
export interface HighLowClose {
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

/**
 * True range aligned with the input: `tr[i] = max(high - low, |high - prevClose|,
 * |low - prevClose|)` for `i >= 1`; `tr[0] = high[0] - low[0]` (no previous close).
 */
export function trueRange(bars: HighLowClose): Float64Array {
  const n = bars.close.length;
  const out = new Float64Array(n).fill(NaN);
  if (n === 0) return out;
  out[0] = bars.high[0] - bars.low[0];
  for (let i = 1; i < n; i++) {
    const h = bars.high[i], l = bars.low[i], pc = bars.close[i - 1];
    out[i] = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
  }
  return out;
}

/**
 * Wilder's ATR (as TA-Lib computes it): the first value, at `i = period`, is the mean of
 * `tr[1..period]` (true ranges that have a previous close); after that
 * `atr[i] = (atr[i - 1] * (period - 1) + tr[i]) / period`. `NaN` before.
 */
export function atr(bars: HighLowClose, period = 14): Float64Array {
  assertPeriod(period);
  const tr = trueRange(bars);
  const n = tr.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += tr[i];
  let prev = sum / period;
  out[period] = prev;
  for (let i = period + 1; i < n; i++) {
    prev = (prev * (period - 1) + tr[i]) / period;
    out[i] = prev;
  }
  return out;
}
