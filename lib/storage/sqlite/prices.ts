/**
 * Candles in SQLite (`candles`, keyed by source, asset, interval and ts). Small writes are one
 * transaction; large ones are staged in bounded chunks and published at once (staging.ts).
 * Either way, the ledger entries the new rows fill are resolved in the same transaction.
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
import type { SqliteDb } from "./db.ts";
import { type LedgerTarget, resolveLedger } from "./quality.ts";
import { nul, num, type Row } from "./rows.ts";
import { type CandleStaging, STAGE_MIN_ROWS } from "./staging.ts";
import { VISIBLE } from "./visibility.ts";

/** Rows per multi-row upsert statement (11 parameters each, well under SQLite's limit). */
const UPSERT_BATCH = 500;

const upsertSqlCache = new Map<number, string>();

/**
 * `INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE … WHERE changed` for `n` candles. A row that a
 * staged batch holds hidden is taken over (made visible with these values) even if unchanged.
 */
function upsertSql(n: number): string {
  let sql = upsertSqlCache.get(n);
  if (!sql) {
    sql =
      `INSERT INTO candles (source, asset, interval, ts, open, high, low, close, volume, market_cap, updated_at)
       VALUES ${Array(n).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
       ON CONFLICT (source, asset, interval, ts) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         volume = excluded.volume, market_cap = excluded.market_cap, updated_at = excluded.updated_at,
         batch = NULL
       WHERE open IS NOT excluded.open OR high IS NOT excluded.high OR low IS NOT excluded.low
          OR close IS NOT excluded.close OR volume IS NOT excluded.volume
          OR market_cap IS NOT excluded.market_cap
          OR batch IN (SELECT id FROM candle_batches)`;
    upsertSqlCache.set(n, sql);
  }
  return sql;
}

/** The price concern of the SQLite store. */
export class SqlitePrices implements PriceStore {
  readonly #db: SqliteDb;
  readonly #staging: CandleStaging;

  /** Candles of `db`; large writes go through `staging`. */
  constructor(db: SqliteDb, staging: CandleStaging) {
    this.#db = db;
    this.#staging = staging;
  }

  async upsertCandles(
    key: SeriesKey,
    candles: readonly Candle[],
    options: WriteOptions = {},
  ): Promise<UpsertResult> {
    if (candles.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    if (candles.length >= STAGE_MIN_ROWS && !this.#db.isMemory) {
      // Staging needs an outermost unit of work that has not written yet: make one if needed.
      if (!this.#db.inTransaction) {
        return await this.#db.transaction(() => this.upsertCandles(key, candles, options));
      }
      if (this.#db.canCommitChunks) {
        const staged = await this.#staging.upsert(key, candles, options.runId);
        if (staged) return staged;
      }
    }
    return await this.#db.write(() => this.#upsertDirect(key, candles, options.runId));
  }

  getCandles(key: SeriesKey, range: TimeRange = {}): Promise<Candle[]> {
    const rows = this.#db.read(
      `SELECT ts, open, high, low, close, volume, market_cap FROM candles
       WHERE source = ? AND asset = ? AND interval = ? AND ts >= ? AND ts <= ? AND ${VISIBLE}
       ORDER BY ts`,
    ).all(
      key.source,
      key.asset,
      key.interval,
      range.from ?? Number.MIN_SAFE_INTEGER,
      range.to ?? Number.MAX_SAFE_INTEGER,
    ) as Row[];
    return Promise.resolve(rows.map((r) => ({
      ts: Number(r.ts),
      open: num(r.open),
      high: num(r.high),
      low: num(r.low),
      close: Number(r.close),
      volume: num(r.volume),
      marketCap: num(r.market_cap),
    })));
  }

  listSeries(): Promise<SeriesSummary[]> {
    const rows = this.#db.read(
      `SELECT source, asset, interval, COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last,
              MAX(updated_at) AS updated
       FROM candles WHERE ${VISIBLE}
       GROUP BY source, asset, interval ORDER BY asset, source, interval`,
    ).all() as Row[];
    return Promise.resolve(rows.map((r) => ({
      source: String(r.source),
      asset: String(r.asset),
      interval: String(r.interval) as Interval,
      count: Number(r.n),
      firstTs: Number(r.first),
      lastTs: Number(r.last),
      updatedAt: Number(r.updated),
    })));
  }

  /** Inside a write block: multi-row upserts, then the ledger. */
  #upsertDirect(key: SeriesKey, candles: readonly Candle[], runId?: number): UpsertResult {
    const now = this.#db.now();
    let minTs = Infinity, maxTs = -Infinity;
    for (const c of candles) {
      if (c.ts < minTs) minTs = c.ts;
      if (c.ts > maxTs) maxTs = c.ts;
    }
    const count = this.#db.stmt(
      `SELECT COUNT(*) AS n FROM candles
       WHERE source = ? AND asset = ? AND interval = ? AND ts BETWEEN ? AND ? AND ${VISIBLE}`,
    );
    const rows = () =>
      Number((count.get(key.source, key.asset, key.interval, minTs, maxTs) as Row).n);
    // A row is written only when it is new, differs, or is taken over from a hidden batch, so
    // `changes` counts inserted + updated rows, and the visible row count before and after tells
    // the two apart.
    const before = rows();
    let changes = 0;
    const args: (string | number | null)[] = [];
    for (let start = 0, end = 0; start < candles.length; start = end) {
      // Full batches, then power-of-two chunks, so that at most ~10 statements are prepared.
      const left = candles.length - start;
      end = start + (left >= UPSERT_BATCH ? UPSERT_BATCH : 2 ** Math.floor(Math.log2(left)));
      args.length = 0;
      for (let i = start; i < end; i++) {
        const c = candles[i];
        args.push(key.source, key.asset, key.interval, c.ts, nul(c.open), nul(c.high));
        args.push(nul(c.low), c.close, nul(c.volume), nul(c.marketCap), now);
      }
      changes += Number(this.#db.stmt(upsertSql(end - start)).run(...args).changes);
    }
    const inserted = rows() - before;
    resolveLedger(this.#db, candleTarget(key), { from: minTs, to: maxTs }, runId);
    return { inserted, updated: changes - inserted, unchanged: candles.length - changes };
  }
}

/** The ledger target of a candle series. */
export function candleTarget(key: SeriesKey): LedgerTarget {
  return {
    table: "candles",
    source: key.source,
    subject: key.asset,
    interval: key.interval,
  };
}
