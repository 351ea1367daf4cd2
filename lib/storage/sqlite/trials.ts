/**
 * Optimisation trials in SQLite (`optimize_trials`, one row per trial key). Metrics are JSON with
 * non-finite numbers written as the strings "NaN", "Infinity", "-Infinity" so that they read back
 * exactly; the equity curve is a BLOB of little-endian float64 values.
 * @module
 */
import type { StoredTrial, TrialStore } from "../trial_store.ts";
import { metricsJson, toTrial } from "../trial_rows.ts";
import type { SqliteDb } from "./db.ts";
import type { Row } from "./rows.ts";

/** Keys per lookup query (SQLite's bound-parameter limit is far above this). */
const CHUNK = 500;

/** The trial concern of the SQLite store. */
export class SqliteTrials implements TrialStore {
  readonly #db: SqliteDb;

  /** Optimisation trials of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async saveTrials(trials: readonly StoredTrial[]): Promise<number> {
    if (trials.length === 0) return 0;
    return await this.#db.write(() => {
      const put = this.#db.stmt(
        `INSERT OR REPLACE INTO optimize_trials (trial_key, config_hash, dataset_hash,
           data_checksum, strategy, params, metrics, trades, equity, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const t of trials) {
        const e = t.equity;
        put.run(
          t.trialKey,
          t.configHash,
          t.datasetHash,
          t.dataChecksum,
          t.strategy,
          JSON.stringify(t.params),
          metricsJson(t.metrics),
          t.trades,
          new Uint8Array(e.buffer, e.byteOffset, e.byteLength),
          t.createdAt,
        );
      }
      return trials.length;
    });
  }

  findTrials(keys: readonly string[]): Promise<Map<string, StoredTrial>> {
    const out = new Map<string, StoredTrial>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const part = keys.slice(i, i + CHUNK);
      const rows = this.#db.read(
        `SELECT * FROM optimize_trials WHERE trial_key IN (${part.map(() => "?").join(",")})`,
      ).all(...part) as Row[];
      for (const r of rows) out.set(String(r.trial_key), toTrial(r));
    }
    return Promise.resolve(out);
  }
}
