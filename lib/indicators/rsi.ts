/**
 * Relative Strength Index with Wilder's smoothing.
 * @module
 */
import { assertPeriod } from "./sma.ts";

/**
 * Wilder's RSI. With changes `d[i] = values[i] - values[i - 1]`, gains `max(d, 0)` and losses
 * `max(-d, 0)`: the first average gain / loss (at `i = period`) is the simple mean of the first
 * `period` gains / losses; after that `avg = (avg * (period - 1) + current) / period`.
 * `RSI = 100 - 100 / (1 + avgGain / avgLoss)`; 100 when there are no losses, 50 when the
 * window has neither gains nor losses. `NaN` for `i < period`. Values are not rounded
 * (`technicalindicators` rounds its RSI to two decimals).
 */
export function rsi(values: ArrayLike<number>, period = 14): Float64Array {
  assertPeriod(period);
  const out = new Float64Array(values.length).fill(NaN);
  if (values.length <= period) return out;
  let gain = 0, loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = values[i] - values[i - 1];
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  out[period] = rsiOf(gain, loss);
  for (let i = period + 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    gain = (gain * (period - 1) + (d > 0 ? d : 0)) / period;
    loss = (loss * (period - 1) + (d < 0 ? -d : 0)) / period;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}

function rsiOf(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}
