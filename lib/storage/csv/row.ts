/**
 * The intermediate row every CSV format is read into before it becomes candles or macro
 * observations. One monomorphic shape keeps the hot loop fast on million-row files.
 * @module
 */

/** A missing cell: which column, and what was found there (`blank`, `"NULL"`, `0`). */
export interface MissingCell {
  /** Stored field name (`open`, `volume`, `market_cap`, `value`, …) or the column name. */
  readonly field: string;
  /** What the cell held: `blank`, a quoted marker such as `"NULL"`, or `0`. */
  readonly found: string;
  /** False for columns mts reads but does not store (e.g. a trade count). */
  readonly stored: boolean;
}

/** One data row as read from the file. Absent or missing numbers are `NaN`. */
export interface CsvRow {
  /** 1-based physical line number in the file. */
  readonly line: number;
  /** Bar open time, UTC ms. */
  ts: number;
  /** Open price. */
  readonly open: number;
  /** High price. */
  readonly high: number;
  /** Low price. */
  readonly low: number;
  /** Close price or macro value. */
  readonly close: number;
  /** Volume. */
  readonly volume: number;
  /** Market capitalisation. */
  readonly marketCap: number;
  /** Missing cells, or `undefined` when the row is complete. */
  readonly missing: MissingCell[] | undefined;
  /** Distance (ms) between the row's own time and the schedule it was snapped to; 0 if on it. */
  readonly offScheduleMs: number;
}
