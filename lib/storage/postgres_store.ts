/**
 * PostgreSQL implementation of {@link Store} on npm `postgres` (postgres.js): a facade over one
 * module per concern (`postgres/prices.ts`, `macro.ts`, `quality.ts`, `runs.ts`, `signals.ts`,
 * `backtests.ts`, `jobs.ts`, `funding.ts`, `trials.ts`, `books.ts`, `alerts.ts`, `arbitrage.ts`),
 * which share one {@link PgDb} (pool, clock, units of work).
 *
 * Several processes on several hosts share one database: every write is a transaction (readers
 * see all of it or none, a failure leaves nothing), writers of one series or slot take turns on
 * an advisory lock, and runs are held by leases backed by session advisory locks
 * (`postgres/leases.ts`). Opening is synchronous and connects lazily: the schema is migrated on
 * first use, and every call waits for it, so callers need not know which backend they hold.
 * @module
 */
import type { Candle, MacroObservation, SeriesKey } from "../core/candle.ts";
import { ConfigError } from "../core/errors.ts";
import type { Signal } from "../core/signal.ts";
import { PgAlerts } from "./postgres/alerts.ts";
import { PgArbitrage } from "./postgres/arbitrage.ts";
import { PgBacktests } from "./postgres/backtests.ts";
import { PgBooks } from "./postgres/books.ts";
import { connectPostgres, parsePostgresUrl, type PgTarget } from "./postgres/connect.ts";
import { PgDb } from "./postgres/db.ts";
import { PgFunding } from "./postgres/funding.ts";
import { PgJobs } from "./postgres/jobs.ts";
import { PgLeases } from "./postgres/leases.ts";
import { PgMacro } from "./postgres/macro.ts";
import { PG_MIGRATIONS } from "./postgres/migrations.ts";
import { PgPrices } from "./postgres/prices.ts";
import { PgQuality } from "./postgres/quality.ts";
import { PgRuns } from "./postgres/runs.ts";
import { migratePostgres } from "./postgres/schema.ts";
import { PgSignals } from "./postgres/signals.ts";
import { PgTrials } from "./postgres/trials.ts";
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

/** Options for {@link PostgresStore.open}. */
export interface PostgresStoreOptions {
  /** Clock for `updated_at`, run times, vintages and leases; defaults to `Date.now`. */
  now?: () => number;
  /** Where the URL came from, named in messages (default `DATABASE_URL`). */
  origin?: string;
  /** How long a lease lives without a heartbeat (ms, default 2 minutes). */
  leaseMs?: number;
  /** Connection pool size (default 10). */
  poolSize?: number;
}

/** The PostgreSQL store. Open with {@link PostgresStore.open}. */
export class PostgresStore implements Store {
  readonly #db: PgDb;
  readonly #leases: PgLeases;
  readonly #prices: PgPrices;
  readonly #macro: PgMacro;
  readonly #quality: PgQuality;
  readonly #runs: PgRuns;
  readonly #signals: PgSignals;
  readonly #backtests: PgBacktests;
  readonly #jobs: PgJobs;
  readonly #funding: PgFunding;
  readonly #trials: PgTrials;
  readonly #books: PgBooks;
  readonly #alerts: PgAlerts;
  readonly #arbitrage: PgArbitrage;

  private constructor(db: PgDb, leaseMs: number) {
    this.#db = db;
    this.#leases = new PgLeases(db, { leaseMs });
    this.#prices = new PgPrices(db);
    this.#macro = new PgMacro(db);
    this.#quality = new PgQuality(db);
    this.#runs = new PgRuns(db, this.#leases);
    this.#signals = new PgSignals(db);
    this.#backtests = new PgBacktests(db);
    this.#jobs = new PgJobs(db, this.#leases);
    this.#funding = new PgFunding(db);
    this.#trials = new PgTrials(db);
    this.#books = new PgBooks(db);
    this.#alerts = new PgAlerts(db);
    this.#arbitrage = new PgArbitrage(db);
  }

  /**
   * Opens the database of `url` (`postgres://user:pass@host:5432/db`). A malformed URL is a
   * {@link ConfigError} at once; the connection and the migrations happen on first use, and a
   * server that cannot be reached, refuses the login or may not be connected to (permissions)
   * fails that first call with a {@link ConfigError} naming `origin` and the URL, password hidden.
   */
  static open(url: string, options: PostgresStoreOptions = {}): PostgresStore {
    const origin = options.origin ?? "DATABASE_URL";
    const target = parsePostgresUrl(url, origin);
    const now = options.now ?? Date.now;
    const pool = connectPostgres(target, { max: options.poolSize });
    const ready = migratePostgres(pool, PG_MIGRATIONS, now).then(
      () => {},
      (e) => {
        throw connectionError(e, target, origin);
      },
    );
    const db = new PgDb(pool, { now, ready, label: `${origin} (${target.shown})` });
    return new PostgresStore(db, options.leaseMs ?? 120_000);
  }

  /** Resolves once connected and migrated; rejects with the reason it could not be. */
  ready(): Promise<void> {
    return this.#db.ready();
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

  closeAbandonedRuns(task: string, error: string): Promise<number[]> {
    return this.#runs.closeAbandonedRuns(task, error);
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

  saveBacktestRun(run: BacktestRunRecord): Promise<number> {
    return this.#backtests.saveBacktestRun(run);
  }

  listBacktestRuns(limit?: number): Promise<BacktestRunRecord[]> {
    return this.#backtests.listBacktestRuns(limit);
  }

  getBacktestRun(id: number): Promise<BacktestRunRecord | undefined> {
    return this.#backtests.getBacktestRun(id);
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

  recordArbitrageEvent(row: ArbitrageEventRow): Promise<void> {
    return this.#arbitrage.recordArbitrageEvent(row);
  }

  listArbitrageOpportunities(
    filter?: { limit?: number; open?: boolean },
  ): Promise<ArbitrageOpportunityRecord[]> {
    return this.#arbitrage.listArbitrageOpportunities(filter);
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

  saveTrials(trials: readonly StoredTrial[]): Promise<number> {
    return this.#trials.saveTrials(trials);
  }

  findTrials(keys: readonly string[]): Promise<Map<string, StoredTrial>> {
    return this.#trials.findTrials(keys);
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

  /** Releases the lease and closes the pool. */
  async close(): Promise<void> {
    await this.#leases.close();
    await this.#db.close();
  }
}

/** Why the first connection failed, as a one-line {@link ConfigError} without the password. */
function connectionError(e: unknown, target: PgTarget, origin: string): Error {
  const label = `${origin} (${target.shown})`;
  const err = e as Error & { code?: string };
  const hostPort = `${target.host}:${target.port}`;
  if (err?.name === "NotCapable" || /Requires net access/.test(String(err?.message))) {
    return new ConfigError(
      `${label}: this task may not connect to ${hostPort}; run it with ` +
        `--allow-net=${hostPort} added to its deno run line, after the hosts its set already ` +
        `grants (docs/scaling.md, "Permissions")`,
      origin,
    );
  }
  const password = target.password;
  const text = String(err?.message ?? e).split(password || "\u0000").join("***");
  if (err instanceof Error && /^Cannot apply migration/.test(err.message)) return err;
  return new ConfigError(`Cannot open ${label}: ${text}`, origin);
}
