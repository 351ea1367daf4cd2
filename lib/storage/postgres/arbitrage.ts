/**
 * Arbitrage opportunities in PostgreSQL (`arbitrage_opportunities`, one row per opportunity id).
 * Each event is one upsert, so replaying the same alerts leaves the same rows.
 * @module
 */
import type {
  ArbitrageEventRow,
  ArbitrageOpportunityRecord,
  ArbitrageStore,
} from "../arbitrage_store.ts";
import { optNum, optStr, type Row, toJson } from "../sqlite/rows.ts";
import type { PgDb } from "./db.ts";

/** The arbitrage concern of the PostgreSQL store. */
export class PgArbitrage implements ArbitrageStore {
  readonly #db: PgDb;

  /** Opportunities over `db`. */
  constructor(db: PgDb) {
    this.#db = db;
  }

  async recordArbitrageEvent(r: ArbitrageEventRow): Promise<void> {
    const closed = r.event === "closed";
    const sql = await this.#db.sql();
    await sql`
      INSERT INTO arbitrage_opportunities AS o (id, pair, symbol, opened_at, closed_at,
        duration_ms, open_net_bps, peak_net_bps, last_net_bps, size, notional, net_amount, events,
        close_reason, source, last_alert, last_at)
      VALUES (${r.id}, ${r.pair}, ${r.symbol}, ${r.openedAtMs}, ${closed ? r.atMs : null},
        ${closed ? r.atMs - r.openedAtMs : null}, ${r.netBps}, ${r.peakNetBps}, ${r.netBps},
        ${r.size}, ${r.notional}, ${r.netAmount}, 1, ${closed ? r.reason ?? null : null},
        ${r.source}, ${toJson(r.alert)}, ${r.atMs})
      ON CONFLICT (id) DO UPDATE SET
        closed_at = coalesce(o.closed_at, excluded.closed_at),
        duration_ms = coalesce(o.duration_ms, excluded.duration_ms),
        peak_net_bps = greatest(o.peak_net_bps, excluded.peak_net_bps),
        last_net_bps = excluded.last_net_bps, size = excluded.size,
        notional = excluded.notional, net_amount = excluded.net_amount,
        events = o.events + 1,
        close_reason = coalesce(o.close_reason, excluded.close_reason),
        last_alert = excluded.last_alert, last_at = excluded.last_at
      WHERE ${r.event}::text <> 'opened' AND excluded.last_at >= o.last_at
        AND o.closed_at IS NULL`;
  }

  async listArbitrageOpportunities(
    filter: { limit?: number; open?: boolean } = {},
  ): Promise<ArbitrageOpportunityRecord[]> {
    const sql = await this.#db.sql();
    const rows = await sql`
      SELECT * FROM arbitrage_opportunities
      WHERE (${filter.open ?? false}::boolean = false OR closed_at IS NULL)
      ORDER BY opened_at DESC, id COLLATE "C" LIMIT ${filter.limit ?? null}`;
    return rows.map((r) => record(r as Row));
  }
}

function record(r: Row): ArbitrageOpportunityRecord {
  return {
    id: String(r.id),
    pair: String(r.pair),
    symbol: String(r.symbol),
    openedAt: Number(r.opened_at),
    closedAt: optNum(r.closed_at),
    durationMs: optNum(r.duration_ms),
    openNetBps: Number(r.open_net_bps),
    peakNetBps: Number(r.peak_net_bps),
    lastNetBps: Number(r.last_net_bps),
    size: Number(r.size),
    notional: Number(r.notional),
    netAmount: Number(r.net_amount),
    events: Number(r.events),
    closeReason: optStr(r.close_reason),
    source: String(r.source),
    lastAlert: JSON.parse(String(r.last_alert)),
  };
}
