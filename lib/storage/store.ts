/**
 * The storage contract. Callers depend on this interface only, so that a PostgreSQL
 * implementation can be added beside the SQLite one without touching them. Every method is
 * async for the same reason, although SQLite answers synchronously.
 * @module
 */
import type { Candle, MacroObservation, SeriesKey } from "../core/candle.ts";
import type { Signal } from "../core/signal.ts";

/** What an upsert did, row by row. */
export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** What a macro upsert did. A changed value becomes a new revision instead of an overwrite. */
export interface MacroUpsertResult {
  inserted: number;
  revised: number;
  unchanged: number;
}

/** Summary of one stored series. */
export interface SeriesSummary extends SeriesKey {
  count: number;
  firstTs: number;
  lastTs: number;
  updatedAt: number;
}

/** Summary of one stored macro series. */
export interface MacroSeriesSummary {
  series: string;
  source: string;
  count: number;
  firstTs: number;
  lastTs: number;
  lastVintage: number;
  revisions: number;
}

/** One data-quality finding. */
export interface QualityIssue {
  source: string;
  /** Asset or macro series. */
  subject: string;
  interval?: string;
  kind: string;
  ts?: number;
  tsEnd?: number;
  field?: string;
  detail: string;
  /** `file:line` or endpoint. */
  location?: string;
}

/** A stored quality issue. */
export interface StoredQualityIssue extends QualityIssue {
  id: number;
  runId?: number;
  firstSeen: number;
  lastSeen: number;
}

/** Per-item outcome of a collection run. */
export interface RunItem {
  source: string;
  subject: string;
  interval?: string;
  status: "success" | "failed" | "skipped";
  rowsWritten: number;
  error?: string;
}

/** A recorded collection or import run. */
export interface RunRecord {
  id: number;
  task: string;
  startedAt: number;
  finishedAt?: number;
  status: "running" | "success" | "partial" | "failed";
  params: Record<string, unknown>;
  rowsWritten: number;
  error?: string;
  items: RunItem[];
}

/** A stored backtest run (configuration and metrics). */
export interface BacktestRunRecord {
  id?: number;
  createdAt: number;
  strategy: string;
  assets: string[];
  startTs?: number;
  endTs?: number;
  params: Record<string, unknown>;
  configHash: string;
  dataChecksum: string;
  engineVersion: string;
  metrics: Record<string, unknown>;
}

/** Time range filter; both ends inclusive, UTC ms. */
export interface TimeRange {
  from?: number;
  to?: number;
}

/** The market-data store. */
export interface Store {
  /** Inserts new candles and updates changed ones; identical rows are left alone. */
  upsertCandles(key: SeriesKey, candles: readonly Candle[]): Promise<UpsertResult>;
  /** Candles of one series in time order. Close-only rows come back with open/high/low = NaN. */
  getCandles(key: SeriesKey, range?: TimeRange): Promise<Candle[]>;
  /** Every stored price series. */
  listSeries(): Promise<SeriesSummary[]>;
  /**
   * Stores macro observations fetched at `vintage`. New dates are inserted; a date whose latest
   * value differs gets a new revision.
   */
  upsertMacro(
    series: string,
    source: string,
    observations: readonly MacroObservation[],
    vintage: number,
  ): Promise<MacroUpsertResult>;
  /** Latest revision of each observation (or the latest known at `asOfVintage`), in date order. */
  getMacro(
    series: string,
    options?: TimeRange & { source?: string; asOfVintage?: number },
  ): Promise<MacroObservation[]>;
  /** Every stored macro series. */
  listMacroSeries(): Promise<MacroSeriesSummary[]>;
  /** Records quality issues; an issue already recorded only has its `lastSeen` refreshed. */
  recordQualityIssues(
    issues: readonly QualityIssue[],
    runId?: number,
  ): Promise<{ inserted: number }>;
  /** Stored issues, newest first. */
  listQualityIssues(
    filter?: { subject?: string; source?: string; kind?: string; limit?: number },
  ): Promise<StoredQualityIssue[]>;
  /** Starts a run record and returns its id. */
  startRun(task: string, params: Record<string, unknown>): Promise<number>;
  /** Completes a run record with its outcome. */
  finishRun(
    id: number,
    outcome: {
      status: RunRecord["status"];
      rowsWritten: number;
      error?: string;
      items?: RunItem[];
    },
  ): Promise<void>;
  /** Most recent runs first. */
  listRuns(options?: { task?: string; limit?: number }): Promise<RunRecord[]>;
  /** Stores signals (one per ts, asset and strategy; a re-run replaces them). */
  saveSignals(
    signals: readonly Signal[],
    prices?: Readonly<Record<string, number>>,
  ): Promise<number>;
  /** Stored signals, newest first. */
  listSignals(filter?: { asset?: string; strategy?: string; limit?: number }): Promise<Signal[]>;
  /** Stores a backtest run and returns its id. */
  saveBacktestRun(run: BacktestRunRecord): Promise<number>;
  /** Stored backtest runs, newest first. */
  listBacktestRuns(limit?: number): Promise<BacktestRunRecord[]>;
  /**
   * Runs `fn` inside one transaction: everything it wrote is kept only if it resolves; if it
   * throws, the store is left exactly as it was.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Closes the store. */
  close(): void;
}

/**
 * Preference order when an asset is stored from several sources and the caller names none:
 * exchange OHLCV first, then aggregators and imports, generated sample data last.
 */
export const SOURCE_PRIORITY: readonly string[] = [
  "binance",
  "coingecko",
  "csv",
  "cryptodatadownload",
];

/** Picks the preferred source among `available` (see {@link SOURCE_PRIORITY}; `sample` last). */
export function pickSource(available: readonly string[]): string | undefined {
  if (available.length === 0) return undefined;
  const rank = (s: string) => {
    if (s === "sample") return 1_000;
    const i = SOURCE_PRIORITY.indexOf(s);
    return i === -1 ? SOURCE_PRIORITY.length : i;
  };
  return [...available].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
}
