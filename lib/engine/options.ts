/**
 * What a backtest run takes ({@link BacktestOptions}) and the validated, complete settings the
 * engine runs with and the manifest records ({@link resolveSettings}).
 * @module
 */
import type { EngineEvent } from "../core/events.ts";
import type { Strategy } from "../core/strategy.ts";
import { DAY_MS, type Interval, intervalMs } from "../core/time.ts";
import type { AssetSeries, MacroInput } from "./feed.ts";
import type { SignalPipeline } from "./pipeline.ts";

/** Options of `runBacktest` (`engine.ts`). Costs default to zero. */
export interface BacktestOptions {
  /** One series per asset, all of the same `interval`; their order is the run's asset order. */
  series: readonly AssetSeries[];
  /** Bar interval of every series (`1d`, `1h`, …). */
  interval: Interval;
  /** Fresh strategy instances (they keep state). Their signals are concatenated in this order. */
  strategies: readonly Strategy[];
  /** Starting cash (quote currency). */
  capital: number;
  /** Aggregation / risk between the strategies' signals and the orders (`pipeline.ts`). */
  pipeline?: SignalPipeline;
  /**
   * The pipeline's settings (risk limits, weights, …), recorded in the manifest and its config
   * hash. A pipeline is a function, so without these the hash only says that one was used.
   */
  pipelineParams?: Readonly<Record<string, unknown>>;
  /** Macro series the strategies read through `ctx.macro(name)`. */
  macro?: readonly MacroInput[];
  /** Commission rate per side on notional (default 0). */
  commission?: number;
  /** Fixed commission per fill (default 0). */
  commissionFixed?: number;
  /** Slippage against the trader on market and stop fills, in basis points (default 0). */
  slippageBps?: number;
  /** Market orders fill at the next bar's open (default) or at the decision bar's close. */
  fill?: "open" | "close";
  /** Fractional units (default) or whole units. */
  units?: "fractional" | "whole";
  /** Close open positions at the last close (default) or leave them open. */
  closeAtEnd?: "last_close" | "none";
  /** Periods per year for annualised metrics (default: a year of bars, 365 for `1d`). */
  periodsPerYear?: number;
  /** Annual risk-free rate for Sharpe and Sortino (default 0). */
  riskFree?: number;
  /** Receives every event (bar events only exist when this is set). */
  onEvent?: (event: EngineEvent) => void;
  /**
   * Checksum of the input data (`dataChecksum(series, macro)`, `manifest.ts`). A caller that runs
   * several backtests over one dataset computes it once and passes it to each run; without it,
   * the engine computes it itself.
   */
  dataChecksum?: string;
  /**
   * The caller has checked every series with `validateSeries` (feed.ts) and not changed them
   * since, so the run skips that pass over the bars. Like `dataChecksum`, for a caller that runs
   * many backtests over one dataset (the optimiser validates each dataset once); default false.
   */
  seriesValidated?: boolean;
  /** Extra parameters to record in the manifest (data source, date range, …). */
  manifestParams?: Readonly<Record<string, unknown>>;
}

/** Validated, complete engine settings (also what the manifest records). */
export interface EngineSettings {
  capital: number;
  interval: Interval;
  commission: number;
  commissionFixed: number;
  slippageBps: number;
  fill: "open" | "close";
  units: "fractional" | "whole";
  closeAtEnd: "last_close" | "none";
  periodsPerYear: number;
  riskFree: number;
}

/** Checks options and fills in defaults; throws RangeError naming the bad option. */
export function resolveSettings(o: BacktestOptions): EngineSettings {
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new RangeError(`Cannot run backtest: ${what}`);
  };
  need(Number.isFinite(o.capital) && o.capital > 0, `capital must be positive, got ${o.capital}`);
  const s: EngineSettings = {
    capital: o.capital,
    interval: o.interval,
    commission: o.commission ?? 0,
    commissionFixed: o.commissionFixed ?? 0,
    slippageBps: o.slippageBps ?? 0,
    fill: o.fill ?? "open",
    units: o.units ?? "fractional",
    closeAtEnd: o.closeAtEnd ?? "last_close",
    periodsPerYear: o.periodsPerYear ?? 365 * DAY_MS / intervalMs(o.interval),
    riskFree: o.riskFree ?? 0,
  };
  need(s.commission >= 0 && s.commission < 1, `commission must be in [0, 1), got ${s.commission}`);
  need(
    s.commissionFixed >= 0 && Number.isFinite(s.commissionFixed),
    `commissionFixed must be >= 0, got ${s.commissionFixed}`,
  );
  need(
    s.slippageBps >= 0 && s.slippageBps < 10_000,
    `slippageBps must be in [0, 10000), got ${s.slippageBps}`,
  );
  need(s.fill === "open" || s.fill === "close", `fill must be open or close, got ${s.fill}`);
  need(
    s.units === "fractional" || s.units === "whole",
    `units must be fractional or whole, got ${s.units}`,
  );
  need(
    s.closeAtEnd === "last_close" || s.closeAtEnd === "none",
    `closeAtEnd must be last_close or none, got ${s.closeAtEnd}`,
  );
  need(s.periodsPerYear > 0, `periodsPerYear must be positive, got ${s.periodsPerYear}`);
  need(s.riskFree > -1 && s.riskFree < 10, `riskFree must be an annual rate, got ${s.riskFree}`);
  need(o.series.length > 0, "no assets given");
  need(o.strategies.length > 0, "no strategy given");
  const names = new Set<string>();
  for (const ser of o.series) {
    need(!names.has(ser.asset), `asset ${ser.asset} is given twice`);
    names.add(ser.asset);
    need(ser.ts.length > 0, `no bars for ${ser.asset}`);
  }
  return s;
}
