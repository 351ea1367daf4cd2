/**
 * The plan of an optimisation: the job, its parameter sets (grid or seeded random search,
 * constraints, merged over fixed `--params` and checked against the strategy's schema), the
 * trial settings and the datasets, loaded exactly as `deno task backtest` loads its range.
 * @module
 */
import { UsageError } from "../core/errors.ts";
import type { Objective } from "../research/objective.ts";
import { expandGrid, type GridSpace, type RandomSpace, sampleSpace } from "../research/space.ts";
import type { WalkForwardOptions } from "../research/walk_forward.ts";
import { StrategyParamsError } from "../signals/params.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import type { RiskLimits } from "../signals/risk.ts";
import {
  type BacktestDeps,
  type BacktestJob,
  loadBacktestInput,
  runInputOf,
} from "./backtest_runner.ts";
import { type TrialDataset, trialDataset, type TrialExec } from "./trials.ts";

/** The search: a grid, or `count` seeded random draws from a space. */
export type Search =
  | { readonly kind: "grid"; readonly grid: GridSpace }
  | { readonly kind: "random"; readonly space: RandomSpace; readonly count: number; seed: number };

/** An optimisation job. Data and execution fields are those of a backtest job. */
export interface OptimizeJob
  extends Omit<BacktestJob, "registry" | "strategies" | "pipeline" | "pipelineParams" | "outDir"> {
  /** The strategies the job may name. */
  readonly registry: StrategyRegistry;
  /** The strategy to optimise (registry or class-style name). */
  readonly strategy: string;
  /** Parameters every trial shares (`--params`), under the searched ones. */
  readonly fixedParams?: Readonly<Record<string, unknown>>;
  /** The parameter grid or the random search space. */
  readonly search: Search;
  /** Constraints every trial's parameters must satisfy (e.g. `fast < slow`). */
  readonly constraints?: readonly string[];
  /** What to rank the trials by. */
  readonly objective: Objective;
  /** Trials with fewer trades are left out of the ranking (default 0). */
  readonly minTrades?: number;
  /** `--risk`: the aggregation + risk pipeline with these limits. */
  readonly risk?: RiskLimits;
  /** S for PBO (default 16). */
  readonly pboBlocks?: number;
  /** Walk-forward windows to run as well (train, test, purge, embargo). */
  readonly walkForward?: Omit<WalkForwardOptions, "dataEndMs">;
}

/** Progress of a phase (`trials`, `walk-forward train`, `walk-forward test`): done of total. */
export type Progress = (done: number, total: number, phase: string) => void;

/** The parameter sets of the search, each checked against the strategy's schema. */
export function planParams(job: OptimizeJob): Record<string, unknown>[] {
  const flag = job.search.kind === "grid" ? "grid" : "space";
  let combos;
  try {
    combos = job.search.kind === "grid"
      ? expandGrid(job.search.grid, job.constraints)
      : sampleSpace(job.search.space, {
        count: job.search.count,
        seed: job.search.seed,
        constraints: job.constraints,
      });
  } catch (e) {
    if (e instanceof SyntaxError) throw new UsageError(`--constraint: ${e.message}`);
    if (e instanceof RangeError) {
      // a count the space cannot give is --random's fault; a bad range or list is --space's
      const which = job.search.kind === "random" && /^Cannot sample/.test(e.message)
        ? "random"
        : flag;
      throw new UsageError(`--${which}: ${e.message}`);
    }
    throw e;
  }
  const def = job.registry.find(job.strategy);
  if (!def) {
    throw new UsageError(
      `--strategy: unknown strategy "${job.strategy}" (${job.registry.names().join(", ")})`,
    );
  }
  return combos.map((c) => {
    const params = { ...job.fixedParams, ...c };
    try {
      return def.params(params) as Record<string, unknown>;
    } catch (e) {
      if (!(e instanceof StrategyParamsError)) throw e;
      throw new UsageError(
        `--${flag}: the trial ${JSON.stringify(c)} is not valid for ${def.name}: ${e.message} ` +
          "(exclude such trials with --constraint)",
      );
    }
  });
}

/** The trial settings of a job over `[start, end]`. */
export function execOf(job: OptimizeJob, start?: number, end?: number): TrialExec {
  return {
    capital: job.capital,
    commission: job.commission,
    commissionFixed: job.commissionFixed,
    slippageBps: job.slippageBps,
    fill: job.fill,
    units: job.units,
    closeAtEnd: job.closeAtEnd,
    periodsPerYear: job.periodsPerYear,
    riskFree: job.riskFree,
    start,
    end,
    ...(job.risk ? { risk: job.risk } : {}),
  };
}

/** Loads the job's data over `[start, end]` as `deno task backtest --start --end` would. */
export async function loadDataset(
  job: OptimizeJob,
  deps: BacktestDeps,
  range: { start?: number; end?: number },
  params: Readonly<Record<string, unknown>>,
): Promise<{ dataset: TrialDataset; warnings: string[] }> {
  // The strategy says which macro series to load (the same for every parameter set).
  const strategy = job.registry.create(job.strategy, params);
  const backtestJob: BacktestJob = {
    ...job,
    ...range,
    registry: job.registry,
    strategies: [{ name: job.strategy, params }],
  };
  const { input, warnings } = await loadBacktestInput(backtestJob, deps, [strategy]);
  return { dataset: trialDataset(runInputOf(input)), warnings };
}
