/**
 * Optimisation trials and the pluggable executor that runs them.
 *
 * A trial is serialisable data — `{ id, strategy, params, datasetHash, exec }` — and so is its
 * result — `{ id, params, metrics, trades, configHash, equity }`. A dataset
 * ({@link TrialDataset}: the run's bars, macro series, sources and checksum) is named by its
 * hash and shipped to an executor's workers once, not per trial. Every trial runs through
 * {@link runTrial}, which is `backtestOnInput` — the function `deno task backtest` runs — with
 * the strategy created from the registry with the trial's parameters: a trial is exactly the
 * backtest the CLI would run with those parameters.
 *
 * {@link runTrials}`(spec, executor)` hands the trials to a {@link TrialExecutor} and returns the
 * results in trial order, whatever order they finished in, so the outcome does not depend on the
 * executor or its number of workers. Executors: {@link inlineExecutor} (this thread) and the
 * Web Worker pool of `worker_pool.ts`; a queue executor (BullMQ) implements the same interface.
 * @module
 */
import { validateSeries } from "../engine/feed.ts";
import { canonicalJson, sha256Hex } from "../engine/hash.ts";
import type { Metrics } from "../engine/metrics.ts";
import type { RiskLimits } from "../signals/risk.ts";
import { createSignalPipeline } from "../signals/pipeline.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import { backtestOnInput, type RunInput, type RunSettings } from "./backtest_runner.ts";

/** A run's data, named by {@link datasetHash}. Plain data: it can be posted to a worker. */
export interface TrialDataset extends RunInput {
  /** {@link datasetHash} of the rest. */
  readonly hash: string;
}

/** The engine settings of a trial: the backtest flags (no functions, so it can be posted). */
export interface TrialExec extends Omit<RunSettings, "pipeline" | "pipelineParams"> {
  /** `--risk`: the aggregation + risk pipeline with these limits (as `deno task backtest`). */
  readonly risk?: RiskLimits;
}

/** One trial: a strategy with complete parameters over a dataset. */
export interface TrialSpec {
  /** Position in the sweep (0, 1, …); results come back in this order. */
  readonly id: number;
  /** The strategy to run. */
  readonly strategy: string;
  /** Its complete parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The dataset it runs on (a `TrialDataset`'s hash). */
  readonly datasetHash: string;
  /** Execution settings (capital, costs, fill rules). */
  readonly exec: TrialExec;
}

/** What one trial produced. */
export interface TrialOutcome {
  /** The trial's `TrialSpec.id`. */
  readonly id: number;
  /** Its complete parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Every metric, named as in `deno task backtest --json`. */
  readonly metrics: Metrics;
  /** Closed trades (= metrics.numTrades). */
  readonly trades: number;
  /** The run manifest's config hash (engine version + every parameter). */
  readonly configHash: string;
  /** The run manifest's data checksum. */
  readonly dataChecksum: string;
  /** Equity at each bar's close (for the overfitting statistics). */
  readonly equity: Float64Array;
}

/** The trials of a sweep and the datasets they run on. */
export interface TrialBatch {
  /** Every dataset a trial names, each loaded once per worker. */
  readonly datasets: readonly TrialDataset[];
  /** The trials, in sweep order. */
  readonly trials: readonly TrialSpec[];
}

/** Hooks of an execution. */
export interface ExecuteHooks {
  /** Called once per finished trial, in completion order. */
  readonly onResult?: (outcome: TrialOutcome, done: number) => void;
  /** Stops handing out trials; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs trials somewhere — this thread, a pool of Web Workers, a job queue. It may return the
 * outcomes in any order; {@link runTrials} puts them in trial order. Each worker should load a
 * dataset once (by its hash) and keep it for every trial that names it.
 */
export interface TrialExecutor {
  /** How many trials it runs at once (for progress and chunking). */
  readonly concurrency: number;
  /** Runs every trial of `batch`; outcomes in any order. */
  execute(batch: TrialBatch, hooks?: ExecuteHooks): Promise<TrialOutcome[]>;
  /** Releases its workers or connections. */
  close(): Promise<void>;
}

/** The hash that names a dataset: SHA-256 of its checksum, interval and sources. */
export function datasetHash(input: RunInput): string {
  return sha256Hex(canonicalJson({
    dataChecksum: input.dataChecksum,
    interval: input.interval,
    sources: input.sources,
  }));
}

/** A {@link TrialDataset} of a run input. */
export function trialDataset(input: RunInput): TrialDataset {
  return { ...input, hash: datasetHash(input) };
}

/** The pipeline settings `deno task backtest --risk` records (the same config hash). */
function pipelineOf(exec: TrialExec) {
  if (!exec.risk) return {};
  return {
    pipeline: createSignalPipeline({ limits: exec.risk }),
    pipelineParams: { aggregateAndRisk: { limits: exec.risk } },
  };
}

/**
 * The datasets whose series have been validated. A dataset is checked the first time a trial
 * runs on it (it may come from another thread or from Redis), not on every trial, as its checksum
 * is computed once; trials never change a dataset's arrays.
 */
const validated = new WeakSet<TrialDataset>();

/** Validates `dataset`'s series once (throws a RangeError naming the bar that is unusable). */
function checkOnce(dataset: TrialDataset): void {
  if (validated.has(dataset)) return;
  for (const s of dataset.series) validateSeries(s);
  validated.add(dataset);
}

/** Runs one trial over its dataset: the backtest the CLI would run with these parameters. */
export function runTrial(
  registry: StrategyRegistry,
  dataset: TrialDataset,
  trial: TrialSpec,
): TrialOutcome {
  if (dataset.hash !== trial.datasetHash) {
    throw new RangeError(`Cannot run trial ${trial.id}: dataset ${trial.datasetHash} not loaded`);
  }
  const strategy = registry.create(trial.strategy, trial.params);
  const { risk: _risk, ...exec } = trial.exec;
  checkOnce(dataset);
  const settings = { ...exec, ...pipelineOf(trial.exec) };
  const result = backtestOnInput(settings, [strategy], dataset, true);
  return {
    id: trial.id,
    params: trial.params,
    metrics: result.metrics,
    trades: result.metrics.numTrades,
    configHash: result.manifest.configHash,
    dataChecksum: result.manifest.dataChecksum,
    equity: result.equity.equity,
  };
}

/** Checks that every trial names a dataset of the batch. */
export function checkBatch(batch: TrialBatch): Map<string, TrialDataset> {
  const byHash = new Map(batch.datasets.map((d) => [d.hash, d]));
  for (const t of batch.trials) {
    if (!byHash.has(t.datasetHash)) {
      throw new RangeError(`Cannot run trial ${t.id}: no dataset ${t.datasetHash} in the batch`);
    }
  }
  return byHash;
}

/** Runs every trial in this thread, one after another. */
export function inlineExecutor(registry: StrategyRegistry): TrialExecutor {
  return {
    concurrency: 1,
    execute(batch, hooks = {}) {
      const byHash = checkBatch(batch);
      const out: TrialOutcome[] = [];
      for (const t of batch.trials) {
        hooks.signal?.throwIfAborted();
        const r = runTrial(registry, byHash.get(t.datasetHash)!, t);
        out.push(r);
        hooks.onResult?.(r, out.length);
      }
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Runs a batch on an executor and returns the outcomes in trial order (by `id` position in
 * `batch.trials`): the same batch gives the same list on any executor.
 */
export async function runTrials(
  batch: TrialBatch,
  executor: TrialExecutor,
  hooks: ExecuteHooks = {},
): Promise<TrialOutcome[]> {
  checkBatch(batch);
  const got = await executor.execute(batch, hooks);
  const pos = new Map(batch.trials.map((t, i) => [t.id, i]));
  const out: TrialOutcome[] = new Array(batch.trials.length);
  for (const r of got) {
    const i = pos.get(r.id);
    if (i === undefined || out[i] !== undefined) {
      throw new RangeError(`Cannot collect trial ${r.id}: unknown or reported twice`);
    }
    out[i] = r;
  }
  for (let i = 0; i < out.length; i++) {
    if (!out[i]) throw new RangeError(`Cannot collect trial ${batch.trials[i].id}: no result`);
  }
  return out;
}
