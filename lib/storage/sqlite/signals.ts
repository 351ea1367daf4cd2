/**
 * Signals in SQLite (`signals`, one per ts, asset and strategy).
 * @module
 */
import type { Signal } from "../../core/signal.ts";
import type { SignalFilter, SignalStore } from "../signal_store.ts";
import type { SqliteDb } from "./db.ts";
import { nul, optNum, type Row } from "./rows.ts";

/** The signal concern of the SQLite store. */
export class SqliteSignals implements SignalStore {
  readonly #db: SqliteDb;

  /** Signals of `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async saveSignals(
    signals: readonly Signal[],
    prices: Readonly<Record<string, number>> = {},
  ): Promise<number> {
    const now = this.#db.now();
    await this.#db.write(() => {
      const stmt = this.#db.stmt(
        `INSERT OR REPLACE INTO signals
           (ts, asset, strategy, direction, confidence, size, price, stop_loss, take_profit, reason, inputs, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const s of signals) {
        stmt.run(
          s.ts,
          s.asset,
          s.strategy,
          s.direction,
          s.confidence,
          s.size,
          nul(prices[s.asset]),
          s.stopLoss ?? null,
          s.takeProfit ?? null,
          s.reason,
          s.inputs ? JSON.stringify(s.inputs) : null,
          now,
        );
      }
    });
    return signals.length;
  }

  listSignals(filter: SignalFilter = {}): Promise<Signal[]> {
    const rows = this.#db.read(
      `SELECT * FROM signals WHERE (?1 IS NULL OR asset = ?1) AND (?2 IS NULL OR strategy = ?2)
         AND (?4 IS NULL OR ts >= ?4) AND (?5 IS NULL OR ts <= ?5)
       ORDER BY ts DESC, asset, strategy LIMIT ?3 OFFSET ?6`,
    ).all(
      filter.asset ?? null,
      filter.strategy ?? null,
      filter.limit ?? -1,
      filter.from ?? null,
      filter.to ?? null,
      filter.offset ?? 0,
    ) as Row[];
    return Promise.resolve(rows.map((r) => ({
      ts: Number(r.ts),
      asset: String(r.asset),
      strategy: String(r.strategy),
      direction: String(r.direction) as Signal["direction"],
      confidence: Number(r.confidence),
      size: Number(r.size),
      stopLoss: optNum(r.stop_loss),
      takeProfit: optNum(r.take_profit),
      reason: String(r.reason),
      inputs: r.inputs === null ? undefined : JSON.parse(String(r.inputs)),
    })));
  }
}
