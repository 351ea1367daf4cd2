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
  readonly trialKey: string;
  readonly configHash: string;
  readonly datasetHash: string;
  readonly dataChecksum: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Every metric, as the engine computed it. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly trades: number;
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
