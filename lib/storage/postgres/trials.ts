/**
 * Optimisation trials in PostgreSQL (`optimize_trials`, one row per trial key), as in SQLite
 * (`../sqlite/trials.ts`): metrics JSON with non-finite numbers as the strings "NaN",
 * "Infinity", "-Infinity"; the equity curve as `bytea` of little-endian float64 values.
 * @module
 */
import type { StoredTrial, TrialStore } from "../trial_store.ts";
import { metricsJson, toTrial } from "../trial_rows.ts";
import type { PgDb } from "./db.ts";

/** The trial concern of the PostgreSQL store. */
export class PgTrials implements TrialStore {
  readonly #db: PgDb;

  /** Optimisation trials of `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  async saveTrials(trials: readonly StoredTrial[]): Promise<number> {
    if (trials.length === 0) return 0;
    return await this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      for (const t of trials) {
        const e = t.equity;
        const equity = new Uint8Array(e.buffer, e.byteOffset, e.byteLength);
        await sql`
          INSERT INTO optimize_trials (trial_key, config_hash, dataset_hash, data_checksum,
            strategy, params, metrics, trades, equity, created_at)
          VALUES (${t.trialKey}, ${t.configHash}, ${t.datasetHash}, ${t.dataChecksum},
            ${t.strategy}, ${JSON.stringify(t.params)}, ${metricsJson(t.metrics)}, ${t.trades},
            ${equity}, ${t.createdAt})
          ON CONFLICT (trial_key) DO UPDATE SET config_hash = excluded.config_hash,
            dataset_hash = excluded.dataset_hash, data_checksum = excluded.data_checksum,
            strategy = excluded.strategy, params = excluded.params, metrics = excluded.metrics,
            trades = excluded.trades, equity = excluded.equity, created_at = excluded.created_at`;
      }
      return trials.length;
    });
  }

  async findTrials(keys: readonly string[]): Promise<Map<string, StoredTrial>> {
    const out = new Map<string, StoredTrial>();
    if (keys.length === 0) return out;
    const sql = await this.#db.sql();
    const rows = await sql`SELECT * FROM optimize_trials WHERE trial_key IN ${sql(keys)}`;
    for (const r of rows) out.set(String(r.trial_key), toTrial(r));
    return out;
  }
}

/** Bytes as lowercase hex (PostgreSQL's `bytea` input form after `\x`). */
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, "0");
  return s;
}
