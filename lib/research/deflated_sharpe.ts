/**
 * The expected maximum Sharpe ratio of N zero-skill trials and the deflated Sharpe ratio
 * (Bailey & López de Prado, "The Deflated Sharpe Ratio: Correcting for Selection Bias, Backtest
 * Overfitting and Non-Normality", Journal of Portfolio Management 40(5), 2014).
 *
 * Units: per-period Sharpe ratios (mean / sample standard deviation of per-period returns) and the
 * variance of the trials' per-period Sharpe ratios; an annualised variance converts with V / k for
 * k periods a year. Which divisor the caller used for that variance (N or N − 1) changes the
 * result noticeably when N is small, so record it beside every DSR reported.
 * @module
 */
import { above, atLeast, finite, wholeAtLeast } from "./_validate.ts";
import { normalQuantile } from "./normal.ts";
import { probabilisticSharpeRatio } from "./probabilistic_sharpe.ts";

/** The Euler–Mascheroni constant γ. */
export const EULER_MASCHERONI = 0.5772156649015329;

/** Inputs of {@link expectedMaxSharpe}. */
export interface ExpectedMaxSharpeInput {
  /** N, the number of independent trials (a whole number ≥ 1). */
  trials: number;
  /** V, the variance of the N trials' per-period Sharpe ratios (≥ 0). */
  trialSharpeVariance: number;
}

/**
 * SR₀ = √V · [(1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))], γ the Euler–Mascheroni constant: the
 * expected maximum per-period Sharpe ratio among N trials whose true Sharpe is 0 and whose
 * estimated Sharpe ratios have variance V. The bracket approximates E[max of N standard
 * normals]. One trial has nothing to select from, so N = 1 gives 0 (the formula's first quantile
 * would be −∞). RangeError naming the argument for N not a whole number ≥ 1 or V < 0.
 * @example expectedMaxSharpe({ trials: 100, trialSharpeVariance: 0.5 / 250 }) // ≈ 0.1132
 */
export function expectedMaxSharpe(input: ExpectedMaxSharpeInput): number {
  const action = "compute the expected maximum Sharpe ratio";
  const n = wholeAtLeast(action, "trials", input.trials, 1);
  const v = atLeast(action, "trialSharpeVariance", input.trialSharpeVariance, 0);
  if (n === 1 || v === 0) return 0;
  // Φ⁻¹(1 − p) as −Φ⁻¹(p): 1 − 1/N would round away digits of a small 1/N.
  const bracket = (1 - EULER_MASCHERONI) * -normalQuantile(1 / n) +
    EULER_MASCHERONI * -normalQuantile(1 / (n * Math.E));
  return Math.sqrt(v) * bracket;
}

/** Inputs of {@link deflatedSharpeRatio}. */
export interface DsrInput extends ExpectedMaxSharpeInput {
  /** The selected (best) trial's per-period Sharpe ratio. */
  sharpe: number;
  /** T, the number of returns of the selected trial (≥ 2). */
  observations: number;
  /** γ₃ of the selected trial's returns. */
  skewness: number;
  /** γ₄ of the selected trial's returns, non-excess (normal: 3); > 0. */
  kurtosis: number;
}

/**
 * DSR = PSR(SR₀) with SR₀ = {@link expectedMaxSharpe}(trials, trialSharpeVariance): the probability
 * that the selected trial's true per-period Sharpe ratio exceeds what the best of `trials`
 * zero-skill trials would show by luck. `sharpe`, `observations`, `skewness` and non-excess
 * `kurtosis` are those of the selected trial. With trials = 1 (or variance 0) it equals
 * PSR against benchmark 0. RangeError naming the argument as for the two functions it combines.
 * @example deflatedSharpeRatio({ sharpe: 2.5 / Math.sqrt(250), trialSharpeVariance: 0.5 / 250, trials: 100, observations: 1250, skewness: -3, kurtosis: 10 }) // ≈ 0.9004
 */
export function deflatedSharpeRatio(input: DsrInput): number {
  const { sharpe, observations, skewness, kurtosis } = input;
  // Checked here too so that the message names the deflated ratio, not the PSR inside it.
  const action = "compute the deflated Sharpe ratio";
  finite(action, "sharpe", sharpe);
  finite(action, "skewness", skewness);
  above(action, "kurtosis", kurtosis, 0);
  atLeast(action, "observations", observations, 2);
  const benchmarkSharpe = expectedMaxSharpe(input);
  return probabilisticSharpeRatio({ sharpe, benchmarkSharpe, observations, skewness, kurtosis });
}
