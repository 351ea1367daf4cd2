/**
 * The probabilistic Sharpe ratio and the minimum track record length (Bailey & López de Prado,
 * "The Sharpe Ratio Efficient Frontier", Journal of Risk 15(2), 2012).
 *
 * Units and conventions, shared by every function here:
 * - `sharpe` and `benchmarkSharpe` are **per-period** Sharpe ratios: mean / sample standard
 *   deviation (divisor T − 1) of the per-period returns, not annualised. Convert an annual figure
 *   with SR / √k for k periods a year.
 * - `skewness` γ₃ and `kurtosis` γ₄ are of the same per-period returns; `kurtosis` is
 *   **non-excess** (a normal distribution has 3). `sampleMoments` (moments.ts) computes all of them.
 * @module
 */
import { above, atLeast, finite } from "./_validate.ts";
import { normalCdf, normalQuantile } from "./normal.ts";

/** Inputs of {@link probabilisticSharpeRatio}. */
export interface PsrInput {
  /** Observed per-period Sharpe ratio SR. */
  sharpe: number;
  /** Benchmark per-period Sharpe ratio SR* that the true Sharpe must exceed. */
  benchmarkSharpe: number;
  /** T, the number of returns SR was measured on (≥ 2; need not be whole). */
  observations: number;
  /** γ₃ of the returns. */
  skewness: number;
  /** γ₄ of the returns, non-excess (normal: 3); > 0. */
  kurtosis: number;
}

/**
 * 1 − γ₃·SR + (γ₄ − 1)/4·SR²: T times the variance of the Sharpe estimator. Consistent moments
 * (γ₄ ≥ 1 + γ₃²) make it ≥ (1 − γ₃·SR/2)² ≥ 0; a non-positive value means they are not.
 */
function sharpeVarianceTerm(
  action: string,
  sharpe: number,
  skewness: number,
  kurtosis: number,
): number {
  finite(action, "sharpe", sharpe);
  finite(action, "skewness", skewness);
  above(action, "kurtosis", kurtosis, 0);
  const v = 1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe;
  if (!(v > 0)) {
    throw new RangeError(
      `Cannot ${action}: 1 − skewness·sharpe + (kurtosis − 1)/4·sharpe² is ${v}, not positive ` +
        `(skewness ${skewness} and kurtosis ${kurtosis} are inconsistent: kurtosis ≥ 1 + skewness²)`,
    );
  }
  return v;
}

/**
 * PSR(SR*) = Φ((SR − SR*)·√(T − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4·SR²)): the probability that the
 * true Sharpe ratio exceeds `benchmarkSharpe`, given `sharpe` measured on `observations` returns
 * with `skewness` and non-excess `kurtosis`. Per-period Sharpe ratios (sample standard deviation)
 * throughout. RangeError naming the argument when observations < 2 or kurtosis ≤ 0.
 * @example probabilisticSharpeRatio({ sharpe: 0.1, benchmarkSharpe: 0, observations: 101, skewness: 0, kurtosis: 3 })
 */
export function probabilisticSharpeRatio(input: PsrInput): number {
  const action = "compute the probabilistic Sharpe ratio";
  const { sharpe, benchmarkSharpe, observations, skewness, kurtosis } = input;
  const v = sharpeVarianceTerm(action, sharpe, skewness, kurtosis);
  finite(action, "benchmarkSharpe", benchmarkSharpe);
  atLeast(action, "observations", observations, 2);
  return normalCdf((sharpe - benchmarkSharpe) * Math.sqrt(observations - 1) / Math.sqrt(v));
}

/** Inputs of {@link minTrackRecordLength}. */
export interface MinTrlInput {
  /** Observed per-period Sharpe ratio SR. */
  sharpe: number;
  /** Benchmark per-period Sharpe ratio SR*. */
  benchmarkSharpe: number;
  /** γ₃ of the returns. */
  skewness: number;
  /** γ₄ of the returns, non-excess (normal: 3); > 0. */
  kurtosis: number;
  /** 1 − α, the confidence wanted that the true Sharpe exceeds SR*: in (0.5, 1). */
  confidence: number;
}

/**
 * MinTRL = 1 + (1 − γ₃·SR + (γ₄ − 1)/4·SR²)·(z / (SR − SR*))², z = Φ⁻¹(confidence): the number of
 * **observations** (periods, not years: divide by periods per year) a track record with these
 * per-period statistics needs before PSR(SR*) reaches `confidence` = 1 − α. It inverts
 * {@link probabilisticSharpeRatio}: PSR at T = MinTRL equals `confidence`. When SR ≤ SR* no length
 * is enough and the result is Infinity. RangeError naming the argument for confidence outside
 * (0.5, 1) or kurtosis ≤ 0.
 * @example minTrackRecordLength({ sharpe: 0.1, benchmarkSharpe: 0, skewness: 0, kurtosis: 3, confidence: 0.95 })
 */
export function minTrackRecordLength(input: MinTrlInput): number {
  const action = "compute the minimum track record length";
  const { sharpe, benchmarkSharpe, skewness, kurtosis, confidence } = input;
  const v = sharpeVarianceTerm(action, sharpe, skewness, kurtosis);
  finite(action, "benchmarkSharpe", benchmarkSharpe);
  if (!(confidence > 0.5 && confidence < 1)) {
    throw new RangeError(`Cannot ${action}: confidence must be in (0.5, 1), got ${confidence}`);
  }
  if (!(sharpe > benchmarkSharpe)) return Infinity;
  const z = normalQuantile(confidence);
  const ratio = z / (sharpe - benchmarkSharpe);
  return 1 + v * ratio * ratio;
}
