/**
 * The overfitting statistics of an optimisation, counted automatically from its trials:
 * per-period returns of every trial (one equal-length series per trial, the bar-by-bar returns
 * of its equity curve) and which trial was selected.
 *
 * Conventions (see docs/research.md):
 * - per-period returns r_t = equity_t / equity_{t−1} − 1 with equity_{−1} = the starting capital,
 *   minus the per-period risk-free rate rf = (1 + annual)^(1/P) − 1 (as the backtest's Sharpe);
 * - each trial's Sharpe ratio is per period: mean / sample standard deviation (divisor T − 1);
 *   skewness and non-excess kurtosis are population moment ratios (`sampleMoments`);
 * - N counts the trials whose Sharpe ratio is a finite number (a trial whose equity never moves
 *   has none); V is the **sample** variance (divisor N − 1) of those N Sharpe ratios;
 * - PSR and MinTRL (95%) are against a benchmark Sharpe of 0; DSR is PSR against SR₀, the
 *   expected maximum Sharpe of N zero-skill trials with variance V;
 * - PBO runs CSCV over the T × M matrix of the M eligible trials' returns (`blocks` S).
 * @module
 */
import { deflatedSharpeRatio, expectedMaxSharpe } from "./deflated_sharpe.ts";
import { sampleMoments } from "./moments.ts";
import { probabilityOfBacktestOverfitting } from "./pbo.ts";
import { minTrackRecordLength, probabilisticSharpeRatio } from "./probabilistic_sharpe.ts";

/** Inputs of {@link trialStatistics}. */
export interface TrialStatisticsInput {
  /** Per-period returns per trial, all of length T (already net of the risk-free rate). */
  readonly returns: readonly ArrayLike<number>[];
  /** Index of the selected (best) trial. */
  readonly selected: number;
  /** Trials allowed into the PBO matrix (the eligible ones), in trial order. */
  readonly eligible: readonly number[];
  /** S for CSCV (even, ≥ 2). */
  readonly pboBlocks: number;
  /** Confidence 1 − α of the minimum track record length (default 0.95). */
  readonly confidence?: number;
}

/** The PBO part: CSCV's result, or why it could not be computed. */
export interface PboSummary {
  /** Probability of backtest overfitting, or null (see `reason`). */
  readonly pbo: number | null;
  /** S: blocks the returns were split into. */
  readonly blocks: number;
  /** Trials in the matrix (columns). */
  readonly trials: number;
  /** Splits evaluated: C(S, S/2). */
  readonly combinations?: number;
  /** Rows per block. */
  readonly blockRows?: number;
  /** Rows dropped so that the blocks are equal. */
  readonly droppedRows?: number;
  /** Share of splits where the selected trial has a negative out-of-sample Sharpe ratio. */
  readonly probabilityOfLoss?: number;
  /** Least-squares line OOS Sharpe = intercept + slope · IS Sharpe. */
  readonly degradation?: { slope: number; intercept: number };
  /** Set when `pbo` is null. */
  readonly reason?: string;
}

/** The statistics and the inputs they used. */
export interface TrialStatistics {
  /** N: trials with a finite per-period Sharpe ratio (counted in V and SR₀). */
  readonly trials: number;
  /** Trials run in all. */
  readonly trialsRun: number;
  /** V: sample variance (divisor N − 1) of the N per-period Sharpe ratios; 0 when N = 1. */
  readonly trialSharpeVariance: number;
  /** The divisor of `trialSharpeVariance`. */
  readonly varianceDivisor: "N-1";
  /** T: returns per trial. */
  readonly observations: number;
  /** The selected trial's per-period Sharpe ratio, skewness and non-excess kurtosis. */
  readonly sharpe: number;
  /** Skewness of the selected trial's returns. */
  readonly skewness: number;
  /** Non-excess kurtosis of the selected trial's returns. */
  readonly kurtosis: number;
  /** SR₀ in per-period Sharpe units. */
  readonly expectedMaxSharpe: number;
  /** Probabilistic Sharpe ratio against 0, or null (see `reason`). */
  readonly probabilisticSharpe: number | null;
  /** Deflated Sharpe ratio (PSR against SR₀), or null (see `reason`). */
  readonly deflatedSharpe: number | null;
  /** Observations needed at `confidence` (null when SR ≤ 0: none is long enough). */
  readonly minTrackRecordLength: number | null;
  /** Confidence level of `minTrackRecordLength`. */
  readonly confidence: number;
  /** The PBO part. */
  readonly pbo: PboSummary;
  /** Why PSR / DSR / MinTRL are null, when they are. */
  readonly reason?: string;
}

const finiteOrNull = (x: number) => Number.isFinite(x) ? x : null;

function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

/** CSCV over the eligible trials, or the reason it cannot run. */
function pboOf(input: TrialStatisticsInput, t: number): PboSummary {
  const blocks = input.pboBlocks, cols = input.eligible;
  const base = { blocks, trials: cols.length };
  if (cols.length < 2) {
    return { ...base, pbo: null, reason: "needs at least 2 eligible trials" };
  }
  const rows = Math.floor(t / blocks);
  if (rows < 2) {
    return {
      ...base,
      pbo: null,
      reason: `needs at least ${2 * blocks} bars for ${blocks} blocks, got ${t}`,
    };
  }
  const matrix: number[][] = new Array(t);
  for (let r = 0; r < t; r++) {
    const row = new Array<number>(cols.length);
    for (let c = 0; c < cols.length; c++) row[c] = input.returns[cols[c]][r];
    matrix[r] = row;
  }
  const res = probabilityOfBacktestOverfitting(matrix, { blocks });
  return {
    ...base,
    pbo: res.pbo,
    combinations: res.combinations,
    blockRows: res.blockRows,
    droppedRows: res.droppedRows,
    probabilityOfLoss: res.probabilityOfLoss,
    degradation: res.degradation,
  };
}

/** Computes the statistics of the module doc. */
export function trialStatistics(input: TrialStatisticsInput): TrialStatistics {
  const confidence = input.confidence ?? 0.95;
  const t = input.returns[input.selected]?.length ?? 0;
  const sharpes: number[] = [];
  for (const r of input.returns) {
    if (r.length < 2) continue;
    const s = sampleMoments(r).sharpe;
    if (Number.isFinite(s)) sharpes.push(s);
  }
  const n = sharpes.length;
  const v = sampleVariance(sharpes);
  const best = t >= 2 ? sampleMoments(input.returns[input.selected]) : undefined;
  const common = {
    trials: n,
    trialsRun: input.returns.length,
    trialSharpeVariance: v,
    varianceDivisor: "N-1" as const,
    observations: t,
    expectedMaxSharpe: n >= 1 ? expectedMaxSharpe({ trials: n, trialSharpeVariance: v }) : 0,
    confidence,
    pbo: pboOf(input, t),
  };
  if (!best || !Number.isFinite(best.sharpe) || !Number.isFinite(best.kurtosis)) {
    return {
      ...common,
      sharpe: best?.sharpe ?? NaN,
      skewness: best?.skewness ?? NaN,
      kurtosis: best?.kurtosis ?? NaN,
      probabilisticSharpe: null,
      deflatedSharpe: null,
      minTrackRecordLength: null,
      reason: "the selected trial's returns have no finite Sharpe ratio (its equity never moved)",
    };
  }
  const m = { sharpe: best.sharpe, skewness: best.skewness, kurtosis: best.kurtosis };
  return {
    ...common,
    ...m,
    probabilisticSharpe: probabilisticSharpeRatio({ ...m, benchmarkSharpe: 0, observations: t }),
    deflatedSharpe: deflatedSharpeRatio({
      ...m,
      observations: t,
      trials: Math.max(1, n),
      trialSharpeVariance: v,
    }),
    minTrackRecordLength: finiteOrNull(
      minTrackRecordLength({ ...m, benchmarkSharpe: 0, confidence }),
    ),
  };
}

/**
 * Per-period returns of an equity curve: equity_t / equity_{t−1} − 1 with equity_{−1} =
 * `capital`, minus the per-period risk-free rate of `riskFree` (annual) over `periodsPerYear`.
 */
export function equityReturns(
  equity: ArrayLike<number>,
  capital: number,
  options: { riskFree?: number; periodsPerYear: number },
): Float64Array {
  const annual = options.riskFree ?? 0;
  const rf = annual === 0 ? 0 : Math.pow(1 + annual, 1 / options.periodsPerYear) - 1;
  const out = new Float64Array(equity.length);
  let prev = capital;
  for (let i = 0; i < equity.length; i++) {
    out[i] = equity[i] / prev - 1 - rf;
    prev = equity[i];
  }
  return out;
}
