/**
 * Orders, fills and trades: the broker's vocabulary, shared by the backtest engine and reports.
 *
 * Quantities are in units of the asset and always positive; `side` says which way. Prices are in
 * the quote currency. Times are UTC ms.
 * @module
 */

/** Which way an order trades. */
export type OrderSide = "buy" | "sell";

/** Which way a position points. */
export type PositionSide = "long" | "short";

/**
 * How an order fills:
 * - `market`: at the next bar's open (or at the decision bar's close with `fill: "close"`);
 * - `limit`: when the bar reaches `price` (buy: low <= price; sell: high >= price), at `price`,
 *   or at the open when the bar opens beyond it;
 * - `stop`: when the bar reaches `price` (buy: high >= price; sell: low <= price), at `price`,
 *   or at the open when the bar gaps through it.
 */
export type OrderType = "market" | "limit" | "stop";

/**
 * What an order is for. `entry` opens a position sized as a fraction of equity at fill time;
 * `exit` closes the whole position (signal-driven, or the end-of-run close); `stop_loss` and
 * `take_profit` are attached to an open position and cancel each other.
 */
export type OrderRole = "entry" | "exit" | "stop_loss" | "take_profit";

/** An order as the broker holds it. */
export interface Order {
  /** Unique within a run, in placement order. */
  readonly id: number;
  /** Asset id. */
  readonly asset: string;
  /** Buy or sell. */
  readonly side: OrderSide;
  /** Market, limit or stop. */
  readonly type: OrderType;
  /** Entry, exit, stop-loss or take-profit. */
  readonly role: OrderRole;
  /** Limit or stop price; `NaN` for market orders. */
  readonly price: number;
  /** Entries: target position size as a fraction of equity at fill time. Exits: unused (1). */
  readonly fraction: number;
  /** Entries only: stop-loss distance as a fraction of the fill price. */
  readonly stopLoss?: number;
  /** Entries only: take-profit distance as a fraction of the fill price. */
  readonly takeProfit?: number;
  /** When it was decided (UTC ms). */
  readonly createdTs: number;
  /** Strategy (or `aggregate`, `engine`) that caused it. */
  readonly source: string;
  /** Why: the signal's reason, `stop-loss`, `end of run`, … */
  readonly reason: string;
}

/** One execution. */
export interface Fill {
  /** The order that filled. */
  readonly orderId: number;
  /** Asset id. */
  readonly asset: string;
  /** Buy or sell. */
  readonly side: OrderSide;
  /** The order's role. */
  readonly role: OrderRole;
  /** The order's type. */
  readonly orderType: OrderType;
  /** Fill time (UTC ms): the bar's open time for fills at the open, its close time otherwise. */
  readonly ts: number;
  /** Execution price, slippage included. */
  readonly price: number;
  /** Units, positive. */
  readonly qty: number;
  /** Commission paid on this fill (rate × notional + fixed). */
  readonly fee: number;
  /** Slippage cost of this fill in quote currency (|price − reference| × qty). */
  readonly slippage: number;
  /** Price the fill would have had without slippage (open, close, limit or stop price). */
  readonly referencePrice: number;
}

/** An order the broker refused or cut down, and why. */
export interface OrderRejection {
  /** When (UTC ms). */
  readonly ts: number;
  /** Asset id. */
  readonly asset: string;
  /** The order concerned. */
  readonly orderId: number;
  /** `rejected`: nothing filled; `reduced`: filled smaller than asked. */
  readonly outcome: "rejected" | "reduced";
  /** Why, in words (e.g. `a position in this asset is already open`). */
  readonly reason: string;
  /** Equity the order asked for and what it got (quote currency). */
  readonly requested: number;
  /** Equity it got (quote currency). */
  readonly granted: number;
}

/** A closed round trip: from flat to a position and back to flat. */
export interface Trade {
  /** Asset id. */
  readonly asset: string;
  /** Long or short. */
  readonly side: PositionSide;
  /** Entry fill time (UTC ms). */
  readonly entryTs: number;
  /** Entry fill price, slippage included. */
  readonly entryPrice: number;
  /** Exit fill time (UTC ms). */
  readonly exitTs: number;
  /** Exit fill price, slippage included. */
  readonly exitPrice: number;
  /** Units, positive. */
  readonly size: number;
  /** Net profit in quote currency, both fills' fees deducted. */
  readonly pnl: number;
  /** `pnl / (entryPrice × size)`: net return on the capital committed. */
  readonly returnPct: number;
  /** Commission paid on entry and exit. */
  readonly fees: number;
  /** What closed it: `signal`, `stop_loss`, `take_profit`, `end of run`, `liquidation`. */
  readonly exitReason: string;
}

/** A position still open at the end of a run (`closeAtEnd: "none"`). */
export interface OpenPosition {
  /** Asset id. */
  readonly asset: string;
  /** Long or short. */
  readonly side: PositionSide;
  /** Entry fill time (UTC ms). */
  readonly entryTs: number;
  /** Entry fill price, slippage included. */
  readonly entryPrice: number;
  /** Units, positive. */
  readonly size: number;
  /** Last close, at which it is valued in the equity curve. */
  readonly lastPrice: number;
  /** `(lastPrice − entryPrice) × signed size − entry fees`. */
  readonly unrealizedPnl: number;
  /** Commission paid on entry. */
  readonly fees: number;
}
