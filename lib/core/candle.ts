/**
 * OHLCV candles and series identity.
 * @module
 */
import { amountProblem, PRICE_FIELDS, priceProblem } from "./bounds.ts";
import type { Interval } from "./time.ts";

/** One OHLCV bar. `ts` is the bar's open time in UTC ms (see `time.ts` for the convention). */
export interface Candle {
  /** Bar open time (UTC ms). */
  readonly ts: number;
  /** First trade price of the bar. */
  readonly open: number;
  /** Highest price of the bar. */
  readonly high: number;
  /** Lowest price of the bar. */
  readonly low: number;
  /** Last price of the bar. */
  readonly close: number;
  /** Base-asset or quote volume as the source gives it; `NaN` when unknown. */
  readonly volume: number;
  /** Market capitalisation in the quote currency; `NaN` when unknown. */
  readonly marketCap?: number;
}

/** Identity of a stored price series. */
export interface SeriesKey {
  /** Where the data came from: `coingecko`, `binance`, `csv`, `sample`, … */
  readonly source: string;
  /** Asset id, e.g. `bitcoin`. */
  readonly asset: string;
  /** Bar length, e.g. `1d`. */
  readonly interval: Interval;
}

/** A dated value of a macro series (VIX, DXY, DGS10, …). */
export interface MacroObservation {
  /** Observation date (UTC ms of its day start, or of the bar start for intraday series). */
  readonly ts: number;
  /** The observed value. */
  readonly value: number;
}

/** Returns a human-readable label such as `coingecko:bitcoin@1d`. */
export function seriesLabel(key: SeriesKey): string {
  return `${key.source}:${key.asset}@${key.interval}`;
}

/**
 * Checks that a candle is internally consistent; returns the reason it is not, or `undefined`.
 * Prices follow the rule of `bounds.ts` (finite, positive, at most `MAX_PRICE`), a known volume
 * that of amounts, and `low <= open, close <= high`.
 */
export function candleProblem(c: Candle): string | undefined {
  for (const f of PRICE_FIELDS) {
    const p = priceProblem(c[f]);
    if (p) return `${f} ${p}`;
  }
  if (c.low > c.high) return `low ${c.low} is above high ${c.high}`;
  if (c.open > c.high || c.open < c.low) return `open ${c.open} is outside [low, high]`;
  if (c.close > c.high || c.close < c.low) return `close ${c.close} is outside [low, high]`;
  const v = c.volume === c.volume ? amountProblem(c.volume) : undefined;
  if (v) return `volume ${v}`;
  return undefined;
}
