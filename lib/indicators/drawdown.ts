/**
 * Drawdowns, as positive fractions below a high (0.1 = 10% below).
 * @module
 */
import { assertPeriod } from "./sma.ts";

/**
 * Drawdown of `values[end]` from the highest of the `lookback` values ending at `end` (the
 * current one included): `1 - values[end] / max(values[end - lookback + 1 .. end])`. 0 at a new
 * high. `NaN` when fewer than `lookback` values exist up to `end`.
 */
export function drawdownFromHigh(values: ArrayLike<number>, end: number, lookback: number): number {
  assertPeriod(lookback, "lookback");
  if (end - lookback + 1 < 0 || end >= values.length) return NaN;
  let high = -Infinity;
  for (let j = end - lookback + 1; j <= end; j++) if (values[j] > high) high = values[j];
  return high > 0 ? 1 - values[end] / high : NaN;
}

/** {@link drawdownFromHigh} for every position, aligned with the input. */
export function rollingDrawdown(values: ArrayLike<number>, lookback: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = lookback - 1; i < values.length; i++) out[i] = drawdownFromHigh(values, i, lookback);
  return out;
}

/** Drawdown from the running peak since the start (equity-curve style), aligned with the input. */
export function drawdownSeries(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let peak = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > peak) peak = values[i];
    out[i] = peak > 0 ? 1 - values[i] / peak : NaN;
  }
  return out;
}

/** Deepest drawdown from a running peak (0 for a series that never falls). */
export function maxDrawdown(values: ArrayLike<number>): number {
  let worst = 0;
  for (const d of drawdownSeries(values)) if (d > worst) worst = d;
  return worst;
}
