/**
 * Large candle writes, staged in bounded chunks and published at once.
 *
 * A write of many rows in one SQLite transaction holds the write lock for seconds (about 1.5 s
 * per million rows), and every other writer waits. Instead, the rows are written in chunks of
 * {@link STAGE_CHUNK_ROWS}, each its own short transaction, as rows tagged with an open *batch*
 * that every read leaves out (visibility.ts). Rows that were already stored are not touched:
 * where the new values differ, they go to `candle_batch_updates`. The enclosing unit of work
 * publishes the batch when it commits, in one short transaction: it applies the updates and
 * deletes the batch row, which makes every staged row visible at once. If the unit rolls back,
 * the staged rows are deleted in chunks. So readers see all of it or none, and other writers
 * wait at most one chunk.
 *
 * Concurrent writers stay correct: a direct write to a row that a batch holds hidden takes the
 * row over (it becomes a normal, visible row with the direct writer's values); a second large
 * write to a series that already has a batch open writes directly instead. A batch whose owner
 * died (see leases.ts) is deleted by the next writer of that series, and by
 * `closeAbandonedRuns`.
 * @module
 */
import type { Candle, SeriesKey } from "../../core/candle.ts";
import type { UpsertResult } from "../price_store.ts";
import type { ChunkCommit, SqliteDb } from "./db.ts";
import type { Leases } from "./leases.ts";
import { Mutex } from "./mutex.ts";
import { YIELD_TO_WAITERS_MS } from "./write_lock.ts";
import { nul, optNum, type Row } from "./rows.ts";

/** Rows per staged chunk: one chunk holds the write lock for tens of milliseconds. */
export const STAGE_CHUNK_ROWS = 50_000;

/** Writes of at least this many rows are staged; smaller ones go in one transaction. */
export const STAGE_MIN_ROWS = 20_000;

/** Rows per multi-row insert into the staging table (7 parameters each). */
const FILL_BATCH = 500;

const VALUE_COLUMNS = "open, high, low, close, volume, market_cap";
const DIFFERS = ["open", "high", "low", "close", "volume", "market_cap"]
  .map((c) => `c.${c} IS NOT s.${c}`).join(" OR ");

/** An open batch of this store. */
interface Batch {
  id: number;
  key: SeriesKey;
  minTs: number;
  maxTs: number;
  runId?: number;
  settled: boolean;
}

/** Stages large candle writes (see the module doc). */
export class CandleStaging {
  readonly #db: SqliteDb;
  readonly #leases: Leases;
  readonly #onPublished: (
    key: SeriesKey,
    range: { from: number; to: number },
    runId?: number,
  ) => void;
  readonly #active = new Set<number>();
  readonly #stagingTable = new Mutex();

  /** `onPublished` runs inside the publishing transaction (the ledger resolves there). */
  constructor(
    db: SqliteDb,
    leases: Leases,
    onPublished: (key: SeriesKey, range: { from: number; to: number }, runId?: number) => void,
  ) {
    this.#db = db;
    this.#leases = leases;
    this.#onPublished = onPublished;
  }

  /**
   * Stages `candles` for publication when the current outermost transaction commits (it must
   * not have written yet: see {@link SqliteDb.canCommitChunks}). Returns `undefined`, having
   * written nothing, when another batch is open on the series; the caller then writes directly.
   */
  async upsert(
    key: SeriesKey,
    candles: readonly Candle[],
    runId?: number,
  ): Promise<UpsertResult | undefined> {
    const rows = sortedUnique(candles);
    await this.abortDeadBatches(key, (fn) => this.#chunk(fn));
    const owner = await this.#leases.acquire();
    const batch: Batch = {
      id: 0,
      key,
      minTs: rows[0].ts,
      maxTs: rows[rows.length - 1].ts,
      runId,
      settled: false,
    };
    const id = await this.#chunk(() => this.#open(batch, owner));
    if (id === undefined) {
      this.#leases.release();
      return undefined;
    }
    batch.id = id;
    this.#active.add(id);
    this.#db.onCommit(() => this.#publish(batch));
    this.#db.onRollback(async (commit) => {
      try {
        await abortBatch(this.#db, batch, commit);
      } finally {
        this.#settle(batch);
      }
    });
    let inserted = 0, updated = 0;
    for (let start = 0; start < rows.length; start += STAGE_CHUNK_ROWS) {
      const end = Math.min(rows.length, start + STAGE_CHUNK_ROWS);
      // Into a stretch of the series with no stored row, rows go straight in (the common case of
      // a first import, and the fastest); elsewhere through the staging table, to compare.
      // The staging table is the connection's: one chunk at a time uses it, from fill to commit.
      const release = await this.#stagingTable.lock();
      let r: { inserted: number; updated: number };
      try {
        const fresh = !this.#hasRows(key, rows[start].ts, rows[end - 1].ts);
        if (!fresh) this.#fill(rows, start, end);
        r = await this.#chunk(() => {
          if (fresh && !this.#hasRows(key, rows[start].ts, rows[end - 1].ts)) {
            return { inserted: this.#insertFresh(batch, rows, start, end), updated: 0 };
          }
          if (fresh) this.#fill(rows, start, end);
          return this.#stageChunk(batch);
        });
      } finally {
        release();
      }
      inserted += r.inserted;
      updated += r.updated;
      // Let timers (the lease heartbeat) run between chunks, and writers of other processes that
      // wait for the lock take it (they wait at most about one chunk).
      const pause = this.#db.othersWaiting() ? YIELD_TO_WAITERS_MS : 0;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    return { inserted, updated, unchanged: rows.length - inserted - updated };
  }

  /**
   * Deletes the batches whose owner is gone — of one series, or of all — each chunk committed
   * with `commit`.
   */
  async abortDeadBatches(key: SeriesKey | undefined, commit: ChunkCommit): Promise<number> {
    const rows = this.#db.read(
      `SELECT * FROM candle_batches
       WHERE ?1 IS NULL OR (source = ?1 AND asset = ?2 AND interval = ?3)`,
    ).all(key?.source ?? null, key?.asset ?? null, key?.interval ?? null) as Row[];
    let aborted = 0;
    for (const r of rows) {
      if (this.#isLive(Number(r.id), String(r.owner))) continue;
      await abortBatch(this.#db, batchOf(r), commit);
      aborted++;
    }
    return aborted;
  }

  /**
   * Commits `fn` as a chunk of its own; once something else in the unit has taken the write lock
   * (a concurrent step of the same transaction), as a step of the unit instead — the rows stay
   * hidden until the unit commits either way.
   */
  #chunk<T>(fn: () => T): Promise<T> {
    return this.#db.canCommitChunks ? this.#db.commitChunk(fn) : this.#db.write(fn);
  }

  #isLive(id: number, owner: string): boolean {
    return owner === this.#leases.token ? this.#active.has(id) : this.#leases.isAlive(owner);
  }

  /** In a chunk transaction: opens the batch unless the series already has one. */
  #open(b: Batch, owner: string): number | undefined {
    const other = this.#db.stmt(
      "SELECT 1 FROM candle_batches WHERE source = ? AND asset = ? AND interval = ? LIMIT 1",
    ).get(b.key.source, b.key.asset, b.key.interval);
    if (other) return undefined;
    const id = Number(
      this.#db.stmt(
        `INSERT INTO candle_batches (owner, source, asset, interval, min_ts, max_ts, run_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        owner,
        b.key.source,
        b.key.asset,
        b.key.interval,
        b.minTs,
        b.maxTs,
        b.runId ?? null,
        this.#db.now(),
      ).lastInsertRowid,
    );
    this.#db.stmt("INSERT INTO temp.own_batches (id) VALUES (?)").run(id);
    return id;
  }

  /** Copies rows `[start, end)` into the staging table; writes no shared table, takes no lock. */
  #fill(rows: readonly Candle[], start: number, end: number): void {
    this.#db.exec("DELETE FROM temp.stage_candles");
    const args: (number | null)[] = [];
    for (let i = start; i < end;) {
      const left = end - i;
      const n = left >= FILL_BATCH ? FILL_BATCH : 2 ** Math.floor(Math.log2(left));
      args.length = 0;
      for (let j = i; j < i + n; j++) {
        const c = rows[j];
        args.push(c.ts, nul(c.open), nul(c.high), nul(c.low), c.close, nul(c.volume));
        args.push(nul(c.marketCap));
      }
      this.#db.stmt(fillSql(n)).run(...args);
      i += n;
    }
  }

  /** True when the series has a row (hidden ones included) in `[from, to]`. */
  #hasRows(key: SeriesKey, from: number, to: number): boolean {
    return this.#db.stmt(
      `SELECT 1 FROM candles WHERE source = ? AND asset = ? AND interval = ? AND ts BETWEEN ? AND ?
       LIMIT 1`,
    ).get(key.source, key.asset, key.interval, from, to) !== undefined;
  }

  /** In a chunk transaction, where the series has no row: rows `[start, end)` go in hidden. */
  #insertFresh(b: Batch, rows: readonly Candle[], start: number, end: number): number {
    const { source, asset, interval } = b.key;
    const now = this.#db.now();
    const args: (string | number | null)[] = [];
    let inserted = 0;
    for (let i = start; i < end;) {
      const left = end - i;
      const n = left >= FILL_BATCH ? FILL_BATCH : 2 ** Math.floor(Math.log2(left));
      args.length = 0;
      for (let j = i; j < i + n; j++) {
        const c = rows[j];
        args.push(source, asset, interval, c.ts, nul(c.open), nul(c.high), nul(c.low), c.close);
        args.push(nul(c.volume), nul(c.marketCap), now, b.id);
      }
      inserted += Number(this.#db.stmt(freshSql(n)).run(...args).changes);
      i += n;
    }
    return inserted;
  }

  /**
   * In a chunk transaction: new rows go in hidden; changed values of stored rows are kept aside.
   * One lookup per staged row sorts them (new, changed, or unchanged and left alone).
   */
  #stageChunk(b: Batch): { inserted: number; updated: number } {
    const { source, asset, interval } = b.key;
    this.#db.stmt(
      `INSERT INTO temp.stage_kind (ts, changed)
       SELECT s.ts, c.ts IS NOT NULL FROM temp.stage_candles s
       LEFT JOIN candles c ON c.source = ?1 AND c.asset = ?2 AND c.interval = ?3 AND c.ts = s.ts
       WHERE c.ts IS NULL OR (c.batch IS NOT ?4 AND (${DIFFERS}))`,
    ).run(source, asset, interval, b.id);
    const inserted = Number(
      this.#db.stmt(
        `INSERT INTO candles (source, asset, interval, ts, ${VALUE_COLUMNS}, updated_at, batch)
         SELECT ?1, ?2, ?3, s.ts, s.open, s.high, s.low, s.close, s.volume, s.market_cap, ?4, ?5
         FROM temp.stage_kind k CROSS JOIN temp.stage_candles s ON s.ts = k.ts
         WHERE k.changed = 0
         ON CONFLICT (source, asset, interval, ts) DO NOTHING`,
      ).run(source, asset, interval, this.#db.now(), b.id).changes,
    );
    const updated = Number(
      this.#db.stmt(
        `INSERT INTO candle_batch_updates (batch, ts, ${VALUE_COLUMNS})
         SELECT ?1, s.ts, s.open, s.high, s.low, s.close, s.volume, s.market_cap
         FROM temp.stage_kind k CROSS JOIN temp.stage_candles s ON s.ts = k.ts
         WHERE k.changed = 1
         ON CONFLICT (batch, ts) DO UPDATE SET open = excluded.open, high = excluded.high,
           low = excluded.low, close = excluded.close, volume = excluded.volume,
           market_cap = excluded.market_cap`,
      ).run(b.id).changes,
    );
    this.#db.exec("DELETE FROM temp.stage_kind; DELETE FROM temp.stage_candles;");
    return { inserted, updated };
  }

  /** In the unit's final transaction: applies the kept-aside values and unhides the batch. */
  #publish(b: Batch): void {
    const { source, asset, interval } = b.key;
    this.#db.stmt(
      `INSERT INTO candles (source, asset, interval, ts, ${VALUE_COLUMNS}, updated_at, batch)
       SELECT ?1, ?2, ?3, ts, ${VALUE_COLUMNS}, ?4, NULL FROM candle_batch_updates WHERE batch = ?5
       ON CONFLICT (source, asset, interval, ts) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         volume = excluded.volume, market_cap = excluded.market_cap,
         updated_at = excluded.updated_at, batch = NULL`,
    ).run(source, asset, interval, this.#db.now(), b.id);
    dropBatchRows(this.#db, b.id);
    this.#onPublished(b.key, { from: b.minTs, to: b.maxTs }, b.runId);
    this.#settle(b);
  }

  #settle(b: Batch): void {
    if (b.settled) return;
    b.settled = true;
    this.#active.delete(b.id);
    this.#leases.release();
  }
}

/** Deletes a batch's hidden rows chunk by chunk, then the batch itself. */
async function abortBatch(db: SqliteDb, b: Batch, commit: ChunkCommit): Promise<void> {
  const { source, asset, interval } = b.key;
  let cursor = b.minTs - 1;
  for (let done = false; !done;) {
    done = await commit(() => {
      const rows = db.stmt(
        `SELECT ts FROM candles
         WHERE source = ? AND asset = ? AND interval = ? AND ts > ? AND ts <= ? AND batch = ?
         ORDER BY ts LIMIT ${STAGE_CHUNK_ROWS}`,
      ).all(source, asset, interval, cursor, b.maxTs, b.id) as Row[];
      if (rows.length === 0) {
        dropBatchRows(db, b.id);
        return true;
      }
      const upto = Number(rows[rows.length - 1].ts);
      db.stmt(
        `DELETE FROM candles
         WHERE source = ? AND asset = ? AND interval = ? AND ts > ? AND ts <= ? AND batch = ?`,
      ).run(source, asset, interval, cursor, upto, b.id);
      cursor = upto;
      return false;
    });
  }
}

function dropBatchRows(db: SqliteDb, id: number): void {
  db.stmt("DELETE FROM candle_batch_updates WHERE batch = ?").run(id);
  db.stmt("DELETE FROM candle_batches WHERE id = ?").run(id);
  db.stmt("DELETE FROM temp.own_batches WHERE id = ?").run(id);
}

function batchOf(r: Row): Batch {
  return {
    id: Number(r.id),
    key: { source: String(r.source), asset: String(r.asset), interval: r.interval } as SeriesKey,
    minTs: Number(r.min_ts),
    maxTs: Number(r.max_ts),
    runId: optNum(r.run_id),
    settled: true,
  };
}

/** The rows in time order, one per time (the last given wins), copied only when needed. */
export function sortedUnique(candles: readonly Candle[]): readonly Candle[] {
  let sorted = true;
  for (let i = 1; i < candles.length && sorted; i++) sorted = candles[i].ts > candles[i - 1].ts;
  if (sorted) return candles;
  const byTs = new Map<number, Candle>();
  for (const c of candles) byTs.set(c.ts, c);
  return [...byTs.values()].sort((a, b) => a.ts - b.ts);
}

const freshSqlCache = new Map<number, string>();

function freshSql(n: number): string {
  let sql = freshSqlCache.get(n);
  if (!sql) {
    sql = `INSERT INTO candles (source, asset, interval, ts, ${VALUE_COLUMNS}, updated_at, batch)
      VALUES ${Array(n).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
      ON CONFLICT (source, asset, interval, ts) DO NOTHING`;
    freshSqlCache.set(n, sql);
  }
  return sql;
}

const fillSqlCache = new Map<number, string>();

function fillSql(n: number): string {
  let sql = fillSqlCache.get(n);
  if (!sql) {
    sql = `INSERT OR REPLACE INTO temp.stage_candles (ts, ${VALUE_COLUMNS}) VALUES ${
      Array(n).fill("(?, ?, ?, ?, ?, ?, ?)").join(", ")
    }`;
    fillSqlCache.set(n, sql);
  }
  return sql;
}
