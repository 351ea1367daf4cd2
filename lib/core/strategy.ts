/**
 * The strategy contract shared by the `signals` task, the backtest engine and the API.
 *
 * A strategy sees the world only through a {@link StrategyContext}: bars whose close time is at
 * or before `now`, and macro observations whose publication time is at or before `now`. Reading
 * past the end of a view throws, so a strategy cannot look into the future.
 * @module
 */
import type { Signal } from "./signal.ts";

/** Read-only, time-bounded view of one asset's bars. Index 0 is the oldest available bar. */
export interface BarView {
  /** Number of bars available at `now`. */
  readonly length: number;
  /** Bar open time (UTC ms) of bar `i`; negative `i` counts from the newest (-1 = latest). */
  ts(i: number): number;
  /** Open of bar `i`. */
  open(i: number): number;
  /** High of bar `i`. */
  high(i: number): number;
  /** Low of bar `i`. */
  low(i: number): number;
  /** Close of bar `i`. */
  close(i: number): number;
  /** Volume of bar `i` (`NaN` when the source gives none). */
  volume(i: number): number;
}

/** Read-only, point-in-time view of one macro series. Index 0 is the oldest available. */
export interface MacroView {
  /** Number of observations published at or before `now`. */
  readonly length: number;
  /** Observation date (UTC ms) of observation `i`; negative `i` counts from the newest. */
  ts(i: number): number;
  /** Value of observation `i`. */
  value(i: number): number;
  /** When observation `i` became available (its publication time, UTC ms). */
  availableAt(i: number): number;
}

/** A strategy's read-only view of its current position in one asset. */
export interface PositionView {
  /** Signed quantity: positive long, negative short, 0 flat. */
  readonly qty: number;
  /** Average entry price, `NaN` when flat. */
  readonly avgPrice: number;
}

/** Everything a strategy may see when it decides. */
export interface StrategyContext {
  /** Decision time: the close time of the newest bar (bar `ts` + interval), UTC ms. */
  readonly now: number;
  /** Assets this run trades, in the run's fixed order. */
  readonly assets: readonly string[];
  /** Bars of `asset` with close time <= `now`. Throws RangeError for an unknown asset. */
  bars(asset: string): BarView;
  /** Macro series observations published at or before `now`; `undefined` if not loaded. */
  macro(series: string): MacroView | undefined;
  /** Current position in `asset`. */
  position(asset: string): PositionView;
  /** Current portfolio equity (marked at the latest close). */
  readonly equity: number;
}

/** Numbers and labels a decision used (snake_case keys: they appear in `signals --json`). */
export type Inputs = Readonly<Record<string, number | string | boolean | null>>;

/** One strategy's decision for one asset at one time, fired or not, and why. */
export interface Evaluation {
  /** Decision time (UTC ms). */
  readonly ts: number;
  /** Asset evaluated. */
  readonly asset: string;
  /** Strategy that evaluated it. */
  readonly strategy: string;
  /** True when it produced a signal. */
  readonly fired: boolean;
  /** The signal, when it fired. */
  readonly signal?: Signal;
  /** Why it fired, or why it did not. */
  readonly reason: string;
  /** The numbers the decision used. */
  readonly inputs: Inputs;
}

/**
 * A trading strategy: the one contract every runner (the `signals` task, the backtest engine,
 * the API) calls. Strategies are made by a definition (`defineStrategy` in
 * `lib/signals/define.ts`), which validates their parameters. Make a fresh instance per run:
 * `onBar` may keep incremental state, so an instance must see decision times in order, each once
 * (it may be called once with a whole history, as the `signals` task does).
 */
export interface Strategy {
  /** Registry name in snake_case, e.g. `sma_cross`. */
  readonly name: string;
  /** Validated, complete parameters (snake_case names, as in `strategies/<name>.json`). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Bars of history needed before the first meaningful signal. */
  readonly warmup: number;
  /** Macro series the strategy reads (e.g. `["VIX"]`), so the runner can load them. */
  readonly macroSeries: readonly string[];
  /** Called once per decision time with all assets' bars up to `now`. */
  onBar(ctx: StrategyContext): readonly Signal[];
  /**
   * Optional: the same decisions as `onBar`, one entry per evaluated asset including those that
   * did not fire, so `signals --json` can say why nothing happened. Runners that only trade call
   * `onBar`; a strategy that has both must decide identically in each.
   */
  evaluate?(ctx: StrategyContext): readonly Evaluation[];
}

/** Reads element `i` of an array-like of `length` items, with negative indexes from the end. */
export function boundedIndex(i: number, length: number, what: string): number {
  const j = i < 0 ? length + i : i;
  if (!(j >= 0 && j < length) || !Number.isInteger(j)) {
    throw new RangeError(
      `Cannot read ${what} index ${i}: only ${length} item(s) are available at this time`,
    );
  }
  return j;
}
