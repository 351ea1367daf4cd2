/**
 * The order-book concern of the store (`deno task stream`): every resync of a live book — which
 * book, why, how many update ids a gap skipped, when it started and how long the rebuild took —
 * and, when asked for (`--snapshot-every`), periodic top-N snapshots of the books.
 * @module
 */

/** One resync of one book. */
export interface BookResyncRecord {
  /** `binance` or `bybit`. */
  exchange: string;
  /** `spot` or `perp`. */
  market: string;
  /** Symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** `gap`, `backwards`, `crossed`, `reconnect`, `snapshot` or `restart`. */
  reason: string;
  /** Update ids a gap skipped, when known. */
  missed?: number;
  /** When the book lost sync, UTC ms. */
  startedAt: number;
  /** How long the rebuild took, ms; absent when the run ended before the book was live again. */
  durationMs?: number;
}

/** A top-N snapshot of one book. */
export interface BookSnapshotRecord {
  /** `binance` or `bybit`. */
  exchange: string;
  /** `spot` or `perp`. */
  market: string;
  /** Symbol. */
  symbol: string;
  /** When it was taken, UTC ms. */
  ts: number;
  /** The `u` of the last applied message. */
  updateId: number;
  /** Best bids first, as the exchange's decimal strings. */
  bids: readonly (readonly [string, string])[];
  /** Best asks first. */
  asks: readonly (readonly [string, string])[];
}

/** Which books a listing covers (every field optional; `limit` caps the rows, newest first). */
export interface BookFilter {
  /** `binance` or `bybit`. */
  exchange?: string;
  /** `spot` or `perp`. */
  market?: string;
  /** The exchange's symbol, e.g. `BTCUSDT`. */
  symbol?: string;
  /** At most this many rows. */
  limit?: number;
}

/** Reads and writes resyncs and book snapshots. */
export interface BookStore {
  /** Appends resync records; resolves to the number written. */
  recordResyncs(records: readonly BookResyncRecord[]): Promise<number>;
  /** Appends book snapshots (a repeated book and time replaces the earlier one). */
  recordBookSnapshots(records: readonly BookSnapshotRecord[]): Promise<number>;
  /** Resyncs, newest first, optionally of one exchange/market/symbol. */
  listResyncs(filter?: BookFilter): Promise<BookResyncRecord[]>;
  /** Book snapshots, newest first. */
  listBookSnapshots(filter?: BookFilter): Promise<BookSnapshotRecord[]>;
}
