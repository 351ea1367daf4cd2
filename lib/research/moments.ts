/**
 * The sample moments of a return series that the Sharpe-ratio statistics take as inputs.
 *
 * Conventions (the ones Bailey & López de Prado's PSR uses, and the ones every other function in
 * `lib/research` expects):
 *
 * | quantity | estimator |
 * | --- | --- |
 * | mean μ | Σr / T |
 * | standard deviation s | √(Σ(r − μ)² / (T − 1)), the sample standard deviation |
 * | Sharpe | μ / s, per period (not annualised; no risk-free rate — subtract it first) |
 * | skewness γ₃ | m₃ / m₂^(3/2) with m_k = Σ(r − μ)^k / T, the population (biased) moment ratio |
 * | kurtosis γ₄ | m₄ / m₂², population, **non-excess**: 3 for a normal distribution |
 *
 * Skewness and kurtosis are the plain moment ratios that `scipy.stats.skew` and
 * `scipy.stats.kurtosis(fisher=False)` return by default (bias=True), as in the papers' code; they
 * always satisfy γ₄ ≥ 1 + γ₃², so the PSR variance term 1 − γ₃·SR + (γ₄ − 1)/4·SR² is never
 * negative. (pandas' `skew()`/`kurt()` are bias-corrected and differ by O(1/T).)
 * @module
 */
import { wholeAtLeast } from "./_validate.ts";

/** The moments of one return series; see the module table for each estimator. */
export interface SampleMoments {
  /** T, the number of returns. */
  observations: number;
  /** Arithmetic mean per period. */
  mean: number;
  /** Sample standard deviation (divisor T − 1). */
  standardDeviation: number;
  /** Per-period Sharpe ratio mean / standardDeviation; ±Infinity or NaN when the sd is 0. */
  sharpe: number;
  /** Population skewness m₃/m₂^1.5; NaN when the returns are constant. */
  skewness: number;
  /** Population non-excess kurtosis m₄/m₂² (normal: 3); NaN when the returns are constant. */
  kurtosis: number;
}

/**
 * Mean, sample standard deviation, per-period Sharpe, population skewness and non-excess
 * kurtosis of `returns` (two passes: the mean first, then centred power sums, so a large mean
 * does not swamp the deviations). Throws a RangeError naming the index of a non-finite return,
 * or when there are fewer than 2.
 * @example sampleMoments([1, 2, 3, 4, 10]).kurtosis // 2.788
 */
export function sampleMoments(returns: ArrayLike<number>): SampleMoments {
  const n = returns.length;
  wholeAtLeast("compute sample moments", "the number of returns", n, 2);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i];
    if (!Number.isFinite(r)) {
      throw new RangeError(`Cannot compute sample moments: returns[${i}] is ${r}`);
    }
    sum += r;
  }
  const mean = sum / n;
  let d1 = 0, d2 = 0, d3 = 0, d4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i] - mean;
    const sq = d * d;
    d1 += d;
    d2 += sq;
    d3 += sq * d;
    d4 += sq * sq;
  }
  // d1 is the rounding left in the mean; removing d1²/n is the corrected two-pass formula.
  const ss = Math.max(0, d2 - d1 * d1 / n);
  const standardDeviation = Math.sqrt(ss / (n - 1));
  const m2 = ss / n;
  return {
    observations: n,
    mean,
    standardDeviation,
    sharpe: mean / standardDeviation,
    skewness: m2 === 0 ? NaN : (d3 / n) / Math.pow(m2, 1.5),
    kurtosis: m2 === 0 ? NaN : (d4 / n) / (m2 * m2),
  };
}
