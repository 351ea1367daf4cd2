/**
 * The arbitrage alert: what the detector emits when an opportunity opens, changes or closes. The
 * same JSON goes to the terminal (`--json`), the pub/sub channel `mts:alerts:arbitrage`, the
 * webhook and (summarised) SQLite. Numbers are rounded from exact values: prices and amounts to
 * {@link AMOUNT_DIGITS} digits, bps to {@link BPS_DIGITS}.
 * @module
 */
import type { BookState, Exchange, Market } from "../sync.ts";

/** Fractional digits of VWAPs, sizes and amounts in an alert. */
export const AMOUNT_DIGITS = 10;
/** Fractional digits of bps figures in an alert. */
export const BPS_DIGITS = 4;

/** Lifecycle events: one `opened`, any number of `updated`, one `closed`. */
export type AlertEvent = "opened" | "updated" | "closed";

/** One leg of the trade. */
export interface AlertLeg {
  /** The exchange. */
  readonly exchange: Exchange;
  /** The market. */
  readonly market: Market;
  /** The symbol on that book. */
  readonly symbol: string;
  /** Its quote currency. */
  readonly quote: string;
  /** Volume-weighted price of the size on this book. */
  readonly vwap: number;
  /** The taker fee used, fraction of notional. */
  readonly fee: number;
  /** The fee paid, in this leg's quote currency. */
  readonly feeAmount: number;
  /** Notional of this leg before fees, in its quote currency. */
  readonly notional: number;
  /** Levels of the book the size reaches. */
  readonly levels: number;
  /** The book's last update id. */
  readonly updateId: number;
  /** The book's age at evaluation (now − received), ms. */
  readonly ageMs: number;
  /** The book's sync state at evaluation. */
  readonly state: BookState;
  /** For a perpetual: its funding rate per interval (fraction), or `null` when unknown. */
  readonly fundingRate?: number | null;
  /** For a perpetual: the next settlement (ISO), or `null` when unknown. */
  readonly nextFundingTime?: string | null;
}

/** The funding difference of a trade with a perpetual leg, up to each leg's next settlement. */
export interface AlertFunding {
  /**
   * What the position earns (+) or pays (−) at the next settlement of its perpetual legs, bps of
   * the buy notional: the short leg receives its rate, the long leg pays its rate. `null` when a
   * perpetual leg's rate is not known.
   */
  readonly netBps: number | null;
  /** The earliest next settlement of the perpetual legs (ISO), or `null`. */
  readonly nextSettlement: string | null;
}

/** An arbitrage alert. */
export interface ArbitrageAlert {
  /** What happened. */
  readonly event: AlertEvent;
  /** Stable id of the opportunity (the dedupe key): `pair@openedAtMs`. */
  readonly id: string;
  /** The pair: `BTC binance:spot>bybit:perp` (base, buy book, sell book). */
  readonly pair: string;
  /** The buy leg's symbol. */
  readonly symbol: string;
  /** The base asset. */
  readonly base: string;
  /** Buy here (take the asks). */
  readonly buy: AlertLeg;
  /** Sell here (hit the bids). */
  readonly sell: AlertLeg;
  /** Base quantity bought and sold. */
  readonly size: number;
  /** Buy leg notional, buy quote. */
  readonly notional: number;
  /** True when `--max-notional`, not the books' depth, limited the size. */
  readonly capped: boolean;
  /** Edge before fees and fixed cost, bps of the buy notional. */
  readonly grossBps: number;
  /** Edge after fees, conversion and fixed cost, bps of the buy notional. */
  readonly netBps: number;
  /** Net profit, buy quote. */
  readonly netAmount: number;
  /** The fixed cost counted, buy quote. */
  readonly fixedCost: number;
  /** Units of the buy quote per unit of the sell quote (1 when both legs quote alike). */
  readonly conversionRate: number;
  /** The conversion: currencies and where the rate came from. */
  readonly conversion: { readonly from: string; readonly to: string; readonly source: string };
  /** Funding difference, when a leg is a perpetual. */
  readonly funding: AlertFunding | null;
  /** Highest net bps seen while open. */
  readonly peakNetBps: number;
  /** Evaluations that cleared the threshold so far. */
  readonly evaluations: number;
  /** When it opened (ISO). */
  readonly openedAt: string;
  /** When this event happened (ISO). */
  readonly at: string;
  /** Time open so far (closed: in all), ms. */
  readonly durationMs: number;
  /** Why it closed: `edge` (below the close threshold), or the veto (`stale`, `crossed`, …). */
  readonly reason?: string;
}
