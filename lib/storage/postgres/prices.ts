/**
 * Candles in PostgreSQL (`candles`, keyed by source, asset, interval and ts). A write is one
 * transaction, under the series' advisory lock (writers of one series take turns):
 *
 * - rows for a time range where the series has nothing yet (a first import, new bars appended)
 *   are copied straight into `candles` by one binary COPY (copy_binary.ts: no number formatting
 *   or parsing on either side), sent piece by piece so that the server stores one piece while
 *   the next is encoded;
 * - otherwise they go into a temporary staging table by binary COPY, then one
 *   `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE changed` upserts them all and counts what it
 *   inserted and changed.
 *
 * The ledger entries the rows fill are resolved in the same transaction. Unlike SQLite, nothing
 * needs publishing in chunks: the transaction is invisible to readers until it commits, a failed
 * one leaves nothing, and it blocks no writer of other rows.
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
import { CandleCopy } from "./copy_binary.ts";
import type { PgDb, Sql } from "./db.ts";
import { resolveLedgerPg } from "./quality.ts";

/**
 * Rows per piece of a binary COPY stream (about 1.5 MB): small enough that encoding the next
 * piece overlaps the server storing this one, large enough that per-message costs vanish.
 */
export const COPY_CHUNK = 16_384;

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
      const rows = lastPerTs(candles);
      let minTs = Infinity, maxTs = -Infinity;
      for (const c of rows) {
        if (c.ts < minTs) minTs = c.ts;
        if (c.ts > maxTs) maxTs = c.ts;
      }
      // writers of one series take turns, so that "nothing stored in this range yet" stays true
      await this.#db.lockKey(
        sql,
        `candles\u001f${key.source}\u001f${key.asset}\u001f${key.interval}`,
      );
      let counts: { inserted: number; changed: number };
      if (await this.#isFresh(sql, key, minTs, maxTs)) {
        await copyIn(
          sql,
          "candles (source, asset, interval, ts, open, high, low, close, volume, market_cap, " +
            "updated_at)",
          new CandleCopy({
            texts: [key.source, key.asset, key.interval],
            trailingInt8: this.#db.now(),
          }),
          rows,
        );
        counts = { inserted: rows.length, changed: rows.length };
      } else {
        await stage(sql, rows);
        counts = await this.#upsert(sql, key);
        await sql`TRUNCATE mts_stage_candles`;
      }
      await resolveLedgerPg(
        this.#db,
        { table: "candles", source: key.source, subject: key.asset, interval: key.interval },
        { from: minTs, to: maxTs },
        options.runId,
      );
      // a ts given twice counts once as written, like a row rewritten with its own values
      const { inserted, changed } = counts;
      return { inserted, updated: changed - inserted, unchanged: candles.length - changed };
    });
  }

  /** True when the series has no row in `[from, to]`: the rows can simply be inserted. */
  async #isFresh(sql: Sql, key: SeriesKey, from: number, to: number): Promise<boolean> {
    const rows = await sql`SELECT 1 FROM candles WHERE source = ${key.source}
      AND asset = ${key.asset} AND interval = ${key.interval} AND ts BETWEEN ${from} AND ${to}
      LIMIT 1`;
    return rows.length === 0;
  }

  /** Upserts the staged rows: new ones inserted, changed ones updated, the rest left alone. */
  async #upsert(sql: Sql, key: SeriesKey): Promise<{ inserted: number; changed: number }> {
    const [r] = await sql`
        WITH w AS (
          INSERT INTO candles AS c
            (source, asset, interval, ts, open, high, low, close, volume, market_cap, updated_at)
        SELECT ${key.source}, ${key.asset}, ${key.interval}, s.*, ${this.#db.now()}::bigint
        FROM mts_stage_candles s
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
    return { inserted: Number(r.inserted), changed: Number(r.changed) };
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

/**
 * Copies `rows` into this connection's staging table (a temporary table, emptied at commit).
 */
async function stage(sql: Sql, rows: readonly Candle[]): Promise<void> {
  await sql`CREATE TEMP TABLE IF NOT EXISTS mts_stage_candles (
    ts bigint, open float8, high float8, low float8, close float8, volume float8,
    market_cap float8) ON COMMIT DELETE ROWS`;
  await sql`TRUNCATE mts_stage_candles`;
  await copyIn(sql, "mts_stage_candles", new CandleCopy(), rows);
}

/**
 * One binary `COPY target FROM STDIN` of `rows`, encoded and sent {@link COPY_CHUNK} rows at a
 * time: each piece is handed to the socket before the next is encoded. Resolves once the server
 * has stored them all; rejects with the server's error (the transaction is then aborted).
 */
async function copyIn(
  sql: Sql,
  target: string,
  encoder: CandleCopy,
  rows: readonly Candle[],
): Promise<void> {
  const query = sql.unsafe(`COPY ${target} FROM STDIN (FORMAT binary)`);
  let fail: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => fail = reject);
  failed.catch(() => {});
  // postgres.js 3.4.9 never settles the writable of a COPY that the server rejects after the
  // last piece was sent (porsager/postgres#1173): the error only reaches the query, whose
  // promise has already resolved with the stream, and the caller would wait forever inside its
  // transaction. Hear it there too.
  const q = query as unknown as { reject: (e: unknown) => void };
  const reject = q.reject;
  q.reject = (e) => {
    fail(e);
    reject(e);
  };
  const stream = await query.writable();
  const done = new Promise<void>((resolve, reject) => {
    stream.on("error", (e: Error) => fail(e));
    stream.on("finish", resolve);
    failed.catch(reject);
    const send = (from: number) => {
      const to = Math.min(rows.length, from + COPY_CHUNK);
      const piece = encoder.encode(rows, from, to, from === 0, to === rows.length);
      if (to === rows.length) stream.end(piece);
      else stream.write(piece, (e) => e ? fail(e) : send(to));
    };
    send(0);
  });
  await Promise.race([done, failed]);
}

/** `candles` with one row per ts, the last given winning (what row-by-row upserts would leave). */
function lastPerTs(candles: readonly Candle[]): readonly Candle[] {
  const seen = new Set<number>();
  let dup = false;
  for (const c of candles) {
    if (seen.has(c.ts)) {
      dup = true;
      break;
    }
    seen.add(c.ts);
  }
  if (!dup) return candles;
  const last = new Map<number, Candle>();
  for (const c of candles) last.set(c.ts, c);
  return [...last.values()];
}
