/**
 * Point-in-time market history and the {@link StrategyContext} built from it, for running
 * strategies outside the backtest engine (the `signals` task, the lookahead check).
 *
 * Bars are visible once their close time (`ts` + interval) is at or before `now`. A macro
 * observation is visible once its publication time is at or before `now`; by default that is
 * the next UTC midnight after the observation date, so a strategy deciding at the close of the
 * daily bar dated D (D+1 00:00 UTC) sees VIX's close of D and nothing later.
 * @module
 */
import type { Candle, MacroObservation } from "../core/candle.ts";
import {
  type BarView,
  boundedIndex,
  type MacroView,
  type PositionView,
  type StrategyContext,
} from "../core/strategy.ts";
import { DAY_MS, type Interval, nextBarTs } from "../core/time.ts";

/**
 * When a macro observation becomes available: `next_utc_midnight` (the default: the first UTC
 * midnight strictly after the observation's date starts, i.e. D+1 00:00 for date D) or a fixed
 * `lagMs` after the observation time.
 */
export type PublicationRule = { readonly kind: "next_utc_midnight" } | {
  readonly kind: "lag";
  readonly lagMs: number;
};

/** The default publication rule. */
export const NEXT_UTC_MIDNIGHT: PublicationRule = { kind: "next_utc_midnight" };

/** Publication time of an observation dated `ts` under `rule`. */
export function publicationTime(ts: number, rule: PublicationRule = NEXT_UTC_MIDNIGHT): number {
  if (rule.kind === "lag") return ts + rule.lagMs;
  return Math.floor(ts / DAY_MS) * DAY_MS + DAY_MS;
}

/** Publication times of observations dated `ts` (non-decreasing when `ts` is ascending). */
export function publicationTimes(
  ts: readonly number[],
  rule: PublicationRule = NEXT_UTC_MIDNIGHT,
): number[] {
  return ts.map((t) => publicationTime(t, rule));
}

/** Market data as plain arrays: bars per asset and macro observations per series. */
export interface MarketData {
  /** Bar interval of every asset's bars. */
  readonly interval: Interval;
  /** Assets in the run's fixed order. */
  readonly assets: readonly string[];
  /** Bars per asset, ascending by `ts`. */
  readonly bars: Readonly<Record<string, readonly Candle[]>>;
  /** Observations per macro series, ascending by date. */
  readonly macro: Readonly<Record<string, readonly MacroObservation[]>>;
  /** Publication rule per macro series; unlisted series use {@link NEXT_UTC_MIDNIGHT}. */
  readonly publication?: Readonly<Record<string, PublicationRule>>;
}

/** A read-only portfolio as strategies see it. Defaults: equity 1, no positions. */
export interface PortfolioView {
  readonly equity: number;
  position(asset: string): PositionView;
}

const FLAT: PositionView = { qty: 0, avgPrice: NaN };
const NO_PORTFOLIO: PortfolioView = { equity: 1, position: () => FLAT };

interface BarColumns {
  readonly ts: Float64Array;
  readonly closeTs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

interface MacroColumns {
  readonly ts: Float64Array;
  readonly value: Float64Array;
  readonly availableAt: Float64Array;
}

/** Number of leading elements of ascending `a` that are `<= x`. */
export function countAtOrBefore(a: ArrayLike<number>, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Validated, column-oriented market history that hands out point-in-time contexts. Throws a
 * RangeError naming the series when times are not strictly increasing or a close is not a
 * positive number.
 */
export class MarketHistory {
  readonly interval: Interval;
  readonly assets: readonly string[];
  readonly #bars = new Map<string, BarColumns>();
  readonly #macro = new Map<string, MacroColumns>();
  readonly #data: MarketData;

  constructor(data: MarketData) {
    this.#data = data;
    this.interval = data.interval;
    this.assets = [...data.assets];
    for (const asset of data.assets) {
      const candles = data.bars[asset];
      if (!candles) throw new RangeError(`Cannot build market history: no bars for ${asset}`);
      const n = candles.length;
      const cols: BarColumns = {
        ts: new Float64Array(n),
        closeTs: new Float64Array(n),
        open: new Float64Array(n),
        high: new Float64Array(n),
        low: new Float64Array(n),
        close: new Float64Array(n),
        volume: new Float64Array(n),
      };
      for (let i = 0; i < n; i++) {
        const c = candles[i];
        if (i > 0 && !(c.ts > candles[i - 1].ts)) {
          throw new RangeError(`Cannot use ${asset} bar ${i}: times must be strictly increasing`);
        }
        if (!(c.close > 0 && Number.isFinite(c.close))) {
          throw new RangeError(`Cannot use ${asset} bar ${i}: close ${c.close} is not positive`);
        }
        cols.ts[i] = c.ts;
        cols.closeTs[i] = nextBarTs(c.ts, data.interval);
        cols.open[i] = c.open;
        cols.high[i] = c.high;
        cols.low[i] = c.low;
        cols.close[i] = c.close;
        cols.volume[i] = c.volume;
      }
      this.#bars.set(asset, cols);
    }
    for (const [series, obs] of Object.entries(data.macro)) {
      const rule = data.publication?.[series] ?? NEXT_UTC_MIDNIGHT;
      const n = obs.length;
      const cols: MacroColumns = {
        ts: new Float64Array(n),
        value: new Float64Array(n),
        availableAt: new Float64Array(n),
      };
      for (let i = 0; i < n; i++) {
        if (i > 0 && !(obs[i].ts > obs[i - 1].ts)) {
          throw new RangeError(`Cannot use ${series} observation ${i}: dates must be increasing`);
        }
        cols.ts[i] = obs[i].ts;
        cols.value[i] = obs[i].value;
        cols.availableAt[i] = publicationTime(obs[i].ts, rule);
      }
      this.#macro.set(series, cols);
    }
  }

  /** The plain data this history was built from. */
  get data(): MarketData {
    return this.#data;
  }

  /** Every distinct bar close time of every asset, ascending: the decision times of a replay. */
  decisionTimes(): number[] {
    const all = new Set<number>();
    for (const cols of this.#bars.values()) for (const t of cols.closeTs) all.add(t);
    return [...all].sort((a, b) => a - b);
  }

  /** Close time of the newest bar of `asset` at or before `now`, or `undefined`. */
  lastCloseTs(asset: string, now: number): number | undefined {
    const cols = this.#cols(asset);
    const n = countAtOrBefore(cols.closeTs, now);
    return n === 0 ? undefined : cols.closeTs[n - 1];
  }

  /** Latest close of `asset` visible at `now` (`NaN` when none). */
  priceAt(asset: string, now: number): number {
    const cols = this.#cols(asset);
    const n = countAtOrBefore(cols.closeTs, now);
    return n === 0 ? NaN : cols.close[n - 1];
  }

  /** Newest observation of `series` published at or before `now`, or `undefined`. */
  lastObservation(
    series: string,
    now: number,
  ): { ts: number; value: number; availableAt: number } | undefined {
    const cols = this.#macro.get(series);
    if (!cols) return undefined;
    const n = countAtOrBefore(cols.availableAt, now);
    if (n === 0) return undefined;
    return { ts: cols.ts[n - 1], value: cols.value[n - 1], availableAt: cols.availableAt[n - 1] };
  }

  /** Macro series names loaded. */
  macroSeries(): string[] {
    return [...this.#macro.keys()];
  }

  /**
   * Data as it existed at `at`: bars whose close time is at or before `at`, and macro
   * observations published at or before `at` (by the declared publication rules, not by any
   * context's reading of them).
   */
  truncate(at: number): MarketHistory {
    const bars: Record<string, Candle[]> = {};
    for (const asset of this.assets) {
      const n = countAtOrBefore(this.#cols(asset).closeTs, at);
      bars[asset] = this.#data.bars[asset].slice(0, n);
    }
    const macro: Record<string, MacroObservation[]> = {};
    for (const [series, obs] of Object.entries(this.#data.macro)) {
      const n = countAtOrBefore(this.#macro.get(series)!.availableAt, at);
      macro[series] = obs.slice(0, n);
    }
    return new MarketHistory({ ...this.#data, bars, macro });
  }

  /** The context a strategy sees at decision time `now`. */
  contextAt(now: number, portfolio: PortfolioView = NO_PORTFOLIO): StrategyContext {
    const barViews = new Map<string, BarView>();
    const macroViews = new Map<string, MacroView>();
    const bars = (asset: string): BarView => {
      let v = barViews.get(asset);
      if (!v) {
        const cols = this.#cols(asset);
        v = barView(asset, cols, countAtOrBefore(cols.closeTs, now));
        barViews.set(asset, v);
      }
      return v;
    };
    const macro = (series: string): MacroView | undefined => {
      const cols = this.#macro.get(series);
      if (!cols) return undefined;
      let v = macroViews.get(series);
      if (!v) {
        v = macroView(series, cols, countAtOrBefore(cols.availableAt, now));
        macroViews.set(series, v);
      }
      return v;
    };
    return {
      now,
      assets: this.assets,
      bars,
      macro,
      position: (asset) => portfolio.position(asset),
      equity: portfolio.equity,
    };
  }

  #cols(asset: string): BarColumns {
    const cols = this.#bars.get(asset);
    if (!cols) throw new RangeError(`Cannot read bars of ${asset}: not part of this run`);
    return cols;
  }
}

function barView(asset: string, c: BarColumns, n: number): BarView {
  const what = `${asset} bar`;
  return {
    length: n,
    ts: (i) => c.ts[boundedIndex(i, n, what)],
    open: (i) => c.open[boundedIndex(i, n, what)],
    high: (i) => c.high[boundedIndex(i, n, what)],
    low: (i) => c.low[boundedIndex(i, n, what)],
    close: (i) => c.close[boundedIndex(i, n, what)],
    volume: (i) => c.volume[boundedIndex(i, n, what)],
  };
}

function macroView(series: string, c: MacroColumns, n: number): MacroView {
  const what = `${series} observation`;
  return {
    length: n,
    ts: (i) => c.ts[boundedIndex(i, n, what)],
    value: (i) => c.value[boundedIndex(i, n, what)],
    availableAt: (i) => c.availableAt[boundedIndex(i, n, what)],
  };
}
