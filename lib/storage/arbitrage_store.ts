/**
 * The arbitrage concern of the store: one row per opportunity (`arbitrage_opportunities`), from
 * the alert that opened it to the one that closed it — when it opened, its net bps at opening,
 * at its peak and last, its size and amounts, when and why it closed and how long it lasted, and
 * the last alert's JSON. Writes are idempotent by opportunity id, so replaying a recording twice
 * leaves the same rows.
 * @module
 */

/** One lifecycle event of an opportunity, as the store takes it. */
export interface ArbitrageEventRow {
  /** `opened`, `updated` or `closed`. */
  readonly event: "opened" | "updated" | "closed";
  /** The opportunity id (the alert's dedupe key). */
  readonly id: string;
  /** The pair, e.g. `BTC binance:spot>bybit:perp`. */
  readonly pair: string;
  /** The buy leg's symbol. */
  readonly symbol: string;
  /** When it opened, UTC ms. */
  readonly openedAtMs: number;
  /** When this event happened, UTC ms. */
  readonly atMs: number;
  /** Net bps at this event. */
  readonly netBps: number;
  /** Highest net bps so far. */
  readonly peakNetBps: number;
  /** Base quantity. */
  readonly size: number;
  /** Buy notional, buy quote. */
  readonly notional: number;
  /** Net profit, buy quote. */
  readonly netAmount: number;
  /** Why it closed (closed events). */
  readonly reason?: string;
  /** `live` or `replay`. */
  readonly source: string;
  /** The whole alert (stored as JSON). */
  readonly alert: unknown;
}

/** A stored opportunity. */
export interface ArbitrageOpportunityRecord {
  /** The opportunity id. */
  id: string;
  /** The pair. */
  pair: string;
  /** The buy leg's symbol. */
  symbol: string;
  /** When it opened, UTC ms. */
  openedAt: number;
  /** When it closed, UTC ms; absent while open. */
  closedAt?: number;
  /** How long it lasted, ms; absent while open. */
  durationMs?: number;
  /** Net bps when it opened. */
  openNetBps: number;
  /** Highest net bps. */
  peakNetBps: number;
  /** Net bps at the last event. */
  lastNetBps: number;
  /** Base quantity at the last event. */
  size: number;
  /** Buy notional at the last event. */
  notional: number;
  /** Net profit at the last event. */
  netAmount: number;
  /** Events recorded (opened, updates, closed). */
  events: number;
  /** Why it closed. */
  closeReason?: string;
  /** `live` or `replay`. */
  source: string;
  /** The last alert. */
  lastAlert: unknown;
}

/** Arbitrage opportunities. */
export interface ArbitrageStore {
  /**
   * Records one lifecycle event: `opened` creates the row (a second `opened` of the same id
   * changes nothing), `updated` refreshes the figures and the peak, `closed` sets the close time,
   * reason and duration. An event for an unknown id creates the row.
   */
  recordArbitrageEvent(row: ArbitrageEventRow): Promise<void>;
  /** Opportunities, newest first (`open`: only those not closed). */
  listArbitrageOpportunities(
    filter?: { limit?: number; open?: boolean },
  ): Promise<ArbitrageOpportunityRecord[]>;
}
