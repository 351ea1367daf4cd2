/**
 * Lookups on the time-bounded views strategies read through (binary searches; they never read
 * past what the view exposes).
 * @module
 */
import type { BarView, MacroView } from "../core/strategy.ts";
import { DAY_MS } from "../core/time.ts";

/** Number of leading items `i` of a view (ascending by `key(i)`) with `key(i) <= x`. */
function countWhere(length: number, key: (i: number) => number, x: number): number {
  let lo = 0, hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(mid) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index of the bar holding the close of UTC date `dayStart` (the last bar that opens on that
 * date; for daily bars, the bar dated that day), or -1 when the view has none.
 */
export function barIndexOnDate(bars: BarView, dayStart: number): number {
  const n = countWhere(bars.length, (i) => bars.ts(i), dayStart + DAY_MS - 1);
  if (n === 0) return -1;
  return bars.ts(n - 1) >= dayStart ? n - 1 : -1;
}

/**
 * Index of the newest macro observation published at or before `t`, or -1 (views are ordered
 * by date, and publication times are non-decreasing with the date).
 */
export function macroIndexAt(view: MacroView, t: number): number {
  return countWhere(view.length, (i) => view.availableAt(i), t) - 1;
}

/** UTC midnight that starts the day of `ts`. */
export function utcDayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}
