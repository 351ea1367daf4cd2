/**
 * The data the report page embeds as JSON (`<script type="application/json" id="mts-data">`)
 * and its browser script reads: the contract between {@link buildPayload} (pure, Deno side) and
 * `browser/main.ts` (DOM side). Times are UTC ms; non-finite numbers arrive as `null`.
 * @module
 */

/** Close prices of one asset, thinned for drawing. */
export interface PricePayload {
  /** Asset id, as given by the user (shown as text, never as HTML). */
  readonly asset: string;
  /** Bar open times (UTC ms). */
  readonly t: readonly number[];
  /** Close of each bar of `t`. */
  readonly close: readonly number[];
}

/** A closed trade, as the trade table and the price markers show it. */
export interface TradePayload {
  /** Asset id. */
  readonly asset: string;
  /** Long or short. */
  readonly side: "long" | "short";
  /** Entry fill time (UTC ms). */
  readonly entryTs: number;
  /** Entry fill price. */
  readonly entryPrice: number;
  /** Exit fill time (UTC ms); the last bar's close time for an end-of-run exit. */
  readonly exitTs: number;
  /** Exit fill price. */
  readonly exitPrice: number;
  /** Units, positive. */
  readonly size: number;
  /** Net profit in quote currency, fees deducted. */
  readonly pnl: number;
  /** Fraction of the capital committed. */
  readonly returnPct: number;
  /** Commission paid on entry and exit. */
  readonly fees: number;
  /** What closed it (`signal`, `stop_loss`, `end of run`, …). */
  readonly exitReason: string;
}

/** A position still open at the end (an entry marker without an exit). */
export interface OpenPayload {
  /** Asset id. */
  readonly asset: string;
  /** Long or short. */
  readonly side: "long" | "short";
  /** Entry fill time (UTC ms). */
  readonly entryTs: number;
  /** Entry fill price. */
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
  /** Close prices per asset, one price chart each. */
  readonly prices: readonly PricePayload[];
  /** Every closed trade. */
  readonly trades: readonly TradePayload[];
  /** Positions still open at the end. */
  readonly open: readonly OpenPayload[];
  /** Most trade rows shown at once (the filter and sort see every trade). */
  readonly maxTradeRows: number;
  /** Whether bar times need hours and minutes (intraday bars) or dates suffice. */
  readonly showTime: boolean;
}
