/**
 * SQLite implementation of {@link Store} on `node:sqlite`: WAL mode, migrations at open,
 * idempotent upserts inside transactions.
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { dirname } from "node:path";
import { mkdirSync } from "node:fs";
import type { Candle, MacroObservation, SeriesKey } from "../core/candle.ts";
import type { Signal } from "../core/signal.ts";
import type { Interval } from "../core/time.ts";
import { MIGRATIONS } from "./migrations.ts";
import type {
  BacktestRunRecord,
  MacroSeriesSummary,
  MacroUpsertResult,
  QualityIssue,
  RunItem,
  RunRecord,
  SeriesSummary,
  Store,
  StoredQualityIssue,
  TimeRange,
  UpsertResult,
} from "./store.ts";

type Row = Record<string, unknown>;

const num = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));
const nul = (v: number | undefined): number | null => v === undefined || Number.isNaN(v) ? null : v;

/** Rows per multi-row upsert statement (11 parameters each, well under SQLite's limit). */
const UPSERT_BATCH = 500;

const upsertSqlCache = new Map<number, string>();

/** `INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE … WHERE changed` for `n` candles. */
function upsertSql(n: number): string {
  let sql = upsertSqlCache.get(n);
  if (!sql) {
    sql =
      `INSERT INTO candles (source, asset, interval, ts, open, high, low, close, volume, market_cap, updated_at)
       VALUES ${Array(n).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
       ON CONFLICT (source, asset, interval, ts) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         volume = excluded.volume, market_cap = excluded.market_cap, updated_at = excluded.updated_at
       WHERE open IS NOT excluded.open OR high IS NOT excluded.high OR low IS NOT excluded.low
          OR close IS NOT excluded.close OR volume IS NOT excluded.volume
          OR market_cap IS NOT excluded.market_cap`;
    upsertSqlCache.set(n, sql);
  }
  return sql;
}

/** Options for {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /** Clock for `updated_at`, run times and vintages; defaults to `Date.now`. */
  now?: () => number;
}

/** The SQLite store. Open with {@link SqliteStore.open}. */
export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  #depth = 0;
  readonly #stmts = new Map<string, StatementSync>();

  private constructor(db: DatabaseSync, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  /**
   * Opens (creating if needed) the database at `path` (`:memory:` for a throwaway one) and
   * applies pending migrations.
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
    db.exec("PRAGMA busy_timeout = 5000;");
    // A 64 MiB page cache (allocated only as used) keeps large batched imports in memory.
    db.exec("PRAGMA cache_size = -65536;");
    const store = new SqliteStore(db, options.now ?? Date.now);
    store.#migrate();
    return store;
  }

  /** Schema version after migrations. */
  get schemaVersion(): number {
    const r = this.#db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as Row;
    return Number(r.v ?? 0);
  }

  #migrate(): void {
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    const current = this.schemaVersion;
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        this.#db.exec(m.sql);
        this.#db.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(
          m.version,
          m.name,
          this.#now(),
        );
        this.#db.exec("COMMIT");
      } catch (e) {
        this.#db.exec("ROLLBACK");
        throw new Error(`Cannot apply migration ${m.version} (${m.name}): ${(e as Error).message}`);
      }
    }
  }

  #stmt(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /** Runs a synchronous block atomically; nests by savepoints. */
  #atomic<T>(fn: () => T): T {
    const name = `sp${this.#depth}`;
    this.#db.exec(this.#depth === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${name}`);
    this.#depth++;
    try {
      const out = fn();
      this.#depth--;
      this.#db.exec(this.#depth === 0 ? "COMMIT" : `RELEASE ${name}`);
      return out;
    } catch (e) {
      this.#depth--;
      this.#db.exec(this.#depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${name}; RELEASE ${name}`);
      throw e;
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const name = `sp${this.#depth}`;
    this.#db.exec(this.#depth === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${name}`);
    this.#depth++;
    try {
      const out = await fn();
      this.#depth--;
      this.#db.exec(this.#depth === 0 ? "COMMIT" : `RELEASE ${name}`);
      return out;
    } catch (e) {
      this.#depth--;
      this.#db.exec(this.#depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${name}; RELEASE ${name}`);
      throw e;
    }
  }

  upsertCandles(key: SeriesKey, candles: readonly Candle[]): Promise<UpsertResult> {
    const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
    if (candles.length === 0) return Promise.resolve(result);
    const now = this.#now();
    let minTs = Infinity, maxTs = -Infinity;
    for (const c of candles) {
      if (c.ts < minTs) minTs = c.ts;
      if (c.ts > maxTs) maxTs = c.ts;
    }
    const count = this.#stmt(
      `SELECT COUNT(*) AS n FROM candles WHERE source = ? AND asset = ? AND interval = ? AND ts BETWEEN ? AND ?`,
    );
    const rows = () =>
      Number((count.get(key.source, key.asset, key.interval, minTs, maxTs) as Row).n);
    this.#atomic(() => {
      // Multi-row upserts: a row is written only when it is new or differs, so `changes` counts
      // inserted + updated rows, and the row count before and after tells the two apart.
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
          args.push(
            key.source,
            key.asset,
            key.interval,
            c.ts,
            nul(c.open),
            nul(c.high),
            nul(c.low),
            c.close,
            nul(c.volume),
            nul(c.marketCap),
            now,
          );
        }
        changes += Number(this.#stmt(upsertSql(end - start)).run(...args).changes);
      }
      result.inserted = rows() - before;
      result.updated = changes - result.inserted;
      result.unchanged = candles.length - changes;
    });
    return Promise.resolve(result);
  }

  getCandles(key: SeriesKey, range: TimeRange = {}): Promise<Candle[]> {
    const rows = this.#stmt(
      `SELECT ts, open, high, low, close, volume, market_cap FROM candles
       WHERE source = ? AND asset = ? AND interval = ? AND ts >= ? AND ts <= ? ORDER BY ts`,
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
    const rows = this.#stmt(
      `SELECT source, asset, interval, COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last,
              MAX(updated_at) AS updated
       FROM candles GROUP BY source, asset, interval ORDER BY asset, source, interval`,
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

  upsertMacro(
    series: string,
    source: string,
    observations: readonly MacroObservation[],
    vintage: number,
  ): Promise<MacroUpsertResult> {
    const latest = this.#stmt(
      `SELECT revision, value FROM macro_observations
       WHERE series = ? AND source = ? AND ts = ? ORDER BY revision DESC LIMIT 1`,
    );
    const insert = this.#stmt(
      `INSERT INTO macro_observations (series, source, ts, revision, value, vintage) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const result: MacroUpsertResult = { inserted: 0, revised: 0, unchanged: 0 };
    this.#atomic(() => {
      for (const o of observations) {
        if (!Number.isFinite(o.value)) {
          throw new RangeError(`Cannot store ${series} at ${o.ts}: value ${o.value} is not finite`);
        }
        const prev = latest.get(series, source, o.ts) as Row | undefined;
        if (!prev) {
          insert.run(series, source, o.ts, 0, o.value, vintage);
          result.inserted++;
        } else if (Number(prev.value) !== o.value) {
          insert.run(series, source, o.ts, Number(prev.revision) + 1, o.value, vintage);
          result.revised++;
        } else {
          result.unchanged++;
        }
      }
    });
    return Promise.resolve(result);
  }

  getMacro(
    series: string,
    options: TimeRange & { source?: string; asOfVintage?: number } = {},
  ): Promise<MacroObservation[]> {
    const source = options.source ?? this.#preferredMacroSource(series);
    if (source === undefined) return Promise.resolve([]);
    const rows = this.#stmt(
      `SELECT m.ts, m.value FROM macro_observations m
       WHERE m.series = ?1 AND m.source = ?2 AND m.ts >= ?3 AND m.ts <= ?4 AND m.vintage <= ?5
         AND m.revision = (SELECT MAX(revision) FROM macro_observations x
                           WHERE x.series = m.series AND x.source = m.source AND x.ts = m.ts
                             AND x.vintage <= ?5)
       ORDER BY m.ts`,
    ).all(
      series,
      source,
      options.from ?? Number.MIN_SAFE_INTEGER,
      options.to ?? Number.MAX_SAFE_INTEGER,
      options.asOfVintage ?? Number.MAX_SAFE_INTEGER,
    ) as Row[];
    return Promise.resolve(rows.map((r) => ({ ts: Number(r.ts), value: Number(r.value) })));
  }

  #preferredMacroSource(series: string): string | undefined {
    const rows = this.#stmt("SELECT DISTINCT source FROM macro_observations WHERE series = ?").all(
      series,
    ) as Row[];
    const sources = rows.map((r) => String(r.source));
    const order = ["fred", "cboe", "csv"];
    const rank = (
      s: string,
    ) => (s === "sample" ? 1_000 : order.indexOf(s) === -1 ? 10 : order.indexOf(s));
    return sources.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
  }

  listMacroSeries(): Promise<MacroSeriesSummary[]> {
    const rows = this.#stmt(
      `SELECT series, source, COUNT(DISTINCT ts) AS n, MIN(ts) AS first, MAX(ts) AS last,
              MAX(vintage) AS vintage, SUM(revision > 0) AS revisions
       FROM macro_observations GROUP BY series, source ORDER BY series, source`,
    ).all() as Row[];
    return Promise.resolve(rows.map((r) => ({
      series: String(r.series),
      source: String(r.source),
      count: Number(r.n),
      firstTs: Number(r.first),
      lastTs: Number(r.last),
      lastVintage: Number(r.vintage),
      revisions: Number(r.revisions),
    })));
  }

  recordQualityIssues(
    issues: readonly QualityIssue[],
    runId?: number,
  ): Promise<{ inserted: number }> {
    const stmt = this.#stmt(
      `INSERT INTO data_quality_issues
         (source, subject, interval, kind, ts, ts_end, field, detail, location, run_id, first_seen, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, subject, interval, kind, IFNULL(ts, -1), field)
       DO UPDATE SET last_seen = excluded.last_seen, detail = excluded.detail,
                     ts_end = excluded.ts_end, location = excluded.location`,
    );
    const exists = this.#stmt(
      `SELECT 1 FROM data_quality_issues WHERE source = ? AND subject = ? AND interval = ? AND kind = ?
         AND IFNULL(ts, -1) = ? AND field = ?`,
    );
    const now = this.#now();
    let inserted = 0;
    this.#atomic(() => {
      for (const i of issues) {
        const interval = i.interval ?? "";
        const field = i.field ?? "";
        if (!exists.get(i.source, i.subject, interval, i.kind, i.ts ?? -1, field)) inserted++;
        stmt.run(
          i.source,
          i.subject,
          interval,
          i.kind,
          i.ts ?? null,
          i.tsEnd ?? null,
          field,
          i.detail,
          i.location ?? null,
          runId ?? null,
          now,
          now,
        );
      }
    });
    return Promise.resolve({ inserted });
  }

  listQualityIssues(
    filter: { subject?: string; source?: string; kind?: string; limit?: number } = {},
  ): Promise<StoredQualityIssue[]> {
    const rows = this.#stmt(
      `SELECT * FROM data_quality_issues
       WHERE (?1 IS NULL OR subject = ?1) AND (?2 IS NULL OR source = ?2) AND (?3 IS NULL OR kind = ?3)
       ORDER BY subject, kind, ts LIMIT ?4`,
    ).all(
      filter.subject ?? null,
      filter.source ?? null,
      filter.kind ?? null,
      filter.limit ?? -1,
    ) as Row[];
    return Promise.resolve(rows.map((r) => ({
      id: Number(r.id),
      source: String(r.source),
      subject: String(r.subject),
      interval: String(r.interval) || undefined,
      kind: String(r.kind),
      ts: r.ts === null ? undefined : Number(r.ts),
      tsEnd: r.ts_end === null ? undefined : Number(r.ts_end),
      field: String(r.field) || undefined,
      detail: String(r.detail),
      location: r.location === null ? undefined : String(r.location),
      runId: r.run_id === null ? undefined : Number(r.run_id),
      firstSeen: Number(r.first_seen),
      lastSeen: Number(r.last_seen),
    })));
  }

  startRun(task: string, params: Record<string, unknown>): Promise<number> {
    const r = this.#stmt(
      `INSERT INTO collection_runs (task, started_at, status, params) VALUES (?, ?, 'running', ?)`,
    ).run(task, this.#now(), JSON.stringify(params));
    return Promise.resolve(Number(r.lastInsertRowid));
  }

  finishRun(
    id: number,
    outcome: {
      status: RunRecord["status"];
      rowsWritten: number;
      error?: string;
      items?: RunItem[];
    },
  ): Promise<void> {
    this.#atomic(() => {
      this.#stmt(
        `UPDATE collection_runs SET finished_at = ?, status = ?, rows_written = ?, error = ? WHERE id = ?`,
      ).run(this.#now(), outcome.status, outcome.rowsWritten, outcome.error ?? null, id);
      const item = this.#stmt(
        `INSERT OR REPLACE INTO collection_run_items (run_id, source, subject, interval, status, rows_written, error)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const i of outcome.items ?? []) {
        item.run(
          id,
          i.source,
          i.subject,
          i.interval ?? "",
          i.status,
          i.rowsWritten,
          i.error ?? null,
        );
      }
    });
    return Promise.resolve();
  }

  listRuns(options: { task?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const runs = this.#stmt(
      `SELECT * FROM collection_runs WHERE (?1 IS NULL OR task = ?1) ORDER BY id DESC LIMIT ?2`,
    ).all(options.task ?? null, options.limit ?? -1) as Row[];
    const items = this.#stmt(
      `SELECT * FROM collection_run_items WHERE run_id = ? ORDER BY subject`,
    );
    return Promise.resolve(runs.map((r) => ({
      id: Number(r.id),
      task: String(r.task),
      startedAt: Number(r.started_at),
      finishedAt: r.finished_at === null ? undefined : Number(r.finished_at),
      status: String(r.status) as RunRecord["status"],
      params: JSON.parse(String(r.params)),
      rowsWritten: Number(r.rows_written),
      error: r.error === null ? undefined : String(r.error),
      items: (items.all(r.id as number) as Row[]).map((i) => ({
        source: String(i.source),
        subject: String(i.subject),
        interval: String(i.interval) || undefined,
        status: String(i.status) as RunItem["status"],
        rowsWritten: Number(i.rows_written),
        error: i.error === null ? undefined : String(i.error),
      })),
    })));
  }

  saveSignals(
    signals: readonly Signal[],
    prices: Readonly<Record<string, number>> = {},
  ): Promise<number> {
    const stmt = this.#stmt(
      `INSERT OR REPLACE INTO signals
         (ts, asset, strategy, direction, confidence, size, price, stop_loss, take_profit, reason, inputs, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = this.#now();
    this.#atomic(() => {
      for (const s of signals) {
        stmt.run(
          s.ts,
          s.asset,
          s.strategy,
          s.direction,
          s.confidence,
          s.size,
          nul(prices[s.asset]),
          s.stopLoss ?? null,
          s.takeProfit ?? null,
          s.reason,
          s.inputs ? JSON.stringify(s.inputs) : null,
          now,
        );
      }
    });
    return Promise.resolve(signals.length);
  }

  listSignals(
    filter: { asset?: string; strategy?: string; limit?: number } = {},
  ): Promise<Signal[]> {
    const rows = this.#stmt(
      `SELECT * FROM signals WHERE (?1 IS NULL OR asset = ?1) AND (?2 IS NULL OR strategy = ?2)
       ORDER BY ts DESC, asset, strategy LIMIT ?3`,
    ).all(filter.asset ?? null, filter.strategy ?? null, filter.limit ?? -1) as Row[];
    return Promise.resolve(rows.map((r) => ({
      ts: Number(r.ts),
      asset: String(r.asset),
      strategy: String(r.strategy),
      direction: String(r.direction) as Signal["direction"],
      confidence: Number(r.confidence),
      size: Number(r.size),
      stopLoss: r.stop_loss === null ? undefined : Number(r.stop_loss),
      takeProfit: r.take_profit === null ? undefined : Number(r.take_profit),
      reason: String(r.reason),
      inputs: r.inputs === null ? undefined : JSON.parse(String(r.inputs)),
    })));
  }

  saveBacktestRun(run: BacktestRunRecord): Promise<number> {
    const r = this.#stmt(
      `INSERT INTO backtest_runs (created_at, strategy, assets, start_ts, end_ts, params, config_hash,
         data_checksum, engine_version, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      run.createdAt,
      run.strategy,
      JSON.stringify(run.assets),
      run.startTs ?? null,
      run.endTs ?? null,
      JSON.stringify(run.params),
      run.configHash,
      run.dataChecksum,
      run.engineVersion,
      JSON.stringify(
        run.metrics,
        (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
      ),
    );
    return Promise.resolve(Number(r.lastInsertRowid));
  }

  listBacktestRuns(limit = 50): Promise<BacktestRunRecord[]> {
    const rows = this.#stmt(`SELECT * FROM backtest_runs ORDER BY id DESC LIMIT ?`).all(
      limit,
    ) as Row[];
    return Promise.resolve(rows.map((r) => ({
      id: Number(r.id),
      createdAt: Number(r.created_at),
      strategy: String(r.strategy),
      assets: JSON.parse(String(r.assets)),
      startTs: r.start_ts === null ? undefined : Number(r.start_ts),
      endTs: r.end_ts === null ? undefined : Number(r.end_ts),
      params: JSON.parse(String(r.params)),
      configHash: String(r.config_hash),
      dataChecksum: String(r.data_checksum),
      engineVersion: String(r.engine_version),
      metrics: JSON.parse(String(r.metrics)),
    })));
  }

  close(): void {
    this.#stmts.clear();
    this.#db.close();
  }
}
