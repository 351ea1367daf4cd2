/**
 * Book resyncs and snapshots in PostgreSQL (`book_resyncs`, `book_snapshots`), as in SQLite
 * (`../sqlite/books.ts`): levels kept as the exchange's decimal strings (JSON text).
 * @module
 */
import type { BookResyncRecord, BookSnapshotRecord, BookStore } from "../book_store.ts";
import type { PgDb, Sql } from "./db.ts";

type Filter = { exchange?: string; market?: string; symbol?: string; limit?: number };

function where(sql: Sql, f: Filter) {
  const e = f.exchange ?? null, m = f.market ?? null, s = f.symbol ?? null;
  return sql`(${e}::text IS NULL OR exchange = ${e}) AND (${m}::text IS NULL OR market = ${m})
    AND (${s}::text IS NULL OR symbol = ${s})`;
}

/** The order-book concern of the PostgreSQL store. */
export class PgBooks implements BookStore {
  readonly #db: PgDb;

  /** Books of `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  async recordResyncs(records: readonly BookResyncRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    await this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      for (const r of records) {
        await sql`INSERT INTO book_resyncs
          (exchange, market, symbol, reason, missed, started_at, duration_ms)
          VALUES (${r.exchange}, ${r.market}, ${r.symbol}, ${r.reason}, ${r.missed ?? null},
                  ${r.startedAt}, ${r.durationMs ?? null})`;
      }
    });
    return records.length;
  }

  async recordBookSnapshots(records: readonly BookSnapshotRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    await this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      for (const r of records) {
        await sql`INSERT INTO book_snapshots (exchange, market, symbol, ts, update_id, bids, asks)
          VALUES (${r.exchange}, ${r.market}, ${r.symbol}, ${r.ts}, ${r.updateId},
                  ${JSON.stringify(r.bids)}, ${JSON.stringify(r.asks)})
          ON CONFLICT (exchange, market, symbol, ts) DO UPDATE SET
            update_id = excluded.update_id, bids = excluded.bids, asks = excluded.asks`;
      }
    });
    return records.length;
  }

  async listResyncs(filter: Filter = {}): Promise<BookResyncRecord[]> {
    const sql = await this.#db.sql();
    const rows = await sql`SELECT * FROM book_resyncs WHERE ${where(sql, filter)}
      ORDER BY started_at DESC, id DESC LIMIT ${filter.limit ?? null}`;
    return rows.map((r) => ({
      exchange: String(r.exchange),
      market: String(r.market),
      symbol: String(r.symbol),
      reason: String(r.reason),
      ...(r.missed === null ? {} : { missed: Number(r.missed) }),
      startedAt: Number(r.started_at),
      ...(r.duration_ms === null ? {} : { durationMs: Number(r.duration_ms) }),
    }));
  }

  async listBookSnapshots(filter: Filter = {}): Promise<BookSnapshotRecord[]> {
    const sql = await this.#db.sql();
    const rows = await sql`SELECT * FROM book_snapshots WHERE ${where(sql, filter)}
      ORDER BY ts DESC LIMIT ${filter.limit ?? null}`;
    return rows.map((r) => ({
      exchange: String(r.exchange),
      market: String(r.market),
      symbol: String(r.symbol),
      ts: Number(r.ts),
      updateId: Number(r.update_id),
      bids: JSON.parse(String(r.bids)),
      asks: JSON.parse(String(r.asks)),
    }));
  }
}
