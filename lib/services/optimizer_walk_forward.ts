/**
 * Walk-forward optimisation: the windows of `lib/research/walk_forward.ts` over the run's bar
 * times; per window, every trial is backtested on the train range (exactly `deno task backtest
 * --start <train start> --end <train end>`), the best by the objective (with `--min-trades`) is
 * backtested on the test range, and the test runs are stitched into one out-of-sample curve
 * (`lib/research/walk_forward_summary.ts`).
 *
 * Each range is loaded as the backtest loads `--start`/`--end`, so a test run starts flat and
 * its strategy warms up inside the test window (no bars from before it are fed).
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { isoTime } from "../core/time.ts";
import { buildTimeline } from "../engine/feed.ts";
import type { Metrics } from "../engine/metrics.ts";
import { objectiveValue, rankTrials } from "../research/objective.ts";
import { type WalkForwardWindow, walkForwardWindows } from "../research/walk_forward.ts";
import {
  summariseWalkForward,
  type WalkForwardSummary,
  type WindowOutcome,
} from "../research/walk_forward_summary.ts";
import type { BacktestDeps } from "./backtest_runner.ts";
import { execOf, loadDataset, type OptimizeJob, type Progress } from "./optimizer_plan.ts";
import { runTrials, type TrialDataset, type TrialExecutor, type TrialSpec } from "./trials.ts";

/** One window of the result. */
export interface WalkForwardWindowResult {
  /** Window number, from 0. */
  readonly index: number;
  /** Inclusive start and exclusive end times (ISO) of the train and test ranges. */
  readonly train: { start: string; end: string; bars: number };
  /** The test range (see `train`). */
  readonly test: { start: string; end: string; bars: number };
  /** Train bars dropped by the purge. */
  readonly purgedBars: number;
  /** Train bars dropped by the embargo. */
  readonly embargoedBars: number;
  /** The parameters chosen on train (null when no trial was eligible, or a range is empty). */
  readonly params: Readonly<Record<string, unknown>> | null;
  /** Metrics of the chosen parameters on the train range. */
  readonly trainMetrics?: Metrics;
  /** Metrics of the chosen parameters on the test range. */
  readonly testMetrics?: Metrics;
  /** The objective on the train range. */
  readonly trainObjective?: number;
  /** The objective on the test range. */
  readonly testObjective?: number;
  /** Why the window was skipped, when it was. */
  readonly skipped?: string;
}

/** The walk-forward part of an optimisation result. */
export interface WalkForwardResult extends WalkForwardSummary {
  /** Train ranges all start at the data's start (anchored) or roll. */
  readonly anchored: boolean;
  /** Train length, as given (e.g. `1y`). */
  readonly train: string;
  /** Test length, as given. */
  readonly test: string;
  /** Purge length, as given. */
  readonly purge: string;
  /** Embargo length, as given. */
  readonly embargo: string;
  /** Every window, in time order. */
  readonly windows: readonly WalkForwardWindowResult[];
}

interface Context extends BacktestDeps {
  readonly timeline: Float64Array;
  readonly paramsList: readonly Record<string, unknown>[];
  readonly periodsPerYear: number;
  readonly progress?: Progress;
  readonly signal?: AbortSignal;
}

const text = (d: unknown) => typeof d === "string" ? d : d ? (d as { text: string }).text : "0";

function plan(job: OptimizeJob, timeline: Float64Array): WalkForwardWindow[] {
  try {
    return walkForwardWindows(timeline, job.walkForward!);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`--walk-forward: ${e.message}`);
    throw e;
  }
}

/** The train and test datasets of the windows whose ranges hold bars. */
async function loadWindows(job: OptimizeJob, windows: WalkForwardWindow[], deps: Context) {
  const out: { w: WalkForwardWindow; train: TrialDataset; test: TrialDataset }[] = [];
  for (const w of windows) {
    if (w.train.end <= w.train.start || w.test.end <= w.test.start) continue;
    const train = await loadDataset(job, deps, {
      start: w.train.startMs,
      end: w.train.endMs - 1,
    }, deps.paramsList[0]);
    const test = await loadDataset(job, deps, {
      start: w.test.startMs,
      end: w.test.endMs - 1,
    }, deps.paramsList[0]);
    out.push({ w, train: train.dataset, test: test.dataset });
  }
  return out;
}

function rangeOf(r: WalkForwardWindow["train"]) {
  return { start: isoTime(r.startMs), end: isoTime(r.endMs), bars: r.end - r.start };
}

/** Runs the walk-forward part of `job` (see the module doc). */
export async function runWalkForward(
  job: OptimizeJob,
  executor: TrialExecutor,
  ctx: Context,
): Promise<WalkForwardResult> {
  const windows = plan(job, ctx.timeline);
  const loaded = await loadWindows(job, windows, ctx);
  const P = ctx.paramsList.length, minTrades = job.minTrades ?? 0;
  const trainTrials: TrialSpec[] = loaded.flatMap((l, k) =>
    ctx.paramsList.map((params, j) => ({
      id: k * P + j,
      strategy: job.strategy,
      params,
      datasetHash: l.train.hash,
      exec: execOf(job, l.w.train.startMs, l.w.train.endMs - 1),
    }))
  );
  const hooks = (phase: string, total: number) => ({
    signal: ctx.signal,
    onResult: ctx.progress
      ? (_o: unknown, done: number) => ctx.progress!(done, total, phase)
      : undefined,
  });
  const trained = await runTrials(
    { datasets: loaded.map((l) => l.train), trials: trainTrials },
    executor,
    hooks("walk-forward train", trainTrials.length),
  );
  const chosen = loaded.map((_, k) => {
    const mine = trained.slice(k * P, (k + 1) * P);
    const ranking = rankTrials(job.objective, mine.map((o) => o.metrics), minTrades);
    return ranking.length ? mine[ranking[0]] : undefined;
  });
  const testTrials: TrialSpec[] = [];
  loaded.forEach((l, k) => {
    const c = chosen[k];
    if (!c) return;
    testTrials.push({
      id: k,
      strategy: job.strategy,
      params: c.params,
      datasetHash: l.test.hash,
      exec: execOf(job, l.w.test.startMs, l.w.test.endMs - 1),
    });
  });
  const tested = await runTrials(
    { datasets: loaded.map((l) => l.test), trials: testTrials },
    executor,
    hooks("walk-forward test", testTrials.length),
  );
  const testOf = new Map(tested.map((o) => [o.id, o]));
  const outcomes: WindowOutcome[] = [];
  const rows = windows.map((w): WalkForwardWindowResult => {
    const base = {
      index: w.index,
      train: rangeOf(w.train),
      test: rangeOf(w.test),
      purgedBars: w.purged,
      embargoedBars: w.embargoed,
    };
    const k = loaded.findIndex((l) => l.w === w);
    if (k < 0) return { ...base, params: null, skipped: "a range holds no bar" };
    const c = chosen[k], t = testOf.get(k);
    if (!c || !t) return { ...base, params: null, skipped: "no eligible trial on train" };
    const trainObjective = objectiveValue(job.objective, c.metrics);
    const testObjective = objectiveValue(job.objective, t.metrics);
    outcomes.push({
      params: c.params,
      trainObjective,
      testObjective,
      testTs: buildTimeline(loaded[k].test.series),
      testEquity: t.equity,
      testTrades: t.trades,
    });
    return {
      ...base,
      params: c.params,
      trainMetrics: c.metrics,
      testMetrics: t.metrics,
      trainObjective,
      testObjective,
    };
  });
  const wf = job.walkForward!;
  return {
    anchored: wf.anchored === true,
    train: text(wf.train),
    test: text(wf.test),
    purge: text(wf.purge),
    embargo: text(wf.embargo),
    windows: rows,
    ...summariseWalkForward(outcomes, {
      capital: job.capital,
      periodsPerYear: ctx.periodsPerYear,
      riskFree: job.riskFree,
    }),
  };
}
