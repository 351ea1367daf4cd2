/**
 * Signals in PostgreSQL (`signals`, one per ts, asset and strategy; a re-run replaces them).
 * @module
 */
import type { Signal } from "../../core/signal.ts";
import type { SignalFilter, SignalStore } from "../signal_store.ts";
import { nul, optNum } from "../sqlite/rows.ts";
import type { PgDb } from "./db.ts";

/** The signal concern of the PostgreSQL store. */
export class PgSignals implements SignalStore {
  readonly #db: PgDb;

  /** Signals of `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  async saveSignals(
    signals: readonly Signal[],
    prices: Readonly<Record<string, number>> = {},
  ): Promise<number> {
    const now = this.#db.now();
    await this.#db.transaction(async () => {
      const sql = await this.#db.sql();
      for (const s of signals) {
        await sql`
          INSERT INTO signals (ts, asset, strategy, direction, confidence, size, price, stop_loss,
                               take_profit, reason, inputs, created_at)
          VALUES (${s.ts}, ${s.asset}, ${s.strategy}, ${s.direction}, ${s.confidence}, ${s.size},
                  ${nul(prices[s.asset])}, ${s.stopLoss ?? null}, ${s.takeProfit ?? null},
                  ${s.reason}, ${s.inputs ? JSON.stringify(s.inputs) : null}, ${now})
          ON CONFLICT (ts, asset, strategy) DO UPDATE SET
            direction = excluded.direction, confidence = excluded.confidence,
            size = excluded.size, price = excluded.price, stop_loss = excluded.stop_loss,
            take_profit = excluded.take_profit, reason = excluded.reason,
            inputs = excluded.inputs, created_at = excluded.created_at`;
      }
    });
    return signals.length;
  }

  async listSignals(filter: SignalFilter = {}): Promise<Signal[]> {
    const sql = await this.#db.sql();
    const asset = filter.asset ?? null, strategy = filter.strategy ?? null;
    const from = filter.from ?? null, to = filter.to ?? null;
    const rows = await sql`
      SELECT * FROM signals WHERE (${asset}::text IS NULL OR asset = ${asset})
        AND (${strategy}::text IS NULL OR strategy = ${strategy})
        AND (${from}::bigint IS NULL OR ts >= ${from}) AND (${to}::bigint IS NULL OR ts <= ${to})
      ORDER BY ts DESC, asset COLLATE "C", strategy COLLATE "C" LIMIT ${filter.limit ?? null}
      OFFSET ${filter.offset ?? 0}`;
    return rows.map((r) => ({
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
    }));
  }
}
