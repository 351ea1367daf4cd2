/**
 * The data feed: per-asset bars in typed arrays, the shared clock (the sorted union of all bar
 * times), and the time-bounded views strategies read through.
 *
 * The lookahead guard: a {@link FeedBarView} exposes only the bars the engine has released (those
 * whose close time is at or before `now`); reading any later index throws a RangeError. A
 * {@link FeedMacroView} exposes only observations whose publication time is at or before `now`.
 * @module
 */
import type { Candle } from "../core/candle.ts";
import { type BarView, boundedIndex, type MacroView } from "../core/strategy.ts";

/** One asset's bars as columns. Times are bar open times (UTC ms), strictly increasing. */
export interface AssetSeries {
  readonly asset: string;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * Builds an {@link AssetSeries} from candles, rejecting what the engine cannot trade on: times
 * not strictly increasing, or prices that are not finite and positive with low <= open, close <=
 * high. Errors name the asset and the bar.
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
  const at = (i: number) => `${s.asset} bar ${i} (ts ${s.ts[i]})`;
  for (let i = 0; i < n; i++) {
    const o = s.open[i], h = s.high[i], l = s.low[i], c = s.close[i];
    if (!Number.isFinite(s.ts[i])) throw new RangeError(`Cannot use ${at(i)}: time is not finite`);
    if (i > 0 && !(s.ts[i] > s.ts[i - 1])) {
      throw new RangeError(`Cannot use ${at(i)}: times must be strictly increasing`);
    }
    if (!(o > 0 && h > 0 && l > 0 && c > 0) || !Number.isFinite(o + h + l + c)) {
      throw new RangeError(`Cannot use ${at(i)}: prices must be finite and positive`);
    }
    if (!(l <= o && l <= c && o <= h && c <= h)) {
      throw new RangeError(`Cannot use ${at(i)}: need low <= open, close <= high`);
    }
  }
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

/** Engine-side handles, set in the classes' static blocks: not reachable through a view. */
let setReleased: (view: FeedBarView, n: number) => void;
let setPublished: (view: FeedMacroView, now: number) => void;

/**
 * A {@link BarView} whose visible length only the engine advances. It has no method that moves
 * its horizon: the engine holds the `release` function of {@link barFeed}, so a strategy that
 * keeps the view, or casts it, still cannot read past `now`.
 */
export class FeedBarView implements BarView {
  #n = 0;
  readonly #s: AssetSeries;
  readonly #what: string;

  static {
    setReleased = (view, n) => {
      view.#n = n;
    };
  }

  constructor(series: AssetSeries) {
    this.#s = series;
    this.#what = `${series.asset} bar`;
  }

  /** Bars released so far. */
  get length(): number {
    return this.#n;
  }

  ts(i: number): number {
    return this.#s.ts[boundedIndex(i, this.#n, this.#what)];
  }
  open(i: number): number {
    return this.#s.open[boundedIndex(i, this.#n, this.#what)];
  }
  high(i: number): number {
    return this.#s.high[boundedIndex(i, this.#n, this.#what)];
  }
  low(i: number): number {
    return this.#s.low[boundedIndex(i, this.#n, this.#what)];
  }
  close(i: number): number {
    return this.#s.close[boundedIndex(i, this.#n, this.#what)];
  }
  volume(i: number): number {
    return this.#s.volume[boundedIndex(i, this.#n, this.#what)];
  }
}

/** A macro series as the engine takes it: observations with their publication times. */
export interface MacroInput {
  readonly series: string;
  /** Observation dates (UTC ms), ascending. */
  readonly ts: readonly number[];
  readonly value: readonly number[];
  /**
   * When each observation became known (UTC ms), non-decreasing. The runner's default is the
   * next UTC midnight after the observation date.
   */
  readonly availableAt: readonly number[];
}

/** A point-in-time {@link MacroView}: only observations published at or before `now`. */
export class FeedMacroView implements MacroView {
  #n = 0;
  readonly #m: MacroInput;
  readonly #what: string;

  constructor(input: MacroInput) {
    const { ts, value, availableAt, series } = input;
    if (ts.length !== value.length || ts.length !== availableAt.length) {
      throw new RangeError(`Cannot use macro series ${series}: its columns differ in length`);
    }
    for (let i = 1; i < availableAt.length; i++) {
      if (availableAt[i] < availableAt[i - 1] || ts[i] <= ts[i - 1]) {
        throw new RangeError(
          `Cannot use macro series ${series}: observation ${i} is out of order`,
        );
      }
    }
    this.#m = input;
    this.#what = `${series} observation`;
  }

  static {
    setPublished = (view, now) => {
      const a = view.#m.availableAt;
      while (view.#n < a.length && a[view.#n] <= now) view.#n++;
    };
  }

  get length(): number {
    return this.#n;
  }
  ts(i: number): number {
    return this.#m.ts[boundedIndex(i, this.#n, this.#what)];
  }
  value(i: number): number {
    return this.#m.value[boundedIndex(i, this.#n, this.#what)];
  }
  availableAt(i: number): number {
    return this.#m.availableAt[boundedIndex(i, this.#n, this.#what)];
  }
}

/** A bar view for a strategy and, for the engine only, the function that moves its horizon. */
export function barFeed(series: AssetSeries): {
  view: FeedBarView;
  /** Makes bars `0 … n − 1` readable. */
  release: (n: number) => void;
} {
  const view = new FeedBarView(series);
  return { view, release: (n) => setReleased(view, n) };
}

/** A macro view for a strategy and, for the engine only, the function that advances it. */
export function macroFeed(input: MacroInput): {
  view: FeedMacroView;
  /** Makes the observations published at or before `now` readable. */
  advanceTo: (now: number) => void;
} {
  const view = new FeedMacroView(input);
  return { view, advanceTo: (now) => setPublished(view, now) };
}
