/**
 * Trading signals: what a strategy wants, before aggregation and risk turn it into orders.
 * @module
 */

/** Desired side of a position. `flat` means "hold nothing in this asset". */
export type Direction = "long" | "short" | "flat";

/**
 * A strategy's wish for one asset at one decision time. A signal is a *target*: `long` with
 * `size: 0.02` means "hold a long position worth 2% of equity", not "buy 2% more".
 */
export interface Signal {
  /** Decision time in UTC ms (the strategy context's `now`). */
  readonly ts: number;
  /** Asset id the signal is about. */
  readonly asset: string;
  /** Target direction: long, short or flat. */
  readonly direction: Direction;
  /** How sure the strategy is, 0..1. */
  readonly confidence: number;
  /** Target position size as a fraction of equity (0..1, ignored for `flat`). */
  readonly size: number;
  /** Stop-loss distance from the entry price as a fraction (0.05 = 5% adverse move). */
  readonly stopLoss?: number;
  /** Take-profit distance from the entry price as a fraction (0.1 = 10% favourable move). */
  readonly takeProfit?: number;
  /**
   * How the backtest engine should enter when this signal opens a position: `market` (default),
   * or a `limit` / `stop` order at {@link Signal.orderPrice}. Exits are always market orders.
   */
  readonly orderType?: "market" | "limit" | "stop";
  /** Limit or stop price for `orderType` `limit` / `stop` (quote currency). */
  readonly orderPrice?: number;
  /** Name of the strategy (or `aggregate`) that produced it. */
  readonly strategy: string;
  /** One line a human can read: why it fired. */
  readonly reason: string;
  /** The numbers the decision used (correlation, VIX level, drawdown, …). */
  readonly inputs?: Readonly<Record<string, number | string | boolean | null>>;
}

/** Checks a signal's fields; returns the problem or `undefined`. */
export function signalProblem(s: Signal): string | undefined {
  if (!(s.confidence >= 0 && s.confidence <= 1)) {
    return `confidence must be in [0, 1], got ${s.confidence}`;
  }
  if (!(s.size >= 0 && s.size <= 1)) return `size must be in [0, 1], got ${s.size}`;
  if (s.stopLoss !== undefined && !(s.stopLoss > 0)) {
    return `stopLoss must be a positive fraction, got ${s.stopLoss}`;
  }
  if (s.takeProfit !== undefined && !(s.takeProfit > 0)) {
    return `takeProfit must be a positive fraction, got ${s.takeProfit}`;
  }
  if (
    (s.orderType === "limit" || s.orderType === "stop") &&
    !(s.orderPrice !== undefined && s.orderPrice > 0 && Number.isFinite(s.orderPrice))
  ) {
    return `orderPrice must be a positive price for a ${s.orderType} order, got ${s.orderPrice}`;
  }
  return undefined;
}
