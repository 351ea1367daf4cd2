/**
 * Arbitrage opportunities in SQLite (`arbitrage_opportunities`, one row per opportunity id). Each
 * event is one upsert, so replaying the same alerts leaves the same rows.
 * @module
 */
import type {
  ArbitrageEventRow,
  ArbitrageOpportunityRecord,
  ArbitrageStore,
} from "../arbitrage_store.ts";
import type { SqliteDb } from "./db.ts";
import { optNum, optStr, type Row, toJson } from "./rows.ts";

/** The arbitrage concern of the SQLite store. */
export class SqliteArbitrage implements ArbitrageStore {
  readonly #db: SqliteDb;

  /** Opportunities over `db`. */
  constructor(db: SqliteDb) {
    this.#db = db;
  }

  async recordArbitrageEvent(r: ArbitrageEventRow): Promise<void> {
    const closed = r.event === "closed";
    await this.#db.write(() => {
      this.#db.stmt(
        `INSERT INTO arbitrage_opportunities (id, pair, symbol, opened_at, closed_at, duration_ms,
           open_net_bps, peak_net_bps, last_net_bps, size, notional, net_amount, events,
           close_reason, source, last_alert, last_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?9, ?10, ?11, 1, ?12, ?13, ?14, ?15)
         ON CONFLICT (id) DO UPDATE SET
           closed_at = coalesce(closed_at, excluded.closed_at),
           duration_ms = coalesce(duration_ms, excluded.duration_ms),
           peak_net_bps = max(peak_net_bps, excluded.peak_net_bps),
           last_net_bps = excluded.last_net_bps, size = excluded.size,
           notional = excluded.notional, net_amount = excluded.net_amount,
           events = events + 1,
           close_reason = coalesce(close_reason, excluded.close_reason),
           last_alert = excluded.last_alert, last_at = excluded.last_at
         WHERE ?16 <> 'opened' AND excluded.last_at >= last_at AND closed_at IS NULL`,
      ).run(
        r.id,
        r.pair,
        r.symbol,
        r.openedAtMs,
        closed ? r.atMs : null,
        closed ? r.atMs - r.openedAtMs : null,
        r.netBps,
        r.peakNetBps,
        r.size,
        r.notional,
        r.netAmount,
        closed ? r.reason ?? null : null,
        r.source,
        toJson(r.alert),
        r.atMs,
        r.event,
      );
    });
  }

  listArbitrageOpportunities(
    filter: { limit?: number; open?: boolean } = {},
  ): Promise<ArbitrageOpportunityRecord[]> {
    const rows = this.#db.read(
      `SELECT * FROM arbitrage_opportunities WHERE (?1 = 0 OR closed_at IS NULL)
       ORDER BY opened_at DESC, id LIMIT ?2`,
    ).all(filter.open ? 1 : 0, filter.limit ?? -1) as Row[];
    return Promise.resolve(rows.map(record));
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
