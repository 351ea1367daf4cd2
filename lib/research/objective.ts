/**
 * The optimiser's objective: one metric of the backtest result (named exactly as in
 * `deno task backtest --json`), maximised or minimised, and the ranking of trials by it.
 *
 * Ranking rules: a trial is eligible when it made at least `minTrades` trades and its objective
 * is a number (not NaN; ±Infinity ranks as the extreme it is). Eligible trials are sorted best
 * first; equal objectives keep their trial order (the lower trial index first), so the ranking
 * never depends on the order in which results arrived.
 * @module
 */
import type { Metrics } from "../engine/metrics.ts";

/** Every metric of a backtest result, in the order `Metrics` declares them. */
export const METRIC_NAMES = [
  "totalReturn",
  "cagr",
  "annualReturn",
  "annualVolatility",
  "avgPeriodReturn",
  "sharpe",
  "sortino",
  "calmar",
  "maxDrawdown",
  "maxDrawdownDurationDays",
  "avgDrawdown",
  "numTrades",
  "winRate",
  "bestTrade",
  "worstTrade",
  "avgTrade",
  "avgTradeDurationDays",
  "maxTradeDurationDays",
  "profitFactor",
  "expectancy",
  "sqn",
  "exposure",
  "fees",
  "finalEquity",
  "peakEquity",
  "buyHoldReturn",
] as const satisfies readonly (keyof Metrics)[];

/** A metric name. */
export type MetricName = typeof METRIC_NAMES[number];

// A metric added to `Metrics` but not listed above fails to compile here.
const _complete: Record<keyof Metrics, true> = Object.fromEntries(
  METRIC_NAMES.map((m) => [m, true]),
) as Record<MetricName, true>;

/** True for a metric name. */
export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/** What to optimise. */
export interface Objective {
  /** The metric to rank trials by (a `Metrics` name, e.g. `sharpe`). */
  readonly metric: MetricName;
  /** Whether larger or smaller values of the metric are better. */
  readonly direction: "maximize" | "minimize";
}

/** The default objective: maximise the Sharpe ratio. */
export const DEFAULT_OBJECTIVE: Objective = { metric: "sharpe", direction: "maximize" };

/** The objective's value of a result's metrics (the metric itself, whatever the direction). */
export function objectiveValue(objective: Objective, metrics: Readonly<Metrics>): number {
  return metrics[objective.metric];
}

/** Why a trial is left out of the ranking, or `undefined` when it is eligible. */
export function ineligibility(
  objective: Objective,
  metrics: Readonly<Metrics>,
  minTrades: number,
): string | undefined {
  if (metrics.numTrades < minTrades) {
    return `${metrics.numTrades} trade(s), fewer than --min-trades ${minTrades}`;
  }
  if (Number.isNaN(objectiveValue(objective, metrics))) {
    return `${objective.metric} is not a number`;
  }
  return undefined;
}

/**
 * Indices of the eligible trials, best first (see the module doc for the rules).
 * @example rankTrials({ metric: "sharpe", direction: "maximize" }, [{ …sharpe: 1 }, { …sharpe: 2 }], 0) // [1, 0]
 */
export function rankTrials(
  objective: Objective,
  metrics: readonly Readonly<Metrics>[],
  minTrades: number,
): number[] {
  const sign = objective.direction === "maximize" ? -1 : 1;
  const ids: number[] = [];
  for (let i = 0; i < metrics.length; i++) {
    if (ineligibility(objective, metrics[i], minTrades) === undefined) ids.push(i);
  }
  return ids.sort((a, b) => {
    const x = objectiveValue(objective, metrics[a]), y = objectiveValue(objective, metrics[b]);
    if (x === y) return a - b;
    return sign * (x < y ? -1 : 1);
  });
}
