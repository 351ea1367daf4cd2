/**
 * The backtest-run concern of the store: configuration, reproducibility manifest and metrics.
 * @module
 */

/** A stored backtest run (configuration and metrics). */
export interface BacktestRunRecord {
  /** Run id (absent before it is stored). */
  id?: number;
  /** UTC ms. */
  createdAt: number;
  /** Strategy name (or a combination). */
  strategy: string;
  /** Assets backtested. */
  assets: string[];
  /** First bar time, UTC ms. */
  startTs?: number;
  /** Last bar time, UTC ms. */
  endTs?: number;
  /** Parameters and options. */
  params: Record<string, unknown>;
  /** Hash of the configuration. */
  configHash: string;
  /** Checksum of the input data. */
  dataChecksum: string;
  /** Engine version that produced it. */
  engineVersion: string;
  /** Metrics; non-finite numbers are stored as null. */
  metrics: Record<string, unknown>;
}

/** Stored backtest runs. */
export interface BacktestRunStore {
  /** Stores a backtest run and returns its id. */
  saveBacktestRun(run: BacktestRunRecord): Promise<number>;
  /** Stored backtest runs, newest first. */
  listBacktestRuns(limit?: number): Promise<BacktestRunRecord[]>;
  /** One stored run by id; `undefined` when there is none. */
  getBacktestRun(id: number): Promise<BacktestRunRecord | undefined>;
}
