/**
 * The price-series concern of the store: candles keyed by (source, asset, interval, ts).
 * @module
 */
import type { Candle, SeriesKey } from "../core/candle.ts";

/** What an upsert did, row by row. */
export interface UpsertResult {
  /** Rows that were not stored before. */
  inserted: number;
  /** Rows whose values changed. */
  updated: number;
  /** Rows already stored with the same values. */
  unchanged: number;
}

/** Summary of one stored series. */
export interface SeriesSummary extends SeriesKey {
  /** Stored bars. */
  count: number;
  /** Open time of the first bar, UTC ms. */
  firstTs: number;
  /** Open time of the last bar, UTC ms. */
  lastTs: number;
  /** When a bar of the series was last written, UTC ms. */
  updatedAt: number;
}

/** Time range filter; both ends inclusive, UTC ms. */
export interface TimeRange {
  /** First time included (default: no lower bound). */
  from?: number;
  /** Last time included (default: no upper bound). */
  to?: number;
}

/** Options of a data write. */
export interface WriteOptions {
  /**
   * The run that writes (see {@link RunStore.startRun}); ledger entries the new data resolves are
   * marked as resolved by it.
   */
  runId?: number;
}

/** Stored candles. */
export interface PriceStore {
  /**
   * Inserts new candles and updates changed ones; identical rows are left alone. Atomic: readers
   * see all of the call's rows or none. Gaps and staleness in the data-quality ledger that the
   * new rows fill are resolved.
   */
  upsertCandles(
    key: SeriesKey,
    candles: readonly Candle[],
    options?: WriteOptions,
  ): Promise<UpsertResult>;
  /** Candles of one series in time order. Close-only rows come back with open/high/low = NaN. */
  getCandles(key: SeriesKey, range?: TimeRange): Promise<Candle[]>;
  /** Every stored price series. */
  listSeries(): Promise<SeriesSummary[]>;
}
