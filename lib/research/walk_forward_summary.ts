/**
 * The summary of a walk-forward optimisation, from each window's chosen parameters, their
 * in-sample (train) objective and their out-of-sample (test) equity curve:
 *
 * - **stitched out-of-sample equity**: the test windows' per-bar returns (each window's equity
 *   over its own starting capital) compounded in time order from `capital`;
 * - its metrics: total return, annualised Sharpe (sample standard deviation, × √P), maximum
 *   drawdown, annual return (`lib/engine/metrics.ts` conventions), and the trades summed;
 * - **walk-forward efficiency** = mean test objective / mean train objective over the windows
 *   (the objective as the optimiser maximises or minimises it; NaN objectives are left out);
 * - **stability** per parameter: how many windows chose the most common value and its share, and
 *   for numbers the mean and sample standard deviation of the chosen values.
 * @module
 */
import { annualReturn, maxDrawdown, sharpeRatio } from "../engine/metrics.ts";

/** One window's outcome as the summary needs it. */
export interface WindowOutcome {
  readonly params: Readonly<Record<string, unknown>>;
  readonly trainObjective: number;
  readonly testObjective: number;
  /** Test bar times (UTC ms) and equity at each close, starting from `capital`. */
  readonly testTs: ArrayLike<number>;
  readonly testEquity: ArrayLike<number>;
  readonly testTrades: number;
}

/** Stability of one parameter across the windows. */
export interface ParamStability {
  /** The value chosen by the most windows. */
  readonly mode: unknown;
  /** Windows that chose `mode`, and their share. */
  readonly modeCount: number;
  /** Share of the windows that chose `mode`, 0..1. */
  readonly modeShare: number;
  /** Number of distinct values chosen. */
  readonly distinct: number;
  /** Numbers only: mean and sample standard deviation of the chosen values. */
  readonly mean?: number;
  /** Sample standard deviation of the chosen values (numbers only). */
  readonly std?: number;
}

/** What {@link summariseWalkForward} returns. */
export interface WalkForwardSummary {
  /** Stitched out-of-sample equity: one point per test bar. */
  readonly equity: { readonly ts: number[]; readonly equity: number[] };
  /** Metrics of the stitched out-of-sample curve. */
  readonly metrics: {
    readonly totalReturn: number;
    readonly annualReturn: number;
    readonly sharpe: number;
    readonly maxDrawdown: number;
    readonly numTrades: number;
  };
  /** Walk-forward efficiency: mean test objective over mean train objective. */
  readonly efficiency: number;
  /** Per parameter: how stable its chosen value was across the windows. */
  readonly stability: Readonly<Record<string, ParamStability>>;
}

function stabilityOf(values: readonly unknown[]): ParamStability {
  const counts = new Map<string, { value: unknown; n: number }>();
  for (const v of values) {
    const k = JSON.stringify(v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { value: v, n: 1 });
  }
  let best: { value: unknown; n: number } | undefined;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  const out = {
    mode: best?.value,
    modeCount: best?.n ?? 0,
    modeShare: values.length ? (best?.n ?? 0) / values.length : NaN,
    distinct: counts.size,
  };
  if (values.length === 0 || !values.every((v) => typeof v === "number")) return out;
  const xs = values as number[];
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const ss = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  return { ...out, mean, std: xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0 };
}

function meanOf(xs: readonly number[]): number {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
}

/** Summarises the windows (in time order) of a walk-forward run. */
export function summariseWalkForward(
  windows: readonly WindowOutcome[],
  options: { capital: number; periodsPerYear: number; riskFree?: number },
): WalkForwardSummary {
  const ts: number[] = [], equity: number[] = [], returns: number[] = [];
  let level = options.capital, trades = 0;
  for (const w of windows) {
    let prev = options.capital;
    for (let i = 0; i < w.testEquity.length; i++) {
      const r = w.testEquity[i] / prev - 1;
      prev = w.testEquity[i];
      level *= 1 + r;
      returns.push(r);
      ts.push(w.testTs[i]);
      equity.push(level);
    }
    trades += w.testTrades;
  }
  const names = [...new Set(windows.flatMap((w) => Object.keys(w.params)))];
  const stability: Record<string, ParamStability> = {};
  for (const n of names) stability[n] = stabilityOf(windows.map((w) => w.params[n]));
  const ratio = { periodsPerYear: options.periodsPerYear, riskFree: options.riskFree };
  return {
    equity: { ts, equity },
    metrics: {
      totalReturn: level / options.capital - 1,
      annualReturn: annualReturn(returns, ratio),
      sharpe: sharpeRatio(returns, ratio),
      maxDrawdown: maxDrawdown(returns),
      numTrades: trades,
    },
    efficiency: meanOf(windows.map((w) => w.testObjective)) /
      meanOf(windows.map((w) => w.trainObjective)),
    stability,
  };
}
