/**
 * Candles in PostgreSQL (`candles`, keyed by source, asset, interval and ts). A write is one
 * transaction, under the series' advisory lock (writers of one series take turns), that splits
 * the rows by the series' stored span (its first and last stored ts):
 *
 * - rows before or after it (a first import, new bars appended, older history added) are
 *   certainly new: they are copied straight into `candles` by one binary COPY (copy_binary.ts:
 *   no number formatting or parsing on either side), sent piece by piece so that the server
 *   stores one piece while the next is encoded;
 * - rows within it go into a temporary staging table by binary COPY, and one `MERGE` inserts the
 *   new ones and updates the changed ones (`#merge` below).
 *
 * A ts given more than once is written once per occurrence, in turn, as row-by-row upserts (and
 * SQLite) would: {@link occurrenceRounds}.
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
      // writers of one series take turns, so that what is stored stays as read here
      await this.#db.lockKey(
        sql,
        `candles\u001f${key.source}\u001f${key.asset}\u001f${key.interval}`,
      );
      const now = this.#db.now();
      let inserted = 0, changed = 0;
      for (const round of occurrenceRounds(candles)) {
        const r = await this.#write(sql, key, round, now);
        inserted += r.inserted;
        changed += r.changed;
      }
      const range = span(candles);
      if (changed > 0) await noteSeries(sql, key, { ...range, inserted, now });
      await resolveLedgerPg(
        this.#db,
        { table: "candles", source: key.source, subject: key.asset, interval: key.interval },
        range,
        options.runId,
      );
      return { inserted, updated: changed - inserted, unchanged: candles.length - changed };
    });
  }

  /**
   * Writes `rows` (one per ts): those outside the stored span by COPY, the others by MERGE;
   * counts the rows inserted and the rows inserted or changed.
   */
  async #write(
    sql: Sql,
    key: SeriesKey,
    rows: readonly Candle[],
    now: number,
  ): Promise<{ inserted: number; changed: number }> {
    const { outside, inside } = split(rows, await this.#storedSpan(sql, key));
    let inserted = outside.length, changed = outside.length;
    if (outside.length > 0) {
      const encoder = new CandleCopy({
        texts: [key.source, key.asset, key.interval],
        trailingInt8: now,
      });
      await copyIn(sql, CANDLE_COLUMNS, encoder, outside);
    }
    if (inside.length > 0) {
      const merged = await this.#merge(sql, key, inside, now);
      inserted += merged.inserted;
      changed += merged.changed;
    }
    return { inserted, changed };
  }

  /** The first and last stored ts of the series, or `undefined` when it has none. */
  async #storedSpan(
    sql: Sql,
    key: SeriesKey,
  ): Promise<{ first: number; last: number } | undefined> {
    // two one-entry index reads (MIN/MAX can be planned as whole-series scans: quality.ts)
    const [r] = await sql`SELECT
      (SELECT ts FROM candles WHERE source = ${key.source} AND asset = ${key.asset}
         AND interval = ${key.interval} ORDER BY ts LIMIT 1) AS first,
      (SELECT ts FROM candles WHERE source = ${key.source} AND asset = ${key.asset}
         AND interval = ${key.interval} ORDER BY ts DESC LIMIT 1) AS last`;
    return r.first === null ? undefined : { first: Number(r.first), last: Number(r.last) };
  }

  /**
   * Stages `rows` (all within the series' stored span) and merges them in: new ones inserted,
   * changed ones updated, the rest left alone. One set-based MERGE (a hash join of the staged
   * rows and the stored range) instead of `INSERT … ON CONFLICT`, which probes the index row by
   * row (three times slower over 500,000 unchanged rows); safe because writers of the series
   * hold its lock. PostgreSQL 15's MERGE returns no rows, so the inserted ones are counted as
   * the growth of the stored range.
   */
  async #merge(
    sql: Sql,
    key: SeriesKey,
    rows: readonly Candle[],
    now: number,
  ): Promise<{ inserted: number; changed: number }> {
    await stage(sql, rows);
    const { from, to } = span(rows);
    const count = async () => {
      const [r] = await sql`SELECT count(*)::bigint AS n FROM candles WHERE source = ${key.source}
        AND asset = ${key.asset} AND interval = ${key.interval} AND ts BETWEEN ${from} AND ${to}`;
      return Number(r.n);
    };
    const before = await count();
    const r = await sql`
      MERGE INTO candles c USING mts_stage_candles s
      ON c.source = ${key.source} AND c.asset = ${key.asset} AND c.interval = ${key.interval}
        AND c.ts BETWEEN ${from} AND ${to} AND c.ts = s.ts
      WHEN MATCHED AND (c.open IS DISTINCT FROM s.open OR c.high IS DISTINCT FROM s.high
          OR c.low IS DISTINCT FROM s.low OR c.close IS DISTINCT FROM s.close
          OR c.volume IS DISTINCT FROM s.volume OR c.market_cap IS DISTINCT FROM s.market_cap)
        THEN UPDATE SET open = s.open, high = s.high, low = s.low, close = s.close,
          volume = s.volume, market_cap = s.market_cap, updated_at = ${now}
      WHEN NOT MATCHED THEN INSERT
        (source, asset, interval, ts, open, high, low, close, volume, market_cap, updated_at)
        VALUES (${key.source}, ${key.asset}, ${key.interval}, s.ts, s.open, s.high, s.low,
          s.close, s.volume, s.market_cap, ${now})`;
    const inserted = (await count()) - before;
    await sql`TRUNCATE mts_stage_candles`;
    return { inserted, changed: r.count };
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
    // the summary the writes keep (migration 7), not a GROUP BY over every candle
    const rows = await sql`
      SELECT source, asset, interval, row_count AS n, first_ts AS first, last_ts AS last,
             updated_at AS updated
      FROM candle_series
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

/**
 * Inside the write's transaction: the series' summary row (`candle_series`) after a write that
 * inserted `inserted` rows and changed some, its rows spanning `from`–`to`, at `now`.
 */
async function noteSeries(
  sql: Sql,
  key: SeriesKey,
  w: { from: number; to: number; inserted: number; now: number },
): Promise<void> {
  await sql`
    INSERT INTO candle_series AS s
      (source, asset, interval, row_count, first_ts, last_ts, updated_at)
    VALUES (${key.source}, ${key.asset}, ${key.interval}, ${w.inserted}, ${w.from}, ${w.to},
      ${w.now})
    ON CONFLICT (source, asset, interval) DO UPDATE SET
      row_count = s.row_count + excluded.row_count,
      first_ts = least(s.first_ts, excluded.first_ts),
      last_ts = greatest(s.last_ts, excluded.last_ts),
      updated_at = greatest(s.updated_at, excluded.updated_at)`;
}

/** The columns of `candles`, in the order {@link CandleCopy} writes a keyed row. */
const CANDLE_COLUMNS =
  "candles (source, asset, interval, ts, open, high, low, close, volume, market_cap, updated_at)";

/** The first and last ts of `rows` (not empty). */
function span(rows: readonly Candle[]): { from: number; to: number } {
  let from = Infinity, to = -Infinity;
  for (const c of rows) {
    if (c.ts < from) from = c.ts;
    if (c.ts > to) to = c.ts;
  }
  return { from, to };
}

/**
 * `rows` parted into those outside the stored span (before its first or after its last ts:
 * certainly new, copied straight in) and those inside it (merged).
 */
function split(
  rows: readonly Candle[],
  stored: { first: number; last: number } | undefined,
): { outside: readonly Candle[]; inside: readonly Candle[] } {
  const { from, to } = span(rows);
  if (stored === undefined || to < stored.first || from > stored.last) {
    return { outside: rows, inside: [] };
  }
  if (from >= stored.first && to <= stored.last) return { outside: [], inside: rows };
  const outside: Candle[] = [], inside: Candle[] = [];
  for (const c of rows) (c.ts < stored.first || c.ts > stored.last ? outside : inside).push(c);
  return { outside, inside };
}

/**
 * `candles` in rounds of one row per ts, applied in turn: the first occurrence of every ts, then
 * the second of those given twice, and so on — what row-by-row upserts would do (a ts given
 * twice counts twice, the last one given wins). Rows in increasing time order, the usual case,
 * are one round without further work.
 */
export function occurrenceRounds(candles: readonly Candle[]): readonly (readonly Candle[])[] {
  let increasing = true;
  for (let i = 1; i < candles.length && increasing; i++) {
    increasing = candles[i].ts > candles[i - 1].ts;
  }
  if (increasing) return [candles];
  const seen = new Map<number, number>();
  const rounds: Candle[][] = [];
  for (const c of candles) {
    const k = seen.get(c.ts) ?? 0;
    seen.set(c.ts, k + 1);
    (rounds[k] ??= []).push(c);
  }
  return rounds;
}
