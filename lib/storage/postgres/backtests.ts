/**
 * Backtest runs in PostgreSQL (`backtest_runs`).
 * @module
 */
import type { BacktestRunRecord, BacktestRunStore } from "../backtest_store.ts";
import { optNum, type Row, toJson } from "../sqlite/rows.ts";
import type { PgDb } from "./db.ts";

/** The backtest-run concern of the PostgreSQL store. */
export class PgBacktests implements BacktestRunStore {
  readonly #db: PgDb;

  /** Backtest runs of `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  async saveBacktestRun(run: BacktestRunRecord): Promise<number> {
    const sql = await this.#db.sql();
    const [r] = await sql`
      INSERT INTO backtest_runs (created_at, strategy, assets, start_ts, end_ts, params,
        config_hash, data_checksum, engine_version, metrics)
      VALUES (${run.createdAt}, ${run.strategy}, ${JSON.stringify(run.assets)},
        ${run.startTs ?? null}, ${run.endTs ?? null}, ${JSON.stringify(run.params)},
        ${run.configHash}, ${run.dataChecksum}, ${run.engineVersion}, ${toJson(run.metrics)})
      RETURNING id`;
    return Number(r.id);
  }

  async listBacktestRuns(limit = 50): Promise<BacktestRunRecord[]> {
    const sql = await this.#db.sql();
    const rows = await sql`SELECT * FROM backtest_runs ORDER BY id DESC LIMIT ${limit}`;
    return rows.map((r) => toRecord(r as Row));
  }

  async getBacktestRun(id: number): Promise<BacktestRunRecord | undefined> {
    const sql = await this.#db.sql();
    const [row] = await sql`SELECT * FROM backtest_runs WHERE id = ${id}`;
    return row ? toRecord(row as Row) : undefined;
  }
}

function toRecord(r: Row): BacktestRunRecord {
  return {
    id: Number(r.id),
    createdAt: Number(r.created_at),
    strategy: String(r.strategy),
    assets: JSON.parse(String(r.assets)),
    startTs: optNum(r.start_ts),
    endTs: optNum(r.end_ts),
    params: JSON.parse(String(r.params)),
    configHash: String(r.config_hash),
    dataChecksum: String(r.data_checksum),
    engineVersion: String(r.engine_version),
    metrics: JSON.parse(String(r.metrics)),
  };
}
