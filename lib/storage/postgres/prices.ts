/**
 * Candles in PostgreSQL (`candles`, keyed by source, asset, interval and ts). A write is one
 * transaction of multi-row upserts — `INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE
 * … WHERE changed`, {@link UPSERT_CHUNK} rows per statement, 11 array parameters whatever the
 * row count — with the ledger entries the rows fill resolved in the same transaction. Unlike
 * SQLite, nothing needs staging: the transaction is invisible to readers until it commits, and
 * it blocks no writer of other rows.
 * @module
 */
import type { Candle, SeriesKey } from "../../core/candle.ts";
import type { Interval } from "../../core/time.ts";
import type {
  PriceStore,
  SeriesSummary,
  TimeRange,
  UpsertResult,
  WriteOptions,
} from "../price_store.ts";
import { num } from "../sqlite/rows.ts";
import { numArray, type PgDb } from "./db.ts";
import { resolveLedgerPg } from "./quality.ts";

/** Rows per upsert statement. */
export const UPSERT_CHUNK = 20_000;

/** The price concern of the PostgreSQL store. */
export class PgPrices implements PriceStore {
  readonly #db: PgDb;

  /** Candles of `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  upsertCandles(
    key: SeriesKey,
    candles: readonly Candle[],
    options: WriteOptions = {},
  ): Promise<UpsertResult> {
    if (candles.length === 0) return Promise.resolve({ inserted: 0, updated: 0, unchanged: 0 });
    return this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      const now = this.#db.now();
      let inserted = 0, changed = 0, minTs = Infinity, maxTs = -Infinity;
      for (let start = 0; start < candles.length; start += UPSERT_CHUNK) {
        const part = candles.slice(start, start + UPSERT_CHUNK);
        const cols = columns(part);
        for (const t of cols.ts) {
          if (t < minTs) minTs = t;
          if (t > maxTs) maxTs = t;
        }
        const [r] = await sql`
          WITH w AS (
            INSERT INTO candles AS c
              (source, asset, interval, ts, open, high, low, close, volume, market_cap, updated_at)
            SELECT ${key.source}, ${key.asset}, ${key.interval}, u.*, ${now}::bigint
            FROM unnest(${numArray(cols.ts)}::bigint[], ${numArray(cols.open)}::float8[], ${
          numArray(cols.high)
        }::float8[],
                        ${numArray(cols.low)}::float8[], ${numArray(cols.close)}::float8[], ${
          numArray(cols.volume)
        }::float8[],
                        ${numArray(cols.marketCap)}::float8[]) AS u
            ON CONFLICT (source, asset, interval, ts) DO UPDATE SET
              open = excluded.open, high = excluded.high, low = excluded.low,
              close = excluded.close, volume = excluded.volume, market_cap = excluded.market_cap,
              updated_at = excluded.updated_at
            WHERE c.open IS DISTINCT FROM excluded.open OR c.high IS DISTINCT FROM excluded.high
               OR c.low IS DISTINCT FROM excluded.low OR c.close IS DISTINCT FROM excluded.close
               OR c.volume IS DISTINCT FROM excluded.volume
               OR c.market_cap IS DISTINCT FROM excluded.market_cap
            RETURNING (xmax = 0) AS fresh)
          SELECT count(*) FILTER (WHERE fresh)::int AS inserted, count(*)::int AS changed FROM w`;
        inserted += Number(r.inserted);
        changed += Number(r.changed);
      }
      await resolveLedgerPg(
        this.#db,
        { table: "candles", source: key.source, subject: key.asset, interval: key.interval },
        { from: minTs, to: maxTs },
        options.runId,
      );
      return { inserted, updated: changed - inserted, unchanged: candles.length - changed };
    });
  }

  async getCandles(key: SeriesKey, range: TimeRange = {}): Promise<Candle[]> {
    const sql = await this.#db.sql();
    const rows = await sql`
      SELECT ts, open, high, low, close, volume, market_cap FROM candles
      WHERE source = ${key.source} AND asset = ${key.asset} AND interval = ${key.interval}
        AND ts >= ${range.from ?? Number.MIN_SAFE_INTEGER}
        AND ts <= ${range.to ?? Number.MAX_SAFE_INTEGER}
      ORDER BY ts`;
    return rows.map((r) => ({
      ts: Number(r.ts),
      open: num(r.open),
      high: num(r.high),
      low: num(r.low),
      close: Number(r.close),
      volume: num(r.volume),
      marketCap: num(r.market_cap),
    }));
  }

  async listSeries(): Promise<SeriesSummary[]> {
    const sql = await this.#db.sql();
    const rows = await sql`
      SELECT source, asset, interval, COUNT(*)::bigint AS n, MIN(ts) AS first, MAX(ts) AS last,
             MAX(updated_at) AS updated
      FROM candles GROUP BY source, asset, interval
      ORDER BY asset COLLATE "C", source COLLATE "C", interval COLLATE "C"`;
    return rows.map((r) => ({
      source: String(r.source),
      asset: String(r.asset),
      interval: String(r.interval) as Interval,
      count: Number(r.n),
      firstTs: Number(r.first),
      lastTs: Number(r.last),
      updatedAt: Number(r.updated),
    }));
  }
}

/** A number to store, or NULL for `undefined` and `NaN`. */
const nul = (v: number | undefined): number | null => v === undefined || Number.isNaN(v) ? null : v;

/** The candles as one array per column (what `unnest` takes). */
function columns(candles: readonly Candle[]) {
  const n = candles.length;
  const cols = {
    ts: new Array<number>(n),
    open: new Array<number | null>(n),
    high: new Array<number | null>(n),
    low: new Array<number | null>(n),
    close: new Array<number>(n),
    volume: new Array<number | null>(n),
    marketCap: new Array<number | null>(n),
  };
  for (let i = 0; i < n; i++) {
    const c = candles[i];
    cols.ts[i] = c.ts;
    cols.open[i] = nul(c.open);
    cols.high[i] = nul(c.high);
    cols.low[i] = nul(c.low);
    cols.close[i] = c.close;
    cols.volume[i] = nul(c.volume);
    cols.marketCap[i] = nul(c.marketCap);
  }
  return cols;
}
