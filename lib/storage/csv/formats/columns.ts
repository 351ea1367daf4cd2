/**
 * Column conventions several formats share: the names a date or a value column goes by, the
 * OHLC test, and guessing the asset from a symbol column.
 * @module
 */
import { DataError } from "../../../core/errors.ts";
import { safeEcho } from "../../../core/text.ts";
import { assetFromFileName } from "../assets.ts";
import type { Header } from "./types.ts";

/** Names of a date column (normalised). */
export const DATE_NAMES: ReadonlySet<string> = new Set([
  "date",
  "datetime",
  "time",
  "timestamp",
  "date_time",
  "open_time",
  "opentime",
  "day",
  "observation_date",
]);

/** Names of a single value column that is not a FRED series id. */
export const VALUE_NAMES: ReadonlySet<string> = new Set([
  "close",
  "value",
  "price",
  "adj close",
  "adj_close",
  "level",
]);

/** True when the header has open, high, low and close columns. */
export function hasOhlc(h: Header): boolean {
  return ["open", "high", "low", "close"].every((n) => h.names.includes(n));
}

/** True when the first column is unnamed or a pandas index (`Unnamed: 0`). */
export function firstColumnUnnamed(h: Header): boolean {
  return h.names[0] === "" || h.names[0].startsWith("unnamed");
}

/**
 * The date column of an OHLC file: one named like a date, else an unnamed first column. Throws a
 * DataError at the header when there is none.
 */
export function ohlcDateColumn(h: Header): number {
  const named = h.names.findIndex((n) => DATE_NAMES.has(n));
  if (named >= 0) return named;
  if (firstColumnUnnamed(h)) return 0;
  throw new DataError(
    "no date column: expected one named Date, Datetime, Time or Timestamp, or an unnamed " +
      `first column (header: ${safeEcho(h.raw.join(h.delimiter))})`,
    h.where,
  );
}

/** Asset guessed from the symbol column of the first data rows (`BTC/USDT` → bitcoin). */
export function symbolAsset(h: Header, col: number): string | undefined {
  if (col < 0) return undefined;
  for (let i = h.index + 1; i < h.lines.length && i < h.index + 5; i++) {
    const cell = h.lines[i].split(h.delimiter)[col];
    if (cell && cell.trim()) {
      const base = cell.trim().split(/[/\-_:]/)[0];
      return assetFromFileName(base) ?? assetFromFileName(cell.trim().replace("/", ""));
    }
  }
  return undefined;
}
