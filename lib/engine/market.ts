/**
 * A {@link Market}: the validated bars and macro inputs of one run, built on the feed
 * (`feed.ts`), that hands out what a strategy may see at any decision time. The backtest engine
 * replays it bar by bar (`runBacktest({ series: market.series, macro: market.macro, … })`); the
 * `signals` task asks for one context ({@link Market.contextAt}); the lookahead check truncates
 * it ({@link Market.truncate}). All of them see bars and macro data through the same views.
 * @module
 */
import type { Candle, MacroObservation } from "../core/candle.ts";
import type { PositionView, StrategyContext } from "../core/strategy.ts";
import { type Interval, nextBarTs } from "../core/time.ts";
import {
  type AssetSeries,
  barFeed,
  completeCloseOnly,
  countAtOrBefore,
  createFeedContext,
  macroFeed,
  type MacroInput,
  macroInput,
  type PublicationRule,
  seriesFromCandles,
  validateMacro,
  validateSeries,
} from "./feed.ts";

/** Market data as plain arrays: bars per asset and macro observations per series. */
export interface MarketData {
  /** Bar interval of every asset's bars. */
  readonly interval: Interval;
  /** Assets in the run's fixed order. */
  readonly assets: readonly string[];
  /** Bars per asset, ascending by `ts`; close-only rows (open/high/low `NaN`) are completed. */
  readonly bars: Readonly<Record<string, readonly Candle[]>>;
  /** Observations per macro series, ascending by date. */
  readonly macro: Readonly<Record<string, readonly MacroObservation[]>>;
  /** Publication rule per macro series; unlisted series are published at the next UTC midnight. */
  readonly publication?: Readonly<Record<string, PublicationRule>>;
}

/** A read-only portfolio as strategies see it. */
export interface PortfolioView {
  /** Equity marked at the latest close. */
  readonly equity: number;
  /** Current position in `asset`. */
  position(asset: string): PositionView;
}

const FLAT: PositionView = { qty: 0, avgPrice: NaN };
/** The portfolio of a run that holds nothing: equity 1, every position flat. */
export const FLAT_PORTFOLIO: PortfolioView = { equity: 1, position: () => FLAT };

/** Validated series and macro inputs of one run. */
export class Market {
  /** Bar interval of every series. */
  readonly interval: Interval;
  /** Assets in the run's fixed order (the order of `series`). */
  readonly assets: readonly string[];
  /** One validated series per asset, possibly empty. */
  readonly series: readonly AssetSeries[];
  /** Validated macro inputs with their publication times. */
  readonly macro: readonly MacroInput[];
  /** Close-only bars completed per asset when built with {@link Market.fromData}. */
  readonly completedBars: Readonly<Record<string, number>>;
  readonly #closeTs: Float64Array[];

  /** Validates every series and macro input; throws a RangeError naming the bad one. */
  constructor(input: {
    interval: Interval;
    series: readonly AssetSeries[];
    macro?: readonly MacroInput[];
    completedBars?: Readonly<Record<string, number>>;
  }) {
    const names = new Set<string>();
    for (const s of input.series) {
      if (names.has(s.asset)) throw new RangeError(`Cannot build a market: ${s.asset} is twice`);
      names.add(s.asset);
      validateSeries(s);
    }
    for (const m of input.macro ?? []) validateMacro(m);
    this.interval = input.interval;
    this.series = [...input.series];
    this.assets = Object.freeze(this.series.map((s) => s.asset));
    this.macro = [...(input.macro ?? [])];
    this.completedBars = input.completedBars ?? {};
    this.#closeTs = this.series.map((s) => s.ts.map((t) => nextBarTs(t, input.interval)));
  }

  /**
   * Builds a market from plain candles and observations: close-only rows are completed
   * (`completeCloseOnly`), then everything is validated.
   */
  static fromData(data: MarketData): Market {
    const completedBars: Record<string, number> = {};
    const series = data.assets.map((asset) => {
      const candles = data.bars[asset];
      if (!candles) throw new RangeError(`Cannot build a market: no bars for ${asset}`);
      const done = completeCloseOnly(candles);
      completedBars[asset] = done.completed;
      return seriesFromCandles(asset, done.candles);
    });
    const macro = Object.entries(data.macro).map(([name, obs]) =>
      macroInput(name, obs, data.publication?.[name])
    );
    return new Market({ interval: data.interval, series, macro, completedBars });
  }

  /** The series of `asset`; throws a RangeError for an asset not in this market. */
  seriesOf(asset: string): AssetSeries {
    return this.series[this.#index(asset)];
  }

  /** The macro input named `series`, or `undefined`. */
  macroOf(series: string): MacroInput | undefined {
    return this.macro.find((m) => m.series === series);
  }

  /** Every distinct bar close time of every asset, ascending: the decision times of a replay. */
  decisionTimes(): number[] {
    const all = new Set<number>();
    for (const closes of this.#closeTs) for (const t of closes) all.add(t);
    return [...all].sort((a, b) => a - b);
  }

  /** Close time of the newest bar of `asset` at or before `now`, or `undefined`. */
  lastCloseTs(asset: string, now: number): number | undefined {
    const closes = this.#closeTs[this.#index(asset)];
    const n = countAtOrBefore(closes, now);
    return n === 0 ? undefined : closes[n - 1];
  }

  /** Latest close of `asset` visible at `now` (`NaN` when none). */
  priceAt(asset: string, now: number): number {
    const i = this.#index(asset);
    const n = countAtOrBefore(this.#closeTs[i], now);
    return n === 0 ? NaN : this.series[i].close[n - 1];
  }

  /** Newest observation of `series` published at or before `now`, or `undefined`. */
  lastObservation(
    series: string,
    now: number,
  ): { ts: number; value: number; availableAt: number } | undefined {
    const m = this.macroOf(series);
    if (!m) return undefined;
    const n = countAtOrBefore(m.availableAt, now);
    if (n === 0) return undefined;
    return { ts: m.ts[n - 1], value: m.value[n - 1], availableAt: m.availableAt[n - 1] };
  }

  /**
   * The market as it existed at `at`: bars whose close time is at or before `at`, and macro
   * observations published at or before `at` (by their declared publication times, not by any
   * context's reading of them). Columns are shared, not copied.
   */
  truncate(at: number): Market {
    const series = this.series.map((s, i) => {
      const n = countAtOrBefore(this.#closeTs[i], at);
      return {
        asset: s.asset,
        ts: s.ts.subarray(0, n),
        open: s.open.subarray(0, n),
        high: s.high.subarray(0, n),
        low: s.low.subarray(0, n),
        close: s.close.subarray(0, n),
        volume: s.volume.subarray(0, n),
      };
    });
    const macro = this.macro.map((m) => {
      const n = countAtOrBefore(m.availableAt, at);
      return {
        series: m.series,
        ts: m.ts.slice(0, n),
        value: m.value.slice(0, n),
        availableAt: m.availableAt.slice(0, n),
      };
    });
    return new Market({
      interval: this.interval,
      series,
      macro,
      completedBars: this.completedBars,
    });
  }

  /** What a strategy sees at decision time `now`, holding `portfolio` (default: flat). */
  contextAt(now: number, portfolio: PortfolioView = FLAT_PORTFOLIO): StrategyContext {
    const bars = this.series.map((s, i) => {
      const feed = barFeed(s);
      feed.release(countAtOrBefore(this.#closeTs[i], now));
      return feed.view;
    });
    const macro = new Map(this.macro.map((m) => {
      const feed = macroFeed(m);
      feed.advanceTo(now);
      return [m.series, feed.view] as const;
    }));
    const ctx = createFeedContext({
      assets: this.assets,
      bars,
      macro,
      position: (i) => portfolio.position(this.assets[i]),
    });
    ctx.now = now;
    ctx.equity = portfolio.equity;
    return ctx;
  }

  #index(asset: string): number {
    const i = this.assets.indexOf(asset);
    if (i < 0) throw new RangeError(`Cannot read ${asset}: not one of this run's assets`);
    return i;
  }
}
