/**
 * The probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV;
 * Bailey, Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting", Journal of
 * Computational Finance 20(4), 2017).
 *
 * Conventions:
 * - Input: a T × N matrix of per-period returns, rows in time order, one column per trial.
 * - The first T mod S rows are dropped, so the remaining rows cut into S equal contiguous blocks.
 * - A split takes S/2 blocks (in time order) as in-sample (IS), the other S/2 as out-of-sample
 *   (OOS): C(S, S/2) splits, in the lexicographic order of the IS block indices.
 * - The metric of a trial on a block set is its per-period Sharpe ratio: mean / sample standard
 *   deviation (divisor m − 1 for the m rows of the set). A set with zero variance scores 0 when
 *   its mean is 0 and ±Infinity otherwise.
 * - The IS-best trial n* is the one with the highest IS Sharpe; ties go to the lowest column.
 * - Its OOS rank r runs from 1 (worst) to N (best), ties averaged (scipy `rankdata`'s default);
 *   ω = r / (N + 1) and λ = ln(ω / (1 − ω)), so λ ∈ [−ln N, ln N].
 * - PBO = share of splits with λ ≤ 0 (a logit of exactly 0 — n* at the OOS median — counts as
 *   overfit).
 * @module
 */
import { binomial, firstCombination, nextCombination } from "./combinations.ts";

/** Options of {@link probabilityOfBacktestOverfitting}. */
export interface PboOptions {
  /** S, the number of blocks: even, ≥ 2 (16 is the paper's choice: 12,870 splits). */
  blocks: number;
}

/** What CSCV found; arrays have one entry per split, in the splits' lexicographic order. */
export interface PboResult {
  /** Share of splits whose logit is ≤ 0. */
  pbo: number;
  /** λ of each split. */
  logits: number[];
  /** C(S, S/2), the number of splits. */
  combinations: number;
  /** S. */
  blocks: number;
  /** Rows per block, ⌊T / S⌋. */
  blockRows: number;
  /** T mod S, the leading rows left out. */
  droppedRows: number;
  /** N, the number of trials (columns). */
  trials: number;
  /** n*, the IS-best trial (column index) of each split. */
  selected: number[];
  /** n*'s IS Sharpe ratio in each split. */
  inSampleSharpe: number[];
  /** n*'s OOS Sharpe ratio in each split: with inSampleSharpe, the degradation scatter. */
  outOfSampleSharpe: number[];
  /** Share of splits in which n* has a negative OOS Sharpe ratio. */
  probabilityOfLoss: number;
  /** Least-squares line OOS = intercept + slope·IS through the (IS, OOS) pairs. */
  degradation: { slope: number; intercept: number };
}

const ACTION = "compute the probability of backtest overfitting";

/** Checks the matrix and options; returns T and N. */
function validate(returns: readonly (readonly number[])[], blocks: number) {
  if (!Array.isArray(returns)) {
    throw new RangeError(`Cannot ${ACTION}: returns must be an array of rows`);
  }
  const t = returns.length;
  const n = t > 0 && Array.isArray(returns[0]) ? returns[0].length : 0;
  if (!Number.isInteger(blocks) || blocks < 2 || blocks % 2 !== 0) {
    throw new RangeError(
      `Cannot ${ACTION}: blocks must be an even whole number ≥ 2, got ${blocks}`,
    );
  }
  // Each half must hold at least 2 rows for a sample standard deviation.
  const need = Math.max(blocks, blocks === 2 ? 4 : 0);
  if (t < need) {
    throw new RangeError(
      `Cannot ${ACTION}: returns has T = ${t} rows; blocks = ${blocks} needs T ≥ ${need}`,
    );
  }
  if (n < 2) {
    throw new RangeError(`Cannot ${ACTION}: returns needs N ≥ 2 trials (columns), got ${n}`);
  }
  for (let i = 0; i < t; i++) {
    const row = returns[i];
    if (!Array.isArray(row) || row.length !== n) {
      throw new RangeError(
        `Cannot ${ACTION}: returns[${i}] has ${row?.length} columns, expected ${n}`,
      );
    }
    for (let j = 0; j < n; j++) {
      if (!Number.isFinite(row[j])) {
        throw new RangeError(`Cannot ${ACTION}: returns[${i}][${j}] is ${row[j]}`);
      }
    }
  }
  return { t, n };
}

/**
 * Per block and trial, the sum and the sum of squares of the returns minus the trial's mean over
 * all kept rows. Centring keeps Σx² − m·mean² from cancelling when a mean is large against the
 * spread; the variance is shift-invariant and the mean is shifted back afterwards.
 */
function blockSums(returns: readonly (readonly number[])[], s: number, rows: number, n: number) {
  const start = returns.length - s * rows;
  const centre = new Float64Array(n);
  for (let i = start; i < returns.length; i++) {
    for (let j = 0; j < n; j++) centre[j] += returns[i][j];
  }
  for (let j = 0; j < n; j++) centre[j] /= s * rows;
  const sum = new Float64Array(s * n), sq = new Float64Array(s * n);
  for (let b = 0; b < s; b++) {
    for (let i = start + b * rows; i < start + (b + 1) * rows; i++) {
      const row = returns[i];
      for (let j = 0; j < n; j++) {
        const d = row[j] - centre[j];
        sum[b * n + j] += d;
        sq[b * n + j] += d * d;
      }
    }
  }
  return { centre, sum, sq };
}

/** Per-trial Sharpe ratio of the union of `set`'s blocks, written into `out`. */
function setSharpe(
  out: Float64Array,
  acc: Float64Array,
  set: Int32Array,
  sums: ReturnType<typeof blockSums>,
  m: number,
): void {
  const n = out.length;
  acc.fill(0);
  for (const b of set) {
    const base = b * n;
    for (let j = 0; j < n; j++) {
      acc[j] += sums.sum[base + j];
      acc[n + j] += sums.sq[base + j];
    }
  }
  for (let j = 0; j < n; j++) {
    const meanDev = acc[j] / m;
    const variance = Math.max(0, (acc[n + j] - acc[j] * meanDev) / (m - 1));
    const mean = sums.centre[j] + meanDev;
    const sr = mean / Math.sqrt(variance);
    out[j] = Number.isNaN(sr) ? 0 : sr;
  }
}

/** n* = first argmax of `is`, and its average-tie rank (1 = worst) within `oos`. */
function selectAndRank(is: Float64Array, oos: Float64Array): { best: number; rank: number } {
  let best = 0;
  for (let j = 1; j < is.length; j++) if (is[j] > is[best]) best = j;
  const x = oos[best];
  let below = 0, equal = 0;
  for (let j = 0; j < oos.length; j++) {
    if (oos[j] < x) below++;
    else if (oos[j] === x) equal++;
  }
  // `equal` counts n* itself: the tied block occupies ranks below+1 … below+equal.
  return { best, rank: below + (equal + 1) / 2 };
}

/** Least-squares slope and intercept of y on x. */
function fitLine(x: readonly number[], y: readonly number[]): { slope: number; intercept: number } {
  let mx = 0, my = 0;
  for (let i = 0; i < x.length; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= x.length;
  my /= y.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * PBO by CSCV over a T × N matrix of per-period returns (rows = periods in time order, columns =
 * trials), with the conventions of the module doc: S = `blocks` equal blocks after dropping the
 * first T mod S rows, all C(S, S/2) splits, per-period Sharpe (sample standard deviation) as the
 * metric, average ranks for ties, ω = rank/(N + 1), λ = ln(ω/(1 − ω)), PBO = share of λ ≤ 0.
 * Each block set's Sharpe comes from per-block sums computed once, and each split and its
 * complement share one pair of Sharpe vectors, so S = 16, N = 2,000, T = 2,000 takes seconds.
 * RangeError naming the argument for S odd or < 2, N < 2, T < S, ragged rows or a non-finite
 * return.
 * @example probabilityOfBacktestOverfitting(matrix, { blocks: 16 }).pbo
 */
export function probabilityOfBacktestOverfitting(
  returns: readonly (readonly number[])[],
  options: PboOptions,
): PboResult {
  const s = options?.blocks;
  const { t, n } = validate(returns, s);
  const rows = Math.floor(t / s), half = s / 2, m = half * rows;
  const sums = blockSums(returns, s, rows, n);
  const total = binomial(s, half);
  const logits = new Array<number>(total), selected = new Array<number>(total);
  const isSharpe = new Array<number>(total), oosSharpe = new Array<number>(total);
  const shA = new Float64Array(n), shB = new Float64Array(n), acc = new Float64Array(2 * n);
  const setA = firstCombination(half), setB = new Int32Array(half);
  const record = (i: number, is: Float64Array, oos: Float64Array) => {
    const { best, rank } = selectAndRank(is, oos);
    selected[i] = best;
    logits[i] = Math.log(rank / (n + 1 - rank));
    isSharpe[i] = is[best];
    oosSharpe[i] = oos[best];
  };
  // The first C/2 splits in lexicographic order are those with block 0 in-sample; split i's
  // complement is split C − 1 − i (see combinations.ts), so one pass covers both.
  for (let i = 0; i < total / 2; i++) {
    for (let b = 0, a = 0, k = 0; b < s; b++) {
      if (a < half && setA[a] === b) a++;
      else setB[k++] = b;
    }
    setSharpe(shA, acc, setA, sums, m);
    setSharpe(shB, acc, setB, sums, m);
    record(i, shA, shB);
    record(total - 1 - i, shB, shA);
    nextCombination(setA, s);
  }
  let overfit = 0, losses = 0;
  for (let i = 0; i < total; i++) {
    if (logits[i] <= 0) overfit++;
    if (oosSharpe[i] < 0) losses++;
  }
  return {
    pbo: overfit / total,
    logits,
    combinations: total,
    blocks: s,
    blockRows: rows,
    droppedRows: t - s * rows,
    trials: n,
    selected,
    inSampleSharpe: isSharpe,
    outOfSampleSharpe: oosSharpe,
    probabilityOfLoss: losses / total,
    degradation: fitLine(isSharpe, oosSharpe),
  };
}
