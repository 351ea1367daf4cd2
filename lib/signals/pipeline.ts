/**
 * The signal pipeline: aggregation, then risk. One factory serves the `signals` task and the
 * backtest engine (its result is a `SignalPipeline` for `runBacktest({ pipeline })`).
 * @module
 */
import type { Signal } from "../core/signal.ts";
import { type AggregateOptions, aggregateSignals, type Conflict } from "./aggregate.ts";
import { type RiskAction, type RiskLimits, RiskManager, type RiskSnapshot } from "./risk.ts";

/** Options of {@link createSignalPipeline}. */
export interface SignalPipelineOptions extends AggregateOptions {
  readonly limits: RiskLimits;
}

/** A stateful pipeline (one per run) with the record of what it blocked or changed. */
export interface SignalPipelineRun {
  /** Aggregates `signals` and applies the risk rules; returns the final targets. */
  (signals: readonly Signal[], ctx: RiskSnapshot): readonly Signal[];
  /** Every aggregation conflict so far (nothing traded). */
  readonly conflicts: Conflict[];
  /** Every risk action so far. */
  readonly actions: RiskAction[];
}

/** Creates an aggregation + risk pipeline. */
export function createSignalPipeline(options: SignalPipelineOptions): SignalPipelineRun {
  const risk = new RiskManager(options.limits);
  const conflicts: Conflict[] = [];
  const actions: RiskAction[] = [];
  const run = (signals: readonly Signal[], ctx: RiskSnapshot): readonly Signal[] => {
    const agg = aggregateSignals(signals, { assetOrder: ctx.assets, ...options });
    conflicts.push(...agg.conflicts);
    const out = risk.apply(agg.signals, ctx);
    actions.push(...out.actions);
    return out.signals;
  };
  return Object.assign(run, { conflicts, actions });
}
