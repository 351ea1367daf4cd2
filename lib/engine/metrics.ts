/**
 * Performance metrics. The ratio functions take a series of per-period simple returns and share
 * these conventions:
 *
 * - `NaN` entries are ignored (dropped before anything is computed);
 * - standard deviations are sample standard deviations (divisor n − 1);
 * - `periodsPerYear` defaults to 365 (crypto daily bars; 252 is the equity convention);
 * - `riskFree` is an *annual* rate (default 0), turned into a per-period rate
 *   rf = (1 + riskFree)^(1 / periodsPerYear) − 1 and subtracted from every return;
 * - x / 0 gives ±Infinity and 0 / 0 gives NaN (JSON shows both as null).
 *
 * | metric | formula |
 * | --- | --- |
 * | Sharpe | mean(r − rf) / std(r − rf) · √P |
 * | Sortino | mean(r − rf) · P / (√mean(min(r − rf, 0)²) · √P), mean of squares over all periods |
 * | annual return | (∏(1 + r))^(P / n) − 1 |
 * | annual volatility | std(r) · √P |
 * | max drawdown | max over t of 1 − W_t / max_{s<=t} W_s, W_0 = 1, W_t = W_{t−1}(1 + r_t) |
 * | Calmar | annual return / max drawdown |
 * @module
 */
import type { Trade } from "../core/order.ts";
import type { TradeColumns } from "./logs.ts";

/** Options shared by the ratio functions. */
export interface RatioOptions {
  /** Return periods per year (default 365). */
  periodsPerYear?: number;
  /** Annual risk-free rate as a fraction (default 0). */
  riskFree?: number;
}

const DAY_MS = 86_400_000;

function resolve(options: RatioOptions | undefined): { p: number; rf: number } {
  const p = options?.periodsPerYear ?? 365;
  if (!(p > 0)) throw new RangeError(`periodsPerYear must be positive, got ${p}`);
  const annual = options?.riskFree ?? 0;
  if (!(annual > -1)) throw new RangeError(`riskFree must be above -1, got ${annual}`);
  return { p, rf: annual === 0 ? 0 : Math.pow(1 + annual, 1 / p) - 1 };
}

/** The non-NaN entries of `returns`, each minus `rf`, as a typed array. */
function clean(returns: ArrayLike<number>, rf = 0): Float64Array {
  let n = 0;
  for (let i = 0; i < returns.length; i++) if (!Number.isNaN(returns[i])) n++;
  if (rf === 0 && n === returns.length && returns instanceof Float64Array) return returns;
  const out = new Float64Array(n);
  for (let i = 0, k = 0; i < returns.length; i++) {
    const r = returns[i];
    if (!Number.isNaN(r)) out[k++] = r - rf;
  }
  return out;
}

function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

function sampleStd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) * (xs[i] - m);
  return Math.sqrt(s / (xs.length - 1));
}

// The *Of helpers take returns already cleaned of NaN (and, for Sharpe/Sortino, minus rf).
const sharpeOf = (ex: Float64Array, p: number) => mean(ex) / sampleStd(ex) * Math.sqrt(p);

function sortinoOf(ex: Float64Array, p: number): number {
  let sq = 0;
  for (let i = 0; i < ex.length; i++) if (ex[i] < 0) sq += ex[i] * ex[i];
  const downside = ex.length ? Math.sqrt(sq / ex.length) : NaN;
  return mean(ex) * p / (downside * Math.sqrt(p));
}

function maxDrawdownOf(rs: Float64Array): number {
  let w = 1, peak = 1, mdd = 0;
  for (let i = 0; i < rs.length; i++) {
    w *= 1 + rs[i];
    if (w > peak) peak = w;
    const dd = 1 - w / peak;
    if (dd > mdd) mdd = dd;
  }
  return rs.length === 0 ? NaN : mdd;
}

function annualReturnOf(rs: Float64Array, p: number): number {
  if (rs.length === 0) return NaN;
  let w = 1;
  for (let i = 0; i < rs.length; i++) w *= 1 + rs[i];
  return Math.pow(w, p / rs.length) - 1;
}

/**
 * Annualised Sharpe ratio: mean(r − rf) / std(r − rf) · √P.
 *
 * @example Two periods of +1% and −1% have mean 0, so a Sharpe ratio of 0
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharpeRatio } from "./metrics.ts";
 *
 * assert.equal(sharpeRatio([0.01, -0.01]), 0);
 * ```
 */
export function sharpeRatio(returns: number[], options?: RatioOptions): number {
  const { p, rf } = resolve(options);
  return sharpeOf(clean(returns, rf), p);
}

/** Annualised Sortino ratio: mean(r − rf) · P / (√mean(min(r − rf, 0)²) · √P). */
export function sortinoRatio(returns: number[], options?: RatioOptions): number {
  const { p, rf } = resolve(options);
  return sortinoOf(clean(returns, rf), p);
}

/**
 * Maximum drawdown of the compounded returns, as a positive fraction (0.2 = 20% below peak).
 *
 * @example Up 25% to 1.25, then down 20% to 1.0: 20% below the peak
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxDrawdown } from "./metrics.ts";
 *
 * assert.ok(Math.abs(maxDrawdown([0.25, -0.2]) - 0.2) < 1e-12);
 * ```
 */
export function maxDrawdown(returns: number[], _options?: RatioOptions): number {
  return maxDrawdownOf(clean(returns));
}

/** Compound annual return: (∏(1 + r))^(P / n) − 1. */
export function annualReturn(returns: number[], options?: RatioOptions): number {
  return annualReturnOf(clean(returns), resolve(options).p);
}

/** Annualised volatility: std(r) · √P. */
export function annualVolatility(returns: number[], options?: RatioOptions): number {
  return sampleStd(clean(returns)) * Math.sqrt(resolve(options).p);
}

/** Calmar ratio: annual return / max drawdown. */
export function calmarRatio(returns: number[], options?: RatioOptions): number {
  const rs = clean(returns);
  return annualReturnOf(rs, resolve(options).p) / maxDrawdownOf(rs);
}

/** Every metric of a backtest. Returns and drawdowns are fractions; money in quote currency. */
export interface Metrics {
  /** Final equity / capital − 1. */
  totalReturn: number;
  /** Compound annual growth over calendar time: (final / capital)^(1 / years) − 1. */
  cagr: number;
  /** Per-bar returns compounded to a year of periods: (∏(1 + r))^(P / n) − 1. */
  annualReturn: number;
  /** Sample standard deviation of the per-bar returns × √P. */
  annualVolatility: number;
  /** Mean per-bar return (the seed's "daily return" for daily bars). */
  avgPeriodReturn: number;
  /** Annualised Sharpe ratio of the excess returns (over the risk-free rate). */
  sharpe: number;
  /** Annualised Sortino ratio of the excess returns (downside over all periods). */
  sortino: number;
  /** annualReturn / maxDrawdown. */
  calmar: number;
  /** Deepest fall from a running peak (the capital counts as one), a positive fraction. */
  maxDrawdown: number;
  /** Longest time from a peak to the first point back at or above it (or the end). */
  maxDrawdownDurationDays: number;
  /** Mean depth of the drawdown episodes. */
  avgDrawdown: number;
  /** Closed round trips (positions closed at the end with `last_close` included). */
  numTrades: number;
  /** Share of trades with pnl > 0 (a trade with pnl exactly 0 is not a win). */
  winRate: number;
  /** Highest trade `returnPct`. */
  bestTrade: number;
  /** Lowest trade `returnPct`. */
  worstTrade: number;
  /** Mean trade `returnPct`. */
  avgTrade: number;
  /** Mean exit time − entry time of the trades, in days. */
  avgTradeDurationDays: number;
  /** Longest exit time − entry time of a trade, in days. */
  maxTradeDurationDays: number;
  /** Σ winning pnl / −Σ losing pnl (zero-pnl trades add to neither). */
  profitFactor: number;
  /** Mean pnl per trade (quote currency). */
  expectancy: number;
  /** System quality number: √n · mean(pnl) / std(pnl). */
  sqn: number;
  /** Share of bars that closed with a position open. */
  exposure: number;
  /** Commission paid (quote currency). */
  fees: number;
  /** The last equity point. */
  finalEquity: number;
  /** The highest equity point (the capital included). */
  peakEquity: number;
  /** Mean over the assets of last close / first close − 1. */
  buyHoldReturn: number;
}

/** What {@link computeMetrics} needs. */
export interface MetricsInput {
  capital: number;
  /** Equity point times (bar open times) and equity at each bar's close. */
  ts: ArrayLike<number>;
  equity: ArrayLike<number>;
  /** First bar's open time and last bar's close time (for CAGR). */
  startTs: number;
  endTs: number;
  /** Closed trades counted in the statistics. */
  trades: readonly Trade[];
  /** The same trades as columns (the engine's trade log); used instead of `trades` when given. */
  tradeColumns?: TradeColumns;
  fees: number;
  /** Bars (equity points) at whose close some position was open. */
  exposedBars: number;
  buyHoldReturn: number;
  periodsPerYear: number;
  riskFree?: number;
}

/**
 * Computes every metric. Per-bar returns are equity_t / equity_{t−1} − 1 with equity_{−1} = the
 * starting capital. CAGR uses calendar time: (final / capital)^(1 / years) − 1 with years =
 * (endTs − startTs) / 365.25 days. Trade statistics use each trade's net `returnPct` (best, worst,
 * average) and net `pnl` (profit factor, expectancy = mean pnl, SQN = √n · mean(pnl) / std(pnl)).
 * Exposure = share of bars that closed with a position open. Drawdown durations run from a peak
 * to the first point back at or above it (or the last point, if never recovered).
 */
export function computeMetrics(input: MetricsInput): Metrics {
  const { capital, ts, equity, trades } = input;
  const n = equity.length;
  const { p, rf } = resolve({ periodsPerYear: input.periodsPerYear, riskFree: input.riskFree });
  const dd = { maxDurationMs: 0, depthSum: 0, count: 0, peakEquity: capital };
  const finalEquity = n > 0 ? equity[n - 1] : capital;
  // One pass each over the returns (and the excess returns when a risk-free rate is given); the
  // per-metric arithmetic is exactly that of the ratio functions above, in the same order. The
  // returns are computed on the fly from the equity; only a curve with NaN returns (dropped, as
  // the ratio functions do) is materialised first.
  drawdownStats(ts, equity, capital, dd);
  let r = equityReturnStats(equity, capital, 0);
  let x = rf === 0 ? r : equityReturnStats(equity, capital, rf);
  if (!r || !x) {
    const raw = new Float64Array(n);
    let prev = capital;
    for (let i = 0; i < n; i++) {
      raw[i] = equity[i] / prev - 1;
      prev = equity[i];
    }
    const returns = clean(raw);
    r = returnStats(returns);
    x = rf === 0 ? r : returnStats(clean(returns, rf));
  }
  const annual = r.n === 0 ? NaN : Math.pow(r.growth, p / r.n) - 1;
  const mdd = r.n === 0 ? NaN : r.maxDrawdown;
  const cols = input.tradeColumns ?? columnsOf(trades);
  const nt = cols.pnl.length;
  const years = (input.endTs - input.startTs) / (365.25 * DAY_MS);
  return {
    totalReturn: finalEquity / capital - 1,
    cagr: years > 0 ? Math.pow(finalEquity / capital, 1 / years) - 1 : NaN,
    annualReturn: annual,
    annualVolatility: r.std * Math.sqrt(p),
    avgPeriodReturn: r.mean,
    sharpe: x.mean / x.std * Math.sqrt(p),
    sortino: x.mean * p / ((x.n ? Math.sqrt(x.downside / x.n) : NaN) * Math.sqrt(p)),
    calmar: annual / mdd,
    maxDrawdown: mdd,
    maxDrawdownDurationDays: n > 0 ? dd.maxDurationMs / DAY_MS : NaN,
    avgDrawdown: dd.count > 0 ? dd.depthSum / dd.count : 0,
    numTrades: nt,
    ...tradeStats(cols),
    exposure: n > 0 ? input.exposedBars / n : NaN,
    fees: input.fees,
    finalEquity,
    peakEquity: dd.peakEquity,
    buyHoldReturn: input.buyHoldReturn,
  };
}

/** Return statistics (see {@link returnStats}). */
interface ReturnStats {
  n: number;
  mean: number;
  std: number;
  downside: number;
  growth: number;
  maxDrawdown: number;
}

/** The per-bar returns of the curve {@link equityReturnStats} is reading (grown as needed). */
let scratch = new Float64Array(1024);

/**
 * {@link returnStats} of the returns equity_t / equity_{t−1} − 1 (− rf), equity_{−1} = capital,
 * without materialising them; `undefined` when some return is NaN.
 *
 * The drawdown divisions are skipped where they cannot set a new maximum: with a drawdown of
 * `mdd` < 1 known, a point with w ≥ peak · (1 − mdd) · (1 + 10⁻¹⁴) has 1 − w / peak ≤ mdd in
 * exact arithmetic with a relative margin of 10⁻¹⁴, far above the rounding of the quotient and
 * of the bound, and rounding is monotone, so the computed `1 − w / peak` is ≤ mdd too and would
 * not have replaced it (likewise for the depth of the current drawdown episode). At a drawdown
 * of 1 or more (equity at or below zero) every point is computed.
 */
function equityReturnStats(
  equity: ArrayLike<number>,
  capital: number,
  rf: number,
): ReturnStats | undefined {
  const n = equity.length;
  // the returns of the first pass, kept for the second (one division per point, not two)
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  const vs = scratch;
  let sum = 0, downside = 0, w = 1, peak = 1, mdd = 0, prev = capital;
  let skipBelow = peak * (1 + 1e-14);
  for (let i = 0; i < n; i++) {
    const e = equity[i];
    const raw = e / prev - 1;
    prev = e;
    if (Number.isNaN(raw)) return undefined;
    const v = rf === 0 ? raw : raw - rf;
    vs[i] = v;
    sum += v;
    // v² when v < 0, else 0, without a branch on the sign (half the returns are negative, in
    // random order: a branch there is mispredicted half the time and costs more than the rest
    // of the loop); (v − |v|) / 2 is exactly v or 0, and NaN only for v = +Infinity
    let neg = (v - Math.abs(v)) * 0.5;
    if (neg !== neg) neg = 0;
    downside += neg * neg;
    w *= 1 + v;
    if (w > peak) {
      peak = w;
      skipBelow = skipLevel(peak, mdd);
    } else if (w < skipBelow) {
      const d = 1 - w / peak;
      if (d > mdd) {
        mdd = d;
        skipBelow = skipLevel(peak, mdd);
      }
    }
  }
  const mean = n === 0 ? NaN : sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (vs[i] - mean) * (vs[i] - mean);
  const std = n < 2 ? NaN : Math.sqrt(ss / (n - 1));
  return { n, mean, std, downside, growth: w, maxDrawdown: mdd };
}

/**
 * Mean, sample standard deviation, downside sum of squares, compounded growth and maximum
 * drawdown of `xs` in one pass (plus one for the deviations), each accumulated in the same order
 * as `mean`, `sampleStd`, `sortinoOf`, `annualReturnOf` and `maxDrawdownOf`.
 */
function returnStats(xs: Float64Array): ReturnStats {
  const n = xs.length;
  let sum = 0, downside = 0, w = 1, peak = 1, mdd = 0;
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    sum += v;
    // v² when v < 0, else 0, without a branch on the sign (half the returns are negative, in
    // random order: a branch there is mispredicted half the time and costs more than the rest
    // of the loop); (v − |v|) / 2 is exactly v or 0, and NaN only for v = +Infinity
    let neg = (v - Math.abs(v)) * 0.5;
    if (neg !== neg) neg = 0;
    downside += neg * neg;
    w *= 1 + v;
    if (w > peak) peak = w;
    const d = 1 - w / peak;
    if (d > mdd) mdd = d;
  }
  const mean = n === 0 ? NaN : sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) * (xs[i] - mean);
  const std = n < 2 ? NaN : Math.sqrt(ss / (n - 1));
  return { n, mean, std, downside, growth: w, maxDrawdown: mdd };
}

/**
 * The level at or above which a point cannot deepen a drawdown of `dd` from `peak` (> 0):
 * peak · (1 − dd) · (1 + 10⁻¹⁴), or Infinity (compute every point) once dd ≥ 1.
 */
function skipLevel(peak: number, dd: number): number {
  return dd < 1 ? peak * (1 - dd) * (1 + 1e-14) : Infinity;
}

/** Drawdown episodes of an equity curve (see {@link drawdownStats}). */
interface DrawdownStats {
  maxDurationMs: number;
  depthSum: number;
  count: number;
  peakEquity: number;
}

/**
 * Drawdown episodes of the equity curve into `out`: longest duration, mean depth, peak equity.
 * The depth division is skipped where it cannot deepen the episode, as in `equityReturnStats`.
 */
function drawdownStats(
  ts: ArrayLike<number>,
  equity: ArrayLike<number>,
  capital: number,
  out: DrawdownStats,
): void {
  const n = equity.length;
  let peak = capital, peakTs = n > 0 ? ts[0] : NaN, maxDur = 0;
  let inDd = false, depth = 0, ddSum = 0, ddCount = 0, peakEquity = capital;
  // a point at or above this cannot deepen the episode (see skipLevel); NaN is never skipped
  let depthSkip = Infinity;
  for (let i = 0; i < n; i++) {
    const e = equity[i];
    if (e >= peak) {
      if (inDd) {
        maxDur = Math.max(maxDur, ts[i] - peakTs);
        ddSum += depth;
        ddCount++;
        inDd = false;
        depth = 0;
      }
      peak = e;
      peakTs = ts[i];
      depthSkip = Infinity;
    } else {
      inDd = true;
      if (!(e >= depthSkip)) {
        depth = Math.max(depth, 1 - e / peak);
        depthSkip = depth > 0 ? skipLevel(peak, depth) : Infinity;
      }
    }
    if (e > peakEquity) peakEquity = e;
  }
  if (inDd) {
    maxDur = Math.max(maxDur, ts[n - 1] - peakTs);
    ddSum += depth;
    ddCount++;
  }
  out.maxDurationMs = maxDur;
  out.depthSum = ddSum;
  out.count = ddCount;
  out.peakEquity = peakEquity;
}

/** The columns of `trades` that the statistics read. */
function columnsOf(trades: readonly Trade[]): TradeColumns {
  return {
    pnl: trades.map((t) => t.pnl),
    returnPct: trades.map((t) => t.returnPct),
    entryTs: trades.map((t) => t.entryTs),
    exitTs: trades.map((t) => t.exitTs),
  };
}

/** The trade statistics of {@link Metrics} (numTrades aside). */
function tradeStats(trades: TradeColumns) {
  const nt = trades.pnl.length;
  const pnls = new Float64Array(nt), rets = new Float64Array(nt), durs = new Float64Array(nt);
  let grossWin = 0, grossLoss = 0, wins = 0;
  for (let k = 0; k < nt; k++) {
    const pnl = trades.pnl[k];
    pnls[k] = pnl;
    rets[k] = trades.returnPct[k];
    durs[k] = (trades.exitTs[k] - trades.entryTs[k]) / DAY_MS;
    if (pnl > 0) {
      grossWin += pnl;
      wins++;
    } else grossLoss -= pnl;
  }
  let best = -Infinity, worst = Infinity, longest = -Infinity;
  for (let k = 0; k < nt; k++) {
    best = Math.max(best, rets[k]);
    worst = Math.min(worst, rets[k]);
    longest = Math.max(longest, durs[k]);
  }
  return {
    winRate: nt > 0 ? wins / nt : NaN,
    bestTrade: nt > 0 ? best : NaN,
    worstTrade: nt > 0 ? worst : NaN,
    avgTrade: mean(rets),
    avgTradeDurationDays: mean(durs),
    maxTradeDurationDays: nt > 0 ? longest : NaN,
    profitFactor: nt > 0 ? grossWin / grossLoss : NaN,
    expectancy: mean(pnls),
    sqn: Math.sqrt(nt) * mean(pnls) / sampleStd(pnls),
  };
}

/**
 * Runs {@link computeMetrics} once, at load, on a small curve and trade list that take every path
 * a backtest's metrics take (rises, new peaks, drawdowns deepening and recovering, one still open
 * at the end, winning and losing trades; with and without a risk-free rate), with the argument
 * types the engine passes (Float64Array). The passes over a long curve are compiled while they
 * run (on stack replacement), before the code after their loops ever ran; without this, that code
 * had no type feedback, so every run discarded the compiled pass at its end and ran the next loop
 * (the deviations, the trade statistics) in the interpreter until it was compiled again — measured
 * by `--trace-deopt` in `bench/engine_bench.ts`: a deoptimisation of each pass in almost every run.
 */
function primeMetrics(): void {
  // times, durations and amounts as a long run has them, none a small integer (code specialised
  // on small integers would be discarded at the first real one): points 400 days apart
  const f = (xs: number[]) => Float64Array.from(xs);
  const day = (i: number) => Date.UTC(2000, 0, 1) + i * 400 * DAY_MS;
  const ts = f([0, 1, 2, 3, 4, 5, 6, 7].map(day));
  const equity = f([100.5, 104.25, 98.5, 95.75, 101.5, 108.25, 90.5, 93.75]);
  const tradeColumns: TradeColumns = {
    pnl: f([6.5, -4.25, 0]),
    returnPct: f([0.065, -0.0425, 0]),
    entryTs: f([day(0), day(2), day(5)]),
    exitTs: f([day(1), day(4), day(7)]),
  };
  // a dozen calls: a function gets its type-feedback vector only after several calls
  for (let k = 0; k < 12; k++) {
    computeMetrics({
      capital: 100,
      ts,
      equity,
      startTs: day(0),
      endTs: day(8),
      trades: [],
      tradeColumns,
      fees: 1,
      exposedBars: 5,
      buyHoldReturn: 0.1,
      periodsPerYear: 365,
      riskFree: k % 2 === 0 ? 0 : 0.02,
    });
  }
}
primeMetrics();
