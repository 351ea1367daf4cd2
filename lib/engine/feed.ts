/**
 * The feed: market data as a strategy may see it. This is the one layer every runner uses — the
 * backtest engine (bar by bar), the `signals` task and the lookahead check (at chosen decision
 * times), and the API and optimiser after them — so "the same strategy code everywhere" holds by
 * construction: the same validation, the same completion of close-only bars, the same
 * publication rules, the same views and the same {@link StrategyContext}.
 *
 * - **Bars** are per-asset columns ({@link AssetSeries}), checked by one rule
 *   ({@link validateSeries}); rows that carry only a close are completed by one rule
 *   ({@link completeCloseOnly}).
 * - **Macro** observations carry their publication time ({@link MacroInput}); by default an
 *   observation dated D is published at the next UTC midnight ({@link publicationTime}).
 * - **Views**: a {@link FeedBarView} exposes only the bars released so far (close time at or
 *   before `now`) and a {@link FeedMacroView} only observations published at or before `now`;
 *   reading past them throws a RangeError. Only the holder of `release` / `advanceTo` moves that
 *   horizon, so a strategy that keeps or casts a view still cannot read the future.
 * - **Context**: {@link createFeedContext} builds what a strategy receives from the views.
 * - **Market**: a validated bundle of series and macro inputs that hands out the context at any
 *   decision time ({@link Market.contextAt}), truncates itself ({@link Market.truncate}) and
 *   feeds the engine (`market.series`, `market.macro`).
 * @module
 */
import { isPrice, MAX_PRICE, PRICE_FIELDS, priceProblem } from "../core/bounds.ts";
import type { Candle, MacroObservation } from "../core/candle.ts";
import {
  type BarView,
  boundedIndex,
  type MacroView,
  type PositionView,
  type StrategyContext,
} from "../core/strategy.ts";
import { DAY_MS, isoTime } from "../core/time.ts";

/** One asset's bars as columns. Times are bar open times (UTC ms), strictly increasing. */
export interface AssetSeries {
  /** Asset id. */
  readonly asset: string;
  /** Bar open times. */
  readonly ts: Float64Array;
  /** Opens. */
  readonly open: Float64Array;
  /** Highs. */
  readonly high: Float64Array;
  /** Lows. */
  readonly low: Float64Array;
  /** Closes. */
  readonly close: Float64Array;
  /** Volumes (`NaN` when unknown). */
  readonly volume: Float64Array;
}

/**
 * Builds an {@link AssetSeries} from candles, rejecting what no runner can use: times not
 * strictly increasing, or prices outside the one rule of `lib/core/bounds.ts` (finite, positive,
 * at most 1e12) or not low <= open, close <= high. Errors name the asset and the bar. Complete close-only rows first
 * ({@link completeCloseOnly}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesFromCandles } from "./feed.ts";
 *
 * const s = seriesFromCandles("bitcoin", [
 *   { ts: 0, open: 100, high: 102, low: 99, close: 101, volume: 5 },
 * ]);
 * assert.deepEqual([...s.close], [101]);
 * assert.throws(
 *   () => seriesFromCandles("bitcoin", [{ ts: 0, open: 100, high: 90, low: 99, close: 101, volume: 5 }]),
 *   RangeError,
 * );
 * ```
 */
export function seriesFromCandles(asset: string, candles: readonly Candle[]): AssetSeries {
  const n = candles.length;
  const s = {
    asset,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = candles[i];
    s.ts[i] = c.ts;
    s.open[i] = c.open;
    s.high[i] = c.high;
    s.low[i] = c.low;
    s.close[i] = c.close;
    s.volume[i] = c.volume;
  }
  validateSeries(s);
  return s;
}

/** Throws a RangeError naming the asset and bar when a series is unusable (see above). */
export function validateSeries(s: AssetSeries): void {
  const n = s.ts.length;
  for (
    const col of [s.ts, s.open, s.high, s.low, s.close, s.volume] as const
  ) {
    if (col.length !== n) {
      throw new RangeError(`Cannot use series ${s.asset}: its columns differ in length`);
    }
  }
  const { ts, open, high, low, close } = s;
  // One pass of comparisons: a finite time above the previous one, and 0 < low <= open, close
  // <= high <= MAX_PRICE, which makes all four prices valid (NaN fails every comparison). The
  // first bar that fails is explained by barProblem, in the order of the checks it lists.
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = ts[i], o = open[i], h = high[i], l = low[i], c = close[i];
    if (
      !(t > prev && t < Infinity && l > 0 && h <= MAX_PRICE && l <= o && l <= c && o <= h &&
        c <= h)
    ) throw new RangeError(barProblem(s, i));
    prev = t;
  }
}

/** Why bar `i` of `s` is not valid: the first of time, order, prices, bounds that fails. */
function barProblem(s: AssetSeries, i: number): string {
  const at = `${s.asset} bar ${i} (${
    Number.isFinite(s.ts[i]) ? isoTime(s.ts[i]) : `ts ${s.ts[i]}`
  })`;
  if (!Number.isFinite(s.ts[i])) return `Cannot use ${at}: time is not finite`;
  if (i > 0 && !(s.ts[i] > s.ts[i - 1])) {
    return `Cannot use ${at}: times must be strictly increasing`;
  }
  const bad = PRICE_FIELDS.find((f) => !isPrice(s[f][i]));
  if (bad) return `Cannot use ${at}: ${bad} ${priceProblem(s[bad][i])}`;
  return `Cannot use ${at}: need low <= open, close <= high`;
}

/**
 * Completes close-only rows (e.g. CoinGecko's 00:00 UTC snapshots, stored with open/high/low
 * `NaN`): open = the previous bar's close — the price at the bar's start, for a market that
 * trades around the clock — and high / low = the larger / smaller of that open and the close (the
 * first bar: open = high = low = close). So a market order decided at a close fills at that same
 * price, and a stop-loss that the close-to-close move crosses fills at its level, not a day later.
 * The true intrabar range is wider than this envelope, so stops and limits it would have reached
 * can be missed. Full OHLC rows are returned as they are; `completed` counts the others.
 */
export function completeCloseOnly(
  candles: readonly Candle[],
): { candles: Candle[]; completed: number } {
  let completed = 0;
  let prevClose = NaN;
  const out = candles.map((c) => {
    const prev = prevClose;
    prevClose = c.close;
    if (Number.isFinite(c.open) && Number.isFinite(c.high) && Number.isFinite(c.low)) return c;
    completed++;
    const open = Number.isFinite(c.open) ? c.open : Number.isFinite(prev) ? prev : c.close;
    const high = Math.max(open, c.close, Number.isFinite(c.high) ? c.high : -Infinity);
    const low = Math.min(open, c.close, Number.isFinite(c.low) ? c.low : Infinity);
    return { ...c, open, high, low };
  });
  return { candles: out, completed };
}

/** The shared clock: every distinct bar time of every asset, ascending. */
export function buildTimeline(series: readonly AssetSeries[]): Float64Array {
  // Read-only use: when every asset has the same bar times (the usual case), no copy or sort.
  const first = series[0].ts;
  if (series.every((s) => sameTimes(s.ts, first))) return first;
  let total = 0;
  for (const s of series) total += s.ts.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const s of series) {
    all.set(s.ts, k);
    k += s.ts.length;
  }
  all.sort();
  let m = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[m - 1]) all[m++] = all[i];
  return all.slice(0, m);
}

function sameTimes(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

/** Engine-side handles, set in the classes' static blocks: not reachable through a view. */
let setReleased: (view: FeedBarView, n: number) => void;
let setPublished: (view: FeedMacroView, now: number) => void;

/**
 * A {@link BarView} whose visible length only the feed's owner advances. It has no method that
 * moves its horizon: the owner holds the `release` function of {@link barFeed}, so a strategy
 * that keeps the view, or casts it, still cannot read past `now`.
 */
export class FeedBarView implements BarView {
  // Each accessor reads an index in range (the usual case) without calling boundedIndex, which
  // handles negative indexes and throws on the rest: the call, never reached on that path, does
  // not count against the inlining budget of the strategy code that reads the bars.
  #n = 0;
  readonly #s: AssetSeries;
  readonly #what: string;

  static {
    setReleased = (view, n) => {
      view.#n = n;
    };
  }

  /** A view of `series` with no bar released yet. */
  constructor(series: AssetSeries) {
    this.#s = series;
    this.#what = `${series.asset} bar`;
  }

  /** Bars released so far. */
  get length(): number {
    return this.#n;
  }

  /** Open time of bar `i` (negative `i` counts from the newest). */
  ts(i: number): number {
    const n = this.#n;
    return i >= 0 && i < n && (i | 0) === i
      ? this.#s.ts[i]
      : this.#s.ts[boundedIndex(i, n, this.#what)];
  }
  /** Open of bar `i`. */
  open(i: number): number {
    const n = this.#n;
    return i >= 0 && i < n && (i | 0) === i
      ? this.#s.open[i]
      : this.#s.open[boundedIndex(i, n, this.#what)];
  }
  /** High of bar `i`. */
  high(i: number): number {
    const n = this.#n;
    return i >= 0 && i < n && (i | 0) === i
      ? this.#s.high[i]
      : this.#s.high[boundedIndex(i, n, this.#what)];
  }
  /** Low of bar `i`. */
  low(i: number): number {
    const n = this.#n;
    return i >= 0 && i < n && (i | 0) === i
      ? this.#s.low[i]
      : this.#s.low[boundedIndex(i, n, this.#what)];
  }
  /** Close of bar `i`. */
  close(i: number): number {
    const n = this.#n;
    return i >= 0 && i < n && (i | 0) === i
      ? this.#s.close[i]
      : this.#s.close[boundedIndex(i, n, this.#what)];
  }
  /** Volume of bar `i`. */
  volume(i: number): number {
    const n = this.#n;
    return i >= 0 && i < n && (i | 0) === i
      ? this.#s.volume[i]
      : this.#s.volume[boundedIndex(i, n, this.#what)];
  }
}

/**
 * A bar view and, for its owner only, the method that moves its horizon. A class, so that the
 * engine's per-bar `release` call has one target in every run (a closure per run would not).
 */
export class BarFeed {
  /** The view to hand to strategies. */
  readonly view: FeedBarView;

  /** A feed of `series` with no bar released yet. */
  constructor(series: AssetSeries) {
    this.view = new FeedBarView(series);
  }

  /** Makes bars `0 … n − 1` readable. */
  release(n: number): void {
    setReleased(this.view, n);
  }
}

/** A bar view for a strategy and, for its owner only, the method that moves its horizon. */
export function barFeed(series: AssetSeries): BarFeed {
  return new BarFeed(series);
}

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

/**
 * Publication time of an observation dated `ts` under `rule`.
 *
 * @example A VIX close dated 2024-01-02 becomes visible at the next UTC midnight, or after a lag
 * ```ts
 * import assert from "node:assert/strict";
 * import { publicationTime } from "./feed.ts";
 *
 * const d = Date.UTC(2024, 0, 2);
 * assert.equal(publicationTime(d), Date.UTC(2024, 0, 3));
 * assert.equal(publicationTime(d, { kind: "lag", lagMs: 36 * 3_600_000 }), Date.UTC(2024, 0, 3, 12));
 * ```
 */
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

/** A macro series as the feed takes it: observations with their publication times. */
export interface MacroInput {
  /** Series id, e.g. `VIX`. */
  readonly series: string;
  /** Observation dates (UTC ms), strictly ascending. */
  readonly ts: readonly number[];
  /** Finite values, one per date. */
  readonly value: readonly number[];
  /** When each observation became known (UTC ms), non-decreasing. */
  readonly availableAt: readonly number[];
}

/** Builds a {@link MacroInput} from observations, published by `rule`; validated. */
export function macroInput(
  series: string,
  observations: readonly MacroObservation[],
  rule: PublicationRule = NEXT_UTC_MIDNIGHT,
): MacroInput {
  const ts = observations.map((o) => o.ts);
  const input = {
    series,
    ts,
    value: observations.map((o) => o.value),
    availableAt: publicationTimes(ts, rule),
  };
  validateMacro(input);
  return input;
}

/** Throws a RangeError naming the series and observation when a macro input is unusable. */
export function validateMacro(input: MacroInput): void {
  const { ts, value, availableAt, series } = input;
  if (ts.length !== value.length || ts.length !== availableAt.length) {
    throw new RangeError(`Cannot use macro series ${series}: its columns differ in length`);
  }
  for (let i = 0; i < ts.length; i++) {
    const at = () => `${series} observation ${i} (${isoTime(ts[i])})`;
    if (!Number.isFinite(ts[i]) || !Number.isFinite(value[i])) {
      throw new RangeError(`Cannot use ${at()}: its date and value must be finite numbers`);
    }
    if (i > 0 && (ts[i] <= ts[i - 1] || availableAt[i] < availableAt[i - 1])) {
      throw new RangeError(`Cannot use ${at()}: observations are out of order`);
    }
  }
}

/** A point-in-time {@link MacroView}: only observations published at or before `now`. */
export class FeedMacroView implements MacroView {
  #n = 0;
  readonly #m: MacroInput;
  readonly #what: string;

  /** A view of `input` with nothing published yet; throws when `input` is unusable. */
  constructor(input: MacroInput) {
    validateMacro(input);
    this.#m = input;
    this.#what = `${input.series} observation`;
  }

  static {
    setPublished = (view, now) => {
      const a = view.#m.availableAt;
      while (view.#n < a.length && a[view.#n] <= now) view.#n++;
    };
  }

  /** Observations published so far. */
  get length(): number {
    return this.#n;
  }
  /** Date of observation `i` (negative `i` counts from the newest). */
  ts(i: number): number {
    return this.#m.ts[boundedIndex(i, this.#n, this.#what)];
  }
  /** Value of observation `i`. */
  value(i: number): number {
    return this.#m.value[boundedIndex(i, this.#n, this.#what)];
  }
  /** Publication time of observation `i`. */
  availableAt(i: number): number {
    return this.#m.availableAt[boundedIndex(i, this.#n, this.#what)];
  }
}

/** A macro view for a strategy and, for its owner only, the function that advances it. */
export function macroFeed(input: MacroInput): {
  view: FeedMacroView;
  /** Makes the observations published at or before `now` readable (never moves back). */
  advanceTo: (now: number) => void;
} {
  const view = new FeedMacroView(input);
  return { view, advanceTo: (now) => setPublished(view, now) };
}

/** A {@link StrategyContext} whose `now` and `equity` its owner sets before each decision. */
export interface FeedContext extends StrategyContext {
  /** Decision time (UTC ms). */
  now: number;
  /** Equity marked at the latest close. */
  equity: number;
}

/**
 * The context strategies read, built from views in the run's asset order. Reused between
 * decisions by its owner (the engine sets `now` and `equity` each bar; no allocation per bar).
 */
export function createFeedContext(input: {
  readonly assets: readonly string[];
  readonly bars: readonly BarView[];
  readonly macro: ReadonlyMap<string, MacroView>;
  /** Position of the asset at this index in `assets`. */
  readonly position: (assetIndex: number) => PositionView;
}): FeedContext {
  const index = new Map(input.assets.map((a, i) => [a, i]));
  const at = (asset: string): number => {
    const i = index.get(asset);
    if (i === undefined) throw new RangeError(`Cannot read ${asset}: not one of this run's assets`);
    return i;
  };
  const { bars, macro, position } = input;
  return {
    now: NaN,
    equity: NaN,
    assets: input.assets,
    bars: (asset) => bars[at(asset)],
    macro: (series) => macro.get(series),
    position: (asset) => position(at(asset)),
  };
}
