/**
 * Pearson correlation, single and rolling.
 * @module
 */
import { assertPeriod } from "./sma.ts";

/**
 * Pearson correlation of `x[from..to)` and `y[from..to)` (defaults: whole arrays), computed in
 * two passes (means first, then centred sums) for numerical stability:
 * `r = Σ(x - x̄)(y - ȳ) / sqrt(Σ(x - x̄)² · Σ(y - ȳ)²)`.
 * `NaN` when fewer than 2 points, when either side is constant, or when a value is not finite.
 */
export function pearson(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  from = 0,
  to = Math.min(x.length, y.length),
): number {
  const n = to - from;
  if (n < 2) return NaN;
  let mx = 0, my = 0;
  for (let i = from; i < to; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = from; i < to; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0 && syy > 0)) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  // Rounding can push |r| a hair past 1 for perfectly (anti-)correlated data.
  return Math.max(-1, Math.min(1, r));
}

/**
 * Rolling Pearson correlation aligned with the inputs: `out[i]` is the correlation of the
 * `window` pairs ending at `i`; `NaN` before the first full window or when a window contains a
 * `NaN`.
 */
export function rollingCorrelation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  window: number,
): Float64Array {
  assertPeriod(window, "window");
  if (window < 2) throw new RangeError(`Cannot correlate over window ${window}: need at least 2`);
  const n = Math.min(x.length, y.length);
  const out = new Float64Array(n).fill(NaN);
  for (let i = window - 1; i < n; i++) out[i] = pearson(x, y, i - window + 1, i + 1);
  return out;
}
