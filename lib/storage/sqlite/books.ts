/**
 * Book resyncs and snapshots in SQLite (`book_resyncs`, `book_snapshots`).
 * @module
 */
import type { BookResyncRecord, BookSnapshotRecord, BookStore } from "../book_store.ts";
import type { SqliteDb } from "./db.ts";
import type { Row } from "./rows.ts";

type Filter = { exchange?: string; market?: string; symbol?: string; limit?: number };

const WHERE = `(?1 IS NULL OR exchange = ?1) AND (?2 IS NULL OR market = ?2)
  AND (?3 IS NULL OR symbol = ?3)`;

function args(f: Filter) {
  return [f.exchange ?? null, f.market ?? null, f.symbol ?? null, f.limit ?? -1] as const;
}

/** The order-book concern of the SQLite store. */
export class SqliteBooks implements BookStore {
  readonly #db: SqliteDb;

  /** Books of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async recordResyncs(records: readonly BookResyncRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    await this.#db.write(() => {
      const stmt = this.#db.stmt(
        `INSERT INTO book_resyncs (exchange, market, symbol, reason, missed, started_at, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const r of records) {
        stmt.run(
          r.exchange,
          r.market,
          r.symbol,
          r.reason,
          r.missed ?? null,
          r.startedAt,
          r.durationMs ?? null,
        );
      }
    });
    return records.length;
  }

  async recordBookSnapshots(records: readonly BookSnapshotRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    await this.#db.write(() => {
      const stmt = this.#db.stmt(
        `INSERT OR REPLACE INTO book_snapshots (exchange, market, symbol, ts, update_id, bids, asks)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const r of records) {
        stmt.run(
          r.exchange,
          r.market,
          r.symbol,
          r.ts,
          r.updateId,
          JSON.stringify(r.bids),
          JSON.stringify(r.asks),
        );
      }
    });
    return records.length;
  }

  listResyncs(filter: Filter = {}): Promise<BookResyncRecord[]> {
    const rows = this.#db.read(
      `SELECT * FROM book_resyncs WHERE ${WHERE} ORDER BY started_at DESC, id DESC LIMIT ?4`,
    ).all(...args(filter)) as Row[];
    return Promise.resolve(rows.map((r) => ({
      exchange: String(r.exchange),
      market: String(r.market),
      symbol: String(r.symbol),
      reason: String(r.reason),
      ...(r.missed === null ? {} : { missed: Number(r.missed) }),
      startedAt: Number(r.started_at),
      ...(r.duration_ms === null ? {} : { durationMs: Number(r.duration_ms) }),
    })));
  }

  listBookSnapshots(filter: Filter = {}): Promise<BookSnapshotRecord[]> {
    const rows = this.#db.read(
      `SELECT * FROM book_snapshots WHERE ${WHERE} ORDER BY ts DESC LIMIT ?4`,
    ).all(...args(filter)) as Row[];
    return Promise.resolve(rows.map((r) => ({
      exchange: String(r.exchange),
      market: String(r.market),
      symbol: String(r.symbol),
      ts: Number(r.ts),
      updateId: Number(r.update_id),
      bids: JSON.parse(String(r.bids)),
      asks: JSON.parse(String(r.asks)),
    })));
  }
}
