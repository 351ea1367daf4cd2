/**
 * Backtest runs in SQLite (`backtest_runs`).
 * @module
 */
import type { BacktestRunRecord, BacktestRunStore } from "../backtest_store.ts";
import type { SqliteDb } from "./db.ts";
import { optNum, type Row, toJson } from "./rows.ts";

/** The backtest-run concern of the SQLite store. */
export class SqliteBacktests implements BacktestRunStore {
  readonly #db: SqliteDb;

  /** Backtest runs of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async saveBacktestRun(run: BacktestRunRecord): Promise<number> {
    return await this.#db.write(() =>
      Number(
        this.#db.stmt(
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
          toJson(run.metrics),
        ).lastInsertRowid,
      )
    );
  }

  listBacktestRuns(limit = 50): Promise<BacktestRunRecord[]> {
    const rows = this.#db.read(`SELECT * FROM backtest_runs ORDER BY id DESC LIMIT ?`).all(
      limit,
    ) as Row[];
    return Promise.resolve(rows.map(toRecord));
  }

  getBacktestRun(id: number): Promise<BacktestRunRecord | undefined> {
    const row = this.#db.read(`SELECT * FROM backtest_runs WHERE id = ?`).get(id) as
      | Row
      | undefined;
    return Promise.resolve(row ? toRecord(row) : undefined);
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
