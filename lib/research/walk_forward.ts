/**
 * Walk-forward window planning: which bars each window trains on and which it tests on.
 *
 * Given bar times t₀ < t₁ < … (UTC ms) and durations `train` and `test` (see duration.ts for the
 * calendar arithmetic):
 * - Every boundary is computed in one step from t₀ (t₀ + train + k·test, never by stepping from
 *   the previous boundary), so month-end clamping does not drift: from Jan 31 with 1m steps the
 *   boundaries are Feb 28, Mar 31, Apr 30, …
 * - Test windows tile the time axis from t₀ + train: window k tests
 *   [t₀ + train + k·test, t₀ + train + (k+1)·test), so the test windows are contiguous and never
 *   overlap, and every bar from t₀ + train on is tested once.
 * - Rolling (default): window k trains on [t₀ + k·test, its test start) — the train window slides
 *   by one test length per window. Anchored: always from t₀ (an expanding window).
 * - `purge`: train bars within `purge` before the test start are dropped — the train window ends
 *   at testStart − purge — so that no training label whose horizon reaches into the test window
 *   is used. No train bar is ever at or after its own test start.
 * - `embargo` (rolling only): a train window never starts within `embargo` after an earlier test
 *   window ended; such a start moves to that end + embargo. (In a forward walk no train bar
 *   follows its own test window, so this is the only place an embargo can act; windows stay
 *   contiguous ranges of bars.)
 * - The last window: a test window is emitted only when the data reach its end (its end ≤
 *   `dataEndMs`); with `partial: true` the last, incomplete one is emitted too, marked `partial`.
 *   `dataEndMs` defaults to the last bar's time plus the shortest spacing between bars (for
 *   gap-free bars, the end of the last bar).
 * - Windows whose train or test range holds no bar (a gap in the data) are still listed, with
 *   empty ranges, so window numbers follow the calendar.
 * @module
 */
import { addDuration, type Duration, isZero, parseDuration } from "./duration.ts";

/** Options of {@link walkForwardWindows}; durations as `Duration` or text such as `2y`. */
export interface WalkForwardOptions {
  /** Length of each train window (rolling) or of the first one (anchored). */
  train: Duration | string;
  /** Length of each test window, and the step between windows. */
  test: Duration | string;
  /** Train from the first bar every time (expanding window) instead of rolling. */
  anchored?: boolean;
  /** Drop train bars within this long before the test start (default 0). */
  purge?: Duration | string;
  /** Rolling only: no train window starts within this long after a test window ended (default 0). */
  embargo?: Duration | string;
  /** Exclusive end of the data in UTC ms (default: last bar time + the shortest bar spacing). */
  dataEndMs?: number;
  /** Also emit the last, incomplete test window (default false). */
  partial?: boolean;
}

/** Bars `[start, end)` (indices into the times) within the time range `[startMs, endMs)`. */
export interface WindowRange {
  /** First bar index. */
  start: number;
  /** One past the last bar index (= start when empty). */
  end: number;
  /** Inclusive start time of the window, UTC ms. */
  startMs: number;
  /** Exclusive end time of the window, UTC ms. */
  endMs: number;
}

/** One walk-forward window. */
export interface WalkForwardWindow {
  /** 0, 1, … in time order. */
  index: number;
  /** The bars to optimise on. */
  train: WindowRange;
  /** The bars to evaluate the chosen parameters on. */
  test: WindowRange;
  /** Train bars dropped by the purge. */
  purged: number;
  /** Train bars dropped by the embargo. */
  embargoed: number;
  /** True for a last test window that the data do not reach the end of. */
  partial: boolean;
}

const ACTION = "plan walk-forward windows";

function duration(value: Duration | string | undefined, name: string): Duration {
  if (value === undefined) return { months: 0, ms: 0, text: "0" };
  return typeof value === "string" ? parseDuration(value, name) : value;
}

/** Checks the times are finite and strictly increasing; returns the shortest spacing. */
function checkTimes(times: ArrayLike<number>): number {
  if (!times || times.length === 0) throw new RangeError(`Cannot ${ACTION}: no bar times`);
  let spacing = Infinity;
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(times[i])) {
      throw new RangeError(`Cannot ${ACTION}: times[${i}] is ${times[i]}`);
    }
    if (i > 0) {
      const gap = times[i] - times[i - 1];
      if (!(gap > 0)) {
        throw new RangeError(
          `Cannot ${ACTION}: times must increase, but times[${i}] = ${times[i]} follows ${
            times[i - 1]
          }`,
        );
      }
      spacing = Math.min(spacing, gap);
    }
  }
  return spacing;
}

/** The first index whose time is ≥ `ms`. */
function lowerBound(times: ArrayLike<number>, ms: number): number {
  let lo = 0, hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function range(times: ArrayLike<number>, startMs: number, endMs: number): WindowRange {
  const start = lowerBound(times, startMs);
  return { start, end: Math.max(start, lowerBound(times, endMs)), startMs, endMs };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Resolves and checks the options. */
function resolve(times: ArrayLike<number>, options: WalkForwardOptions) {
  const spacing = checkTimes(times);
  const train = duration(options.train, "train"), test = duration(options.test, "test");
  const purge = duration(options.purge, "purge"), embargo = duration(options.embargo, "embargo");
  if (isZero(train)) throw new RangeError(`Cannot ${ACTION}: train must be longer than 0`);
  if (isZero(test)) throw new RangeError(`Cannot ${ACTION}: test must be longer than 0`);
  if (options.anchored && !isZero(embargo)) {
    throw new RangeError(`Cannot ${ACTION}: embargo applies to rolling windows, not anchored ones`);
  }
  const last = times[times.length - 1];
  const dataEndMs = options.dataEndMs ?? (Number.isFinite(spacing) ? last + spacing : NaN);
  if (!(dataEndMs > last)) {
    throw new RangeError(
      `Cannot ${ACTION}: dataEndMs must be after the last bar (${iso(last)}), got ${dataEndMs}`,
    );
  }
  return { train, test, purge, embargo, dataEndMs, anchored: options.anchored === true };
}

/**
 * Plans walk-forward windows over bar `times` (UTC ms, strictly increasing): rolling or
 * anchored train windows, contiguous non-overlapping test windows, optional purge and embargo,
 * as described in the module doc. Returns each window's train and test bars as index ranges
 * with their boundary times. RangeError naming the option or index on bad input, and when the
 * data are shorter than train + one test window.
 * @example walkForwardWindows(times, { train: "2y", test: "6m", purge: "5d" })
 */
export function walkForwardWindows(
  times: ArrayLike<number>,
  options: WalkForwardOptions,
): WalkForwardWindow[] {
  const o = resolve(times, options);
  const origin = times[0];
  // t₀ + a·train + b·test, the months first (one clamp), then the fixed milliseconds.
  const at = (a: number, b: number) =>
    addDuration(
      origin,
      {
        months: a * o.train.months + b * o.test.months,
        ms: a * o.train.ms + b * o.test.ms,
        text: "",
      },
    );
  const windows: WalkForwardWindow[] = [];
  const testEnds: number[] = [];
  for (let k = 0;; k++) {
    const testStart = at(1, k), testEnd = at(1, k + 1);
    if (testStart >= o.dataEndMs) break;
    const partial = testEnd > o.dataEndMs;
    if (partial && !options.partial) break;
    const nominalStart = o.anchored ? origin : at(0, k);
    let trainStart = nominalStart;
    for (const end of testEnds) {
      const free = addDuration(end, o.embargo);
      if (end <= trainStart && trainStart < free) trainStart = free;
    }
    trainStart = Math.min(trainStart, testStart);
    const trainEnd = Math.max(trainStart, addDuration(testStart, o.purge, -1));
    windows.push({
      index: k,
      train: range(times, trainStart, trainEnd),
      test: range(times, testStart, testEnd),
      purged: lowerBound(times, testStart) - lowerBound(times, trainEnd),
      embargoed: lowerBound(times, trainStart) - lowerBound(times, nominalStart),
      partial,
    });
    testEnds.push(testEnd);
    if (partial) break;
  }
  if (windows.length === 0) {
    throw new RangeError(
      `Cannot ${ACTION}: the data (${iso(origin)} to ${iso(o.dataEndMs)}) are shorter than ` +
        `train ${o.train.text} + test ${o.test.text}`,
    );
  }
  return windows;
}
