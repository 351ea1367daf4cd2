/**
 * SQLite implementation of {@link Store} on `node:sqlite`: a facade over one module per concern
 * (`sqlite/prices.ts`, `macro.ts`, `quality.ts`, `runs.ts`, `signals.ts`, `backtests.ts`, `jobs.ts`,
 * `funding.ts`, `books.ts`, `trials.ts`, `arbitrage.ts`), which
 * share one {@link SqliteDb} handle and its locking policy (`sqlite/db.ts`, `write_lock.ts`).
 *
 * Several processes share one database file: reads never block on writes (WAL); writers queue
 * for the write lock with async backoff and never fail with "database is locked", reporting a
 * long wait on the terminal and in the log; large candle writes commit in bounded chunks and
 * become visible all at once (`sqlite/staging.ts`); runs are held by leases, so a live run is
 * never taken for a dead one (`sqlite/leases.ts`).
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import type { Candle, MacroObservation, SeriesKey } from "../core/candle.ts";
import { ConfigError } from "../core/errors.ts";
import type { Signal } from "../core/signal.ts";
import { getLogger } from "../log/logger.ts";
import { MIGRATIONS } from "./migrations.ts";
import { SqliteArbitrage } from "./sqlite/arbitrage.ts";
import { SqliteBacktests } from "./sqlite/backtests.ts";
import { SqliteBooks } from "./sqlite/books.ts";
import { SqliteDb } from "./sqlite/db.ts";
import { SqliteFunding } from "./sqlite/funding.ts";
import { SqliteTrials } from "./sqlite/trials.ts";
import { SqliteJobs } from "./sqlite/jobs.ts";
import { Leases } from "./sqlite/leases.ts";
import { SqliteMacro } from "./sqlite/macro.ts";
import {
  checkDatabasePath,
  databaseLabel,
  migrate,
  openConnection,
  schemaVersion,
} from "./sqlite/open.ts";
import { candleTarget, SqlitePrices } from "./sqlite/prices.ts";
import { resolveLedger, SqliteQuality } from "./sqlite/quality.ts";
import { SqliteRuns } from "./sqlite/runs.ts";
import { SqliteSignals } from "./sqlite/signals.ts";
import { SqliteAlerts } from "./sqlite/alerts.ts";
import { CandleStaging } from "./sqlite/staging.ts";
import { CONNECTION_SQL } from "./sqlite/visibility.ts";
import type { WriteLockPolicy } from "./sqlite/write_lock.ts";
import type {
  ArbitrageEventRow,
  ArbitrageOpportunityRecord,
  BacktestRunRecord,
  BookFilter,
  BookResyncRecord,
  BookSnapshotRecord,
  FundingKey,
  FundingObservation,
  FundingQuery,
  FundingSource,
  FundingWriteResult,
  JobRunClaim,
  JobRunEnd,
  JobRunRecord,
  JobState,
  MacroQuery,
  MacroSeriesSummary,
  MacroUpsertResult,
  PriceAlert,
  QualityFilter,
  QualityIssue,
  RunOutcome,
  RunRecord,
  SeriesSummary,
  SignalFilter,
  Store,
  StoredQualityIssue,
  StoredTrial,
  TimeRange,
  UpsertResult,
  WriteOptions,
} from "./store.ts";

/** Options for {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /** Clock for `updated_at`, run times, vintages and leases; defaults to `Date.now`. */
  now?: () => number;
  /** Where the path came from, named in messages (e.g. `DATABASE_PATH`). */
  origin?: string;
  /** How long a run's lease lives without a heartbeat (ms, default 2 minutes). */
  leaseMs?: number;
  /** Report a wait for the write lock once it lasts this long (ms, default 2 s)… */
  lockNoticeMs?: number;
  /** …and then once per this many ms (default 15 s). */
  lockNoticeEveryMs?: number;
  /** Give up waiting for the write lock after this long (ms, default: never). */
  lockTimeoutMs?: number;
  /** Called at each report of a long wait (besides the log), with the time waited. */
  onLockWait?: (waitedMs: number) => void;
}

/** The SQLite store. Open with {@link SqliteStore.open}. */
export class SqliteStore implements Store {
  readonly #db: SqliteDb;
  readonly #leases: Leases;
  readonly #prices: SqlitePrices;
  readonly #staging: CandleStaging;
  readonly #macro: SqliteMacro;
  readonly #quality: SqliteQuality;
  readonly #runs: SqliteRuns;
  readonly #signals: SqliteSignals;
  readonly #alerts: SqliteAlerts;
  readonly #backtests: SqliteBacktests;
  readonly #jobs: SqliteJobs;
  readonly #books: SqliteBooks;
  readonly #funding: SqliteFunding;
  readonly #trials: SqliteTrials;
  readonly #arbitrage: SqliteArbitrage;
  readonly #raw: DatabaseSync;

  private constructor(raw: DatabaseSync, db: SqliteDb, leaseMs: number) {
    this.#raw = raw;
    this.#db = db;
    this.#leases = new Leases(db, { leaseMs });
    this.#staging = new CandleStaging(db, this.#leases, (key, range, runId) => {
      resolveLedger(db, candleTarget(key), range, runId);
    });
    this.#prices = new SqlitePrices(db, this.#staging);
    this.#macro = new SqliteMacro(db);
    this.#quality = new SqliteQuality(db);
    this.#runs = new SqliteRuns(db, this.#leases);
    this.#signals = new SqliteSignals(db);
    this.#alerts = new SqliteAlerts(db);
    this.#backtests = new SqliteBacktests(db);
    this.#jobs = new SqliteJobs(db, this.#leases);
    this.#books = new SqliteBooks(db);
    this.#funding = new SqliteFunding(db);
    this.#trials = new SqliteTrials(db);
    this.#arbitrage = new SqliteArbitrage(db);
  }

  /**
   * Opens (creating if needed) the database at `path` (`:memory:` for a throwaway one) and
   * applies pending migrations. A path that cannot be an SQLite database (a URL, a directory,
   * another kind of file) is a {@link ConfigError} naming `options.origin` and the path, and
   * nothing is created or modified.
   *
   * @example Writes are idempotent upserts
   * ```ts
   * import assert from "node:assert/strict";
   * import { SqliteStore } from "./sqlite_store.ts";
   *
   * const store = SqliteStore.open(":memory:");
   * const key = { source: "csv", asset: "bitcoin", interval: "1d" } as const;
   * const bar = { ts: 0, open: 100, high: 102, low: 99, close: 101, volume: 5 };
   * assert.equal((await store.upsertCandles(key, [bar])).inserted, 1);
   * assert.equal((await store.upsertCandles(key, [bar])).unchanged, 1);
   * assert.equal((await store.getCandles(key))[0].close, 101);
   * store.close();
   * ```
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    checkDatabasePath(path, options.origin);
    const label = databaseLabel(path, options.origin);
    const now = options.now ?? Date.now;
    // The wait report names who is writing, which needs the store being opened.
    const opened: { store?: SqliteStore } = {};
    const policy = lockPolicy(options, label, () => opened.store?.describeWriters() ?? "");
    let raw: DatabaseSync | undefined;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      raw = openConnection(path, policy);
      migrate(raw, MIGRATIONS, policy, now);
    } catch (e) {
      raw?.close();
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(`Cannot open ${label}: ${(e as Error).message}`, options.origin);
    }
    const db = new SqliteDb(raw, { path, now, lock: policy, connectionSql: CONNECTION_SQL });
    opened.store = new SqliteStore(raw, db, options.leaseMs ?? 120_000);
    return opened.store;
  }

  /** Schema version after migrations. */
  get schemaVersion(): number {
    return schemaVersion(this.#raw);
  }

  upsertCandles(
    key: SeriesKey,
    candles: readonly Candle[],
    options?: WriteOptions,
  ): Promise<UpsertResult> {
    return this.#prices.upsertCandles(key, candles, options);
  }

  getCandles(key: SeriesKey, range?: TimeRange): Promise<Candle[]> {
    return this.#prices.getCandles(key, range);
  }

  listSeries(): Promise<SeriesSummary[]> {
    return this.#prices.listSeries();
  }

  upsertMacro(
    series: string,
    source: string,
    observations: readonly MacroObservation[],
    vintage: number,
    options?: WriteOptions,
  ): Promise<MacroUpsertResult> {
    return this.#macro.upsertMacro(series, source, observations, vintage, options);
  }

  getMacro(series: string, options?: MacroQuery): Promise<MacroObservation[]> {
    return this.#macro.getMacro(series, options);
  }

  listMacroSeries(): Promise<MacroSeriesSummary[]> {
    return this.#macro.listMacroSeries();
  }

  recordQualityIssues(
    issues: readonly QualityIssue[],
    runId?: number,
  ): Promise<{ inserted: number }> {
    return this.#quality.recordQualityIssues(issues, runId);
  }

  listQualityIssues(filter?: QualityFilter): Promise<StoredQualityIssue[]> {
    return this.#quality.listQualityIssues(filter);
  }

  startRun(task: string, params: Record<string, unknown>): Promise<number> {
    return this.#runs.startRun(task, params);
  }

  finishRun(id: number, outcome: RunOutcome): Promise<void> {
    return this.#runs.finishRun(id, outcome);
  }

  listRuns(options?: { task?: string; limit?: number }): Promise<RunRecord[]> {
    return this.#runs.listRuns(options);
  }

  /** Also deletes the staged rows that dead processes left behind. */
  async closeAbandonedRuns(task: string, error: string): Promise<number[]> {
    const ids = await this.#runs.closeAbandonedRuns(task, error);
    await this.#staging.abortDeadBatches(undefined, (fn) => this.#db.write(fn));
    return ids;
  }

  saveSignals(
    signals: readonly Signal[],
    prices?: Readonly<Record<string, number>>,
  ): Promise<number> {
    return this.#signals.saveSignals(signals, prices);
  }

  listSignals(filter?: SignalFilter): Promise<Signal[]> {
    return this.#signals.listSignals(filter);
  }

  saveAlert(alert: PriceAlert): Promise<number> {
    return this.#alerts.saveAlert(alert);
  }

  listAlerts(options?: { active?: boolean }): Promise<PriceAlert[]> {
    return this.#alerts.listAlerts(options);
  }

  deleteAlert(id: number): Promise<boolean> {
    return this.#alerts.deleteAlert(id);
  }

  markAlertTriggered(id: number, atMs: number, price: number): Promise<boolean> {
    return this.#alerts.markAlertTriggered(id, atMs, price);
  }

  saveBacktestRun(run: BacktestRunRecord): Promise<number> {
    return this.#backtests.saveBacktestRun(run);
  }

  listBacktestRuns(limit?: number): Promise<BacktestRunRecord[]> {
    return this.#backtests.listBacktestRuns(limit);
  }

  getBacktestRun(id: number): Promise<BacktestRunRecord | undefined> {
    return this.#backtests.getBacktestRun(id);
  }

  saveTrials(trials: readonly StoredTrial[]): Promise<number> {
    return this.#trials.saveTrials(trials);
  }

  findTrials(keys: readonly string[]): Promise<Map<string, StoredTrial>> {
    return this.#trials.findTrials(keys);
  }

  recordFunding(observations: readonly FundingObservation[]): Promise<FundingWriteResult> {
    return this.#funding.recordFunding(observations);
  }

  listFunding(query: FundingQuery): Promise<FundingObservation[]> {
    return this.#funding.listFunding(query);
  }

  latestFunding(
    filter?: { readonly exchange?: string; readonly source?: FundingSource },
  ): Promise<FundingObservation[]> {
    return this.#funding.latestFunding(filter);
  }

  lastFunding(key: FundingKey, source?: FundingSource): Promise<FundingObservation | undefined> {
    return this.#funding.lastFunding(key, source);
  }

  claimJobRun(claim: JobRunClaim): Promise<number | undefined> {
    return this.#jobs.claimJobRun(claim);
  }

  finishJobRun(id: number, end: JobRunEnd): Promise<void> {
    return this.#jobs.finishJobRun(id, end);
  }

  recordSkippedSlot(job: string, slot: number, atMs: number, reason: string): Promise<void> {
    return this.#jobs.recordSkippedSlot(job, slot, atMs, reason);
  }

  listJobRuns(filter?: { job?: string; limit?: number }): Promise<JobRunRecord[]> {
    return this.#jobs.listJobRuns(filter);
  }

  jobStates(): Promise<JobState[]> {
    return this.#jobs.jobStates();
  }

  recordArbitrageEvent(row: ArbitrageEventRow): Promise<void> {
    return this.#arbitrage.recordArbitrageEvent(row);
  }

  listArbitrageOpportunities(
    filter?: { limit?: number; open?: boolean },
  ): Promise<ArbitrageOpportunityRecord[]> {
    return this.#arbitrage.listArbitrageOpportunities(filter);
  }

  recordResyncs(records: readonly BookResyncRecord[]): Promise<number> {
    return this.#books.recordResyncs(records);
  }

  recordBookSnapshots(records: readonly BookSnapshotRecord[]): Promise<number> {
    return this.#books.recordBookSnapshots(records);
  }

  listResyncs(filter?: BookFilter): Promise<BookResyncRecord[]> {
    return this.#books.listResyncs(filter);
  }

  listBookSnapshots(filter?: BookFilter): Promise<BookSnapshotRecord[]> {
    return this.#books.listBookSnapshots(filter);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.transaction(fn);
  }

  close(): void {
    this.#leases.close();
    this.#db.close();
  }

  /** Who else is writing, for the lock-wait report: the live runs of other processes. */
  private describeWriters(): string {
    const runs = this.#db.read(
      "SELECT id, task, params, owner FROM collection_runs WHERE status = 'running' ORDER BY id",
    ).all() as { id: number; task: string; params: string; owner: string | null }[];
    const others = runs.filter((r) =>
      !this.#runs.unfinished.has(Number(r.id)) && this.#leases.isAlive(r.owner)
    );
    if (others.length === 0) return "";
    return others.slice(0, 3).map((r) => {
      const file = (JSON.parse(r.params) as { file?: unknown }).file;
      return `${r.task} run ${r.id}${typeof file === "string" ? ` (${file})` : ""}`;
    }).join(", ");
  }
}

/** The write-lock policy of a store: report long waits in the log and to `onLockWait`. */
function lockPolicy(
  o: SqliteStoreOptions,
  label: string,
  writers: () => string,
): WriteLockPolicy {
  const log = getLogger("storage");
  return {
    noticeAfterMs: o.lockNoticeMs ?? 2_000,
    noticeEveryMs: o.lockNoticeEveryMs ?? 15_000,
    maxWaitMs: o.lockTimeoutMs ?? Infinity,
    onWait: (waitedMs) => {
      let who = "";
      try {
        who = writers();
      } catch { /* the report must not fail the wait */ }
      log.warn(
        `waiting for the write lock of ${label}: another process is writing` +
          (who ? ` (running now: ${who})` : ""),
        { waitedS: Math.round(waitedMs / 1000) },
      );
      o.onLockWait?.(waitedMs);
    },
    onAcquired: (waitedMs) =>
      log.info(`got the write lock of ${label}`, { waitedS: Math.round(waitedMs / 1000) }),
  };
}
