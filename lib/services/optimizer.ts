/**
 * `deno task optimize` end to end: plans the trials (grid or seeded random search, filtered by
 * constraints, merged over fixed `--params`), loads the data once exactly as `deno task backtest`
 * does, runs every trial on a {@link TrialExecutor}, ranks them by the objective, computes the
 * overfitting statistics (PSR, DSR, MinTRL, PBO) and, with walk-forward, optimises on each train
 * window and evaluates the winner on its test window.
 * @module
 */
import { DAY_MS, intervalMs, isoTime } from "../core/time.ts";
import { buildTimeline } from "../engine/feed.ts";
import type { Metrics } from "../engine/metrics.ts";
import {
  ineligibility,
  type Objective,
  objectiveValue,
  rankTrials,
} from "../research/objective.ts";
import {
  equityReturns,
  type TrialStatistics,
  trialStatistics,
} from "../research/trial_statistics.ts";
import type { BacktestDeps } from "./backtest_runner.ts";
import {
  execOf,
  loadDataset,
  type OptimizeJob,
  planParams,
  type Progress,
  type Search,
} from "./optimizer_plan.ts";
import { runWalkForward, type WalkForwardResult } from "./optimizer_walk_forward.ts";
import {
  type ExecuteHooks,
  runTrials,
  type TrialDataset,
  type TrialExecutor,
  type TrialOutcome,
  type TrialSpec,
} from "./trials.ts";

export { execOf, loadDataset, type OptimizeJob, planParams, type Progress, type Search };

/** One trial in the result. */
export interface TrialRow {
  /** The trial's position in the sweep. */
  readonly id: number;
  /** Its complete parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Every metric of its backtest. */
  readonly metrics: Metrics;
  /** Closed trades. */
  readonly trades: number;
  /** The run manifest's config hash. */
  readonly configHash: string;
  /** 1 = best; absent when the trial is not ranked. */
  readonly rank?: number;
  /** Why it is not ranked (too few trades, objective not a number). */
  readonly excluded?: string;
}

/** What {@link runOptimization} returns. */
export interface OptimizeResult {
  /** The optimised strategy. */
  readonly strategy: string;
  /** What the trials were ranked by. */
  readonly objective: Objective;
  /** Fewest trades a ranked trial has. */
  readonly minTrades: number;
  /** The grid or random space searched. */
  readonly search: Search;
  /** The constraints the trials satisfied. */
  readonly constraints: readonly string[];
  /** The assets of every trial. */
  readonly assets: readonly string[];
  /** Bar interval. */
  readonly interval: string;
  /** First bar's time (ISO). */
  readonly start: string;
  /** Last bar's time (ISO). */
  readonly end: string;
  /** Starting capital of every trial. */
  readonly capital: number;
  /** Checksum of the input data (as in a backtest manifest). */
  readonly dataChecksum: string;
  /** Hash identifying the dataset the trials ran on (their `TrialSpec.datasetHash`). */
  readonly datasetHash: string;
  /** Every trial in trial order. */
  readonly trials: readonly TrialRow[];
  /** Trial ids best first (eligible ones only). */
  readonly ranking: readonly number[];
  /** The best-ranked trial, or null when none is eligible. */
  readonly best: TrialRow | null;
  /** PSR, DSR, MinTRL and PBO of the sweep, or null when they cannot be computed. */
  readonly statistics: TrialStatistics | null;
  /** The walk-forward result, when walk-forward windows were asked for. */
  readonly walkForward: WalkForwardResult | null;
  /** What the user should know (few trials, short data, …). */
  readonly warnings: readonly string[];
  /** Trials reused from the store instead of run (walk-forward trials included). */
  readonly resumedTrials: number;
  /** The best trial's equity and buy-and-hold closes, for the report. */
  readonly bestEquity?: { ts: Float64Array; equity: Float64Array; buyHold?: Float64Array };
}

/** Trial rows with ranks and exclusions. */
export function rankRows(
  outcomes: readonly TrialOutcome[],
  objective: Objective,
  minTrades: number,
): { rows: TrialRow[]; ranking: number[] } {
  const ranking = rankTrials(objective, outcomes.map((o) => o.metrics), minTrades);
  const rankOf = new Map(ranking.map((i, k) => [i, k + 1]));
  const rows = outcomes.map((o, i): TrialRow => {
    const why = ineligibility(objective, o.metrics, minTrades);
    return {
      id: o.id,
      params: o.params,
      metrics: o.metrics,
      trades: o.trades,
      configHash: o.configHash,
      ...(rankOf.has(i) ? { rank: rankOf.get(i) } : {}),
      ...(why ? { excluded: why } : {}),
    };
  });
  return { rows, ranking };
}

/** The statistics of a sweep (null when no trial is eligible). */
function statisticsOf(
  job: OptimizeJob,
  outcomes: readonly TrialOutcome[],
  ranking: readonly number[],
  periodsPerYear: number,
): TrialStatistics | null {
  if (ranking.length === 0) return null;
  const returns = outcomes.map((o) =>
    equityReturns(o.equity, job.capital, { riskFree: job.riskFree, periodsPerYear })
  );
  return trialStatistics({
    returns,
    selected: ranking[0],
    eligible: [...ranking].sort((a, b) => a - b),
    pboBlocks: job.pboBlocks ?? 16,
  });
}

/** The periods per year the backtest uses for this dataset (`resolveSettings`' default). */
function periodsOf(job: OptimizeJob, dataset: TrialDataset): number {
  return job.periodsPerYear ?? 365 * DAY_MS / intervalMs(dataset.interval);
}

/** The first asset's closes scaled to the capital (when its bars are the timeline). */
function buyHoldCurve(dataset: TrialDataset, timeline: Float64Array, capital: number) {
  const s = dataset.series[0];
  if (s.ts.length !== timeline.length) return undefined;
  return s.close.map((c) => capital * c / s.close[0]);
}

/** Runs the job on `executor` (see the module doc). */
export async function runOptimization(
  job: OptimizeJob,
  executor: TrialExecutor,
  deps: BacktestDeps & { progress?: Progress; signal?: AbortSignal; resumed?: () => number } = {},
): Promise<OptimizeResult> {
  const paramsList = planParams(job);
  const { dataset, warnings } = await loadDataset(
    job,
    deps,
    { start: job.start, end: job.end },
    paramsList[0],
  );
  const exec = execOf(job, job.start, job.end);
  const trials: TrialSpec[] = paramsList.map((params, id) => ({
    id,
    strategy: job.strategy,
    params,
    datasetHash: dataset.hash,
    exec,
  }));
  const hooks: ExecuteHooks = {
    signal: deps.signal,
    onResult: deps.progress
      ? (_o, done) => deps.progress!(done, trials.length, "trials")
      : undefined,
  };
  const outcomes = await runTrials({ datasets: [dataset], trials }, executor, hooks);
  const minTrades = job.minTrades ?? 0;
  const { rows, ranking } = rankRows(outcomes, job.objective, minTrades);
  const ppy = periodsOf(job, dataset);
  const timeline = buildTimeline(dataset.series);
  const best = ranking.length ? rows[ranking[0]] : null;
  const walkForward = job.walkForward
    ? await runWalkForward(job, executor, { ...deps, timeline, paramsList, periodsPerYear: ppy })
    : null;
  const last = timeline[timeline.length - 1];
  return {
    strategy: job.registry.get(job.strategy).name,
    objective: job.objective,
    minTrades,
    search: job.search,
    constraints: job.constraints ?? [],
    assets: dataset.series.map((s) => s.asset),
    interval: dataset.interval,
    start: isoTime(timeline[0]),
    end: isoTime(last),
    capital: job.capital,
    dataChecksum: dataset.dataChecksum,
    datasetHash: dataset.hash,
    trials: rows,
    ranking: ranking.map((i) => rows[i].id),
    best,
    statistics: statisticsOf(job, outcomes, ranking, ppy),
    walkForward,
    warnings,
    resumedTrials: deps.resumed?.() ?? 0,
    bestEquity: best
      ? {
        ts: timeline,
        equity: outcomes[ranking[0]].equity,
        buyHold: buyHoldCurve(dataset, timeline, job.capital),
      }
      : undefined,
  };
}

/** The objective value of a trial row (for tables). */
export function rowObjective(objective: Objective, row: TrialRow): number {
  return objectiveValue(objective, row.metrics);
}
