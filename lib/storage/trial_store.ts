/**
 * The optimisation-trial concern of the store: every trial of a `deno task optimize` sweep, keyed
 * by its trial key (a hash of the engine version, strategy, complete parameters, execution
 * settings and dataset hash), with the run manifest's config hash, the dataset hash, its metrics
 * and its equity curve. Rerunning an identical or interrupted sweep reuses the stored trials
 * instead of running them again. Metrics round-trip exactly (NaN and ±Infinity included), and
 * so does the equity curve (stored as its float64 bytes).
 * @module
 */

/** One stored trial. */
export interface StoredTrial {
  /** Unique key of the trial: a hash of engine version, strategy, parameters, execution and dataset. */
  readonly trialKey: string;
  /** The run manifest's config hash. */
  readonly configHash: string;
  /** The dataset's hash. */
  readonly datasetHash: string;
  /** The run manifest's data checksum. */
  readonly dataChecksum: string;
  /** The strategy run. */
  readonly strategy: string;
  /** Its complete parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Every metric, as the engine computed it. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Closed trades. */
  readonly trades: number;
  /** Equity at each bar's close. */
  readonly equity: Float64Array;
  /** When it was stored (UTC ms). */
  readonly createdAt: number;
}

/** Stores and finds optimisation trials. */
export interface TrialStore {
  /** Stores the trials (a trial stored before under the same key is replaced); returns how many. */
  saveTrials(trials: readonly StoredTrial[]): Promise<number>;
  /** The stored trials among `keys`, by key. */
  findTrials(keys: readonly string[]): Promise<Map<string, StoredTrial>>;
}
