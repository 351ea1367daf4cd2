/**
 * The data the report page embeds as JSON (`<script type="application/json" id="mts-data">`)
 * and its browser script reads: the contract between {@link buildPayload} (pure, Deno side) and
 * `browser/main.ts` (DOM side). Times are UTC ms; non-finite numbers arrive as `null`.
 * @module
 */

/** Close prices of one asset, thinned for drawing. */
export interface PricePayload {
  readonly asset: string;
  readonly t: readonly number[];
  readonly close: readonly number[];
}

/** A closed trade, as the trade table and the price markers show it. */
export interface TradePayload {
  readonly asset: string;
  readonly side: "long" | "short";
  readonly entryTs: number;
  readonly entryPrice: number;
  readonly exitTs: number;
  readonly exitPrice: number;
  readonly size: number;
  readonly pnl: number;
  /** Fraction of the capital committed. */
  readonly returnPct: number;
  readonly fees: number;
  readonly exitReason: string;
}

/** A position still open at the end (an entry marker without an exit). */
export interface OpenPayload {
  readonly asset: string;
  readonly side: "long" | "short";
  readonly entryTs: number;
  readonly entryPrice: number;
}

/** Everything the page script needs. */
export interface ReportPayload {
  /** Equity timeline: bar open times (thinned to at most ~`maxPoints`). */
  readonly t: readonly number[];
  /** Equity at the close of each bar of `t`. */
  readonly equity: readonly number[];
  /** Equal-weight buy-and-hold equity at each bar of `t`; `null` without prices. */
  readonly buyHold: readonly number[] | null;
  /** Drawdown from the running peak in percent, ≤ 0. */
  readonly drawdownPct: readonly number[];
  readonly prices: readonly PricePayload[];
  readonly trades: readonly TradePayload[];
  readonly open: readonly OpenPayload[];
  /** Most trade rows shown at once (the filter and sort see every trade). */
  readonly maxTradeRows: number;
  /** Whether bar times need hours and minutes (intraday bars) or dates suffice. */
  readonly showTime: boolean;
}
