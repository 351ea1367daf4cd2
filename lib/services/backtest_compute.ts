/**
 * A backtest split at its CPU-heavy part, so that the API server can run that part in a Web
 * Worker (`workers/backtest_worker.ts`, {@link BacktestPool}) while its thread keeps answering:
 *
 * 1. here, on the caller's thread: the strategies are checked and the data is loaded from the
 *    store with every check of `deno task backtest` ({@link loadBacktestInput});
 * 2. in the worker: {@link computeBacktest} — the engine ({@link backtestOnInput}), the result
 *    JSON ({@link resultToJson}) and the HTML report — over a serialisable request;
 * 3. here again: the run is stored ({@link saveRun}).
 *
 * The same functions as the CLI's {@link runBacktestJob} run in the same order, so the JSON is
 * the CLI's (the parity tests compare them).
 * @module
 */
import { renderHtml } from "../report/html.ts";
import { type ResultJson, resultToJson } from "../report/json.ts";
import type { Params } from "../signals/params.ts";
import { createSignalPipeline, type SignalPipelineOptions } from "../signals/pipeline.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import {
  type BacktestDeps,
  type BacktestJob,
  backtestOnInput,
  loadBacktestInput,
  type RunInput,
  runInputOf,
  type RunSettings,
  type RunSummary,
  saveRun,
} from "./backtest_runner.ts";

/** Everything the worker needs for one run; structured-cloneable (no functions). */
export interface BacktestComputeRequest {
  /** The strategies with their complete, validated parameters. */
  readonly strategies: readonly { readonly name: string; readonly params: Params }[];
  /** Engine, cost and manifest settings. */
  readonly settings: Omit<RunSettings, "pipeline">;
  /** Options of the pipeline combining several strategies, rebuilt where the run happens. */
  readonly pipeline?: SignalPipelineOptions;
  /** The loaded data. */
  readonly input: RunInput;
  /** Warnings of the load (range, gaps, close-only), carried into the JSON and the report. */
  readonly warnings: readonly string[];
  /** Render report.html too. */
  readonly report: boolean;
}

/** What comes back. */
export interface BacktestComputeOutput {
  /** `deno task backtest --json`. */
  readonly json: ResultJson;
  /** What storing the run needs. */
  readonly summary: RunSummary;
  /** report.html, when asked. */
  readonly report?: string;
}

/** Runs the CPU-heavy part of a backtest (see the module doc); pure. */
export function computeBacktest(
  registry: StrategyRegistry,
  req: BacktestComputeRequest,
): BacktestComputeOutput {
  const strategies = req.strategies.map((s) => registry.get(s.name).create(s.params));
  const settings = {
    ...req.settings,
    pipeline: req.pipeline ? createSignalPipeline(req.pipeline) : undefined,
  };
  const result = backtestOnInput(settings, strategies, req.input);
  const warnings = [...req.warnings];
  const json = resultToJson(result, { warnings, sources: req.input.sources });
  const report = req.report
    ? renderHtml({ ...result, sources: json.sources }, {
      prices: req.input.series.map((s) => ({ asset: s.asset, ts: s.ts, close: s.close })),
      warnings,
    })
    : undefined;
  const { assets, startTs, endTs, manifest, metrics } = result;
  return { json, summary: { assets, startTs, endTs, manifest, metrics }, report };
}

/** Where {@link computeBacktest} runs: a worker pool, or this thread. */
export type BacktestCompute = (req: BacktestComputeRequest) => Promise<BacktestComputeOutput>;

/** A job whose combining pipeline is given as options (so that a worker can rebuild it). */
export type SplitBacktestJob = Omit<BacktestJob, "pipeline" | "lookahead" | "outDir"> & {
  /** Options of the pipeline combining several strategies (required when there are several). */
  readonly pipelineOptions?: SignalPipelineOptions;
  /** Render report.html. */
  readonly report?: boolean;
};

/** What {@link runSplitBacktest} gives. */
export interface SplitBacktestOutput {
  readonly json: ResultJson;
  readonly runId?: number;
  readonly report?: string;
}

/**
 * Runs a backtest as the module doc describes, the engine part through `compute`; rejects with
 * the same errors as {@link runBacktestJob} for bad input.
 */
export async function runSplitBacktest(
  job: SplitBacktestJob,
  deps: BacktestDeps,
  compute: BacktestCompute,
): Promise<SplitBacktestOutput> {
  const pipeline = job.pipelineOptions ? createSignalPipeline(job.pipelineOptions) : undefined;
  // the strategies are validated before any data is read, as the CLI does
  const resolved = job.strategies.map((s) => {
    const definition = job.registry.get(s.name);
    return { definition, params: definition.params(s.params ?? {}) };
  });
  const strategies = resolved.map((r) => r.definition.create(r.params));
  const { input, warnings } = await loadBacktestInput({ ...job, pipeline }, deps, strategies);
  const { registry: _r, strategies: _s, pipelineOptions, report, ...rest } = job;
  const out = await compute({
    strategies: resolved.map((r) => ({ name: r.definition.name, params: r.params })),
    settings: {
      capital: rest.capital,
      commission: rest.commission,
      commissionFixed: rest.commissionFixed,
      slippageBps: rest.slippageBps,
      fill: rest.fill,
      units: rest.units,
      closeAtEnd: rest.closeAtEnd,
      periodsPerYear: rest.periodsPerYear,
      riskFree: rest.riskFree,
      start: rest.start,
      end: rest.end,
      pipelineParams: rest.pipelineParams,
    },
    pipeline: pipelineOptions,
    input: runInputOf(input),
    warnings,
    report: report === true,
  });
  const runId = await saveRun(job, deps, resolved, out.summary);
  return { json: out.json, runId, report: out.report };
}

/** {@link computeBacktest} on this thread (`API_BACKTEST_WORKERS=0`, tests). */
export function computeHere(registry: StrategyRegistry): BacktestCompute {
  return (req) => Promise.resolve().then(() => computeBacktest(registry, req));
}
