/**
 * Derives candles from CoinGecko's price points under the mts time convention. Pure.
 *
 * A bar stamped `s` covers `[s, e)` and its close is the last price **before or at** `e` — the
 * importer's CoinGecko rule, where a daily snapshot stamped D+1 00:00 is the close of day D. So a
 * point at time `t` belongs to the bar with `s < t <= e`; a point exactly on a boundary closes the
 * bar that ends there. Within a bar: open = first point, high = max, low = min, close = last point;
 * market cap and volume are the values at the closing point (CoinGecko's volume is a rolling 24 h
 * total, not the bar's own volume). A bar built from a single point is close-only (open, high and
 * low unknown), because one snapshot says nothing about the bar's range.
 *
 * Only complete bars are returned: the bar must have ended by `nowMs` and the data must reach its
 * end (a point at or after `e`), and the data must start at or before `s` (else the bar's start is
 * missing from this response). The current, still-forming bar is never returned.
 * @module
 */
import type { Candle } from "../../core/candle.ts";
import { floorToInterval, type Interval, nextBarTs } from "../../core/time.ts";
import type { ChartPoint } from "./parse.ts";

/** What {@link pointsToCandles} produced. */
export interface DerivedCandles {
  readonly candles: Candle[];
  /** Bars left out because they are not complete yet (or their start is not covered). */
  readonly incomplete: number;
}

/** Start of the bar a point at `t` closes or belongs to (see the module doc). */
export function barOfPoint(t: number, interval: Interval): number {
  return floorToInterval(t - 1, interval);
}

/** Groups sorted points into complete candles of `interval`. */
export function pointsToCandles(
  points: readonly ChartPoint[],
  interval: Interval,
  options: { nowMs: number },
): DerivedCandles {
  const candles: Candle[] = [];
  let incomplete = 0;
  if (points.length === 0) return { candles, incomplete };
  const first = points[0].ts;
  const last = points[points.length - 1].ts;
  let i = 0;
  while (i < points.length) {
    const start = barOfPoint(points[i].ts, interval);
    const end = nextBarTs(start, interval);
    let j = i;
    let high = -Infinity, low = Infinity;
    while (j < points.length && points[j].ts <= end) {
      high = Math.max(high, points[j].price);
      low = Math.min(low, points[j].price);
      j++;
    }
    const closing = points[j - 1];
    const complete = start >= first && end <= last && end <= options.nowMs;
    if (!complete) incomplete++;
    else if (j - i === 1) {
      candles.push({
        ts: start,
        open: NaN,
        high: NaN,
        low: NaN,
        close: closing.price,
        volume: closing.volume,
        marketCap: closing.marketCap,
      });
    } else {
      candles.push({
        ts: start,
        open: points[i].price,
        high,
        low,
        close: closing.price,
        volume: closing.volume,
        marketCap: closing.marketCap,
      });
    }
    i = j;
  }
  return { candles, incomplete };
}
