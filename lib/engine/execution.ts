/**
 * Fill rules: where a limit, stop, stop-loss or take-profit fills against one OHLC bar, how
 * slippage moves a price, and what commission a fill pays. Pure functions, no state.
 *
 * - A limit or stop triggers when the bar's range reaches its price and fills at that price; when
 *   the bar *opens* beyond the price (a gap), it fills at the open. Reaching includes touching:
 *   every comparison is `<=` / `>=`, so a low or high exactly at the price fills it.
 * - Stop-loss and take-profit: when both could trigger inside one bar and neither was gapped
 *   through at the open, the adverse one (the stop-loss) is assumed.
 * - Slippage moves market and stop fills against the trader; limit and take-profit fills get
 *   their price (or the better open) and no slippage.
 * @module
 */
import type { OrderSide } from "../core/order.ts";

/**
 * Reference fill price of a limit or stop order against a bar, or `NaN` when the bar does not
 * reach it. A gap through the price fills at the open.
 */
export function triggerPrice(
  type: "limit" | "stop",
  side: OrderSide,
  price: number,
  bar: { open: number; high: number; low: number },
): number {
  const { open, high, low } = bar;
  if (type === "limit") {
    if (side === "buy") return open <= price ? open : low <= price ? price : NaN;
    return open >= price ? open : high >= price ? price : NaN;
  }
  if (side === "buy") return open >= price ? open : high >= price ? price : NaN;
  return open <= price ? open : low <= price ? price : NaN;
}

/** Which attached exit fired and at what reference price. */
export interface ProtectiveExit {
  readonly role: "stop_loss" | "take_profit";
  readonly price: number;
  /** True when the bar opened through the level and the fill is at the open. */
  readonly atOpen: boolean;
}

/**
 * Checks a position's stop-loss and take-profit levels (`NaN` = none) against a bar. `sign` is
 * +1 for a long (exits sell), −1 for a short (exits buy). Returns `undefined` when neither fires.
 */
export function protectiveExit(
  sign: number,
  stopLoss: number,
  takeProfit: number,
  bar: { open: number; high: number; low: number },
): ProtectiveExit | undefined {
  const { open, high, low } = bar;
  if (sign > 0) {
    if (open <= stopLoss) return { role: "stop_loss", price: open, atOpen: true };
    if (open >= takeProfit) return { role: "take_profit", price: open, atOpen: true };
    if (low <= stopLoss) return { role: "stop_loss", price: stopLoss, atOpen: false };
    if (high >= takeProfit) return { role: "take_profit", price: takeProfit, atOpen: false };
    return undefined;
  }
  if (open >= stopLoss) return { role: "stop_loss", price: open, atOpen: true };
  if (open <= takeProfit) return { role: "take_profit", price: open, atOpen: true };
  if (high >= stopLoss) return { role: "stop_loss", price: stopLoss, atOpen: false };
  if (low <= takeProfit) return { role: "take_profit", price: takeProfit, atOpen: false };
  return undefined;
}

/** Moves `price` by `bps` basis points against a trader who is buying or selling. */
export function slipped(price: number, side: OrderSide, bps: number): number {
  return side === "buy" ? price * (1 + bps / 10_000) : price * (1 - bps / 10_000);
}

/** Commission of one fill: `rate` × notional + `fixed`. */
export function commission(units: number, price: number, rate: number, fixed: number): number {
  return units * price * rate + fixed;
}

/** Result of sizing an entry. */
export interface Sizing {
  /** Units to fill (0 = rejected). */
  readonly units: number;
  /** Equity the order asked for and what it was granted (quote currency). */
  readonly requested: number;
  readonly granted: number;
  /** Set when the order is reduced (units > 0) or rejected (units = 0). */
  readonly problem?: string;
}

/**
 * Sizes an entry at fill price `price` so that `units·price + commission <= allotted`, where
 * allotted = min(fraction × equity, free equity). Free equity is equity minus the market value
 * already committed to open positions, and for buys at most the cash. `whole` floors to whole
 * units.
 */
export function sizeEntry(options: {
  fraction: number;
  equity: number;
  committed: number;
  cash: number;
  side: OrderSide;
  price: number;
  rate: number;
  fixed: number;
  whole: boolean;
}): Sizing {
  const { fraction, equity, committed, cash, side, price, rate, fixed, whole } = options;
  const requested = fraction * equity;
  const granted = grantedOf(requested, equity, committed, cash, side === "buy");
  if (!(requested > 0)) {
    return {
      units: 0,
      requested,
      granted: 0,
      problem: `equity ${equity} leaves nothing to invest`,
    };
  }
  const units = unitsFor(granted, price, rate, fixed, whole);
  if (!(units > 0)) {
    const why = whole
      ? `${granted.toFixed(2)} available does not buy one whole unit at ${price} with costs`
      : `${granted.toFixed(2)} available does not cover the fixed commission ${fixed}`;
    return { units: 0, requested, granted: 0, problem: why };
  }
  if (granted < requested * (1 - 1e-12)) {
    return {
      units,
      requested,
      granted,
      problem: `reduced: asked for ${requested.toFixed(2)}, only ${
        granted.toFixed(2)
      } of free equity`,
    };
  }
  return { units, requested, granted };
}

/**
 * The units {@link sizeEntry} gives when it reports no problem (the order fills in full), else
 * −1 (rejected or reduced: ask `sizeEntry` for the details). The same arithmetic, with positional
 * arguments and a number for a result: the engine sizes every entry with it and allocates nothing.
 */
export function entryUnits(
  fraction: number,
  equity: number,
  committed: number,
  cash: number,
  buy: boolean,
  price: number,
  rate: number,
  fixed: number,
  whole: boolean,
): number {
  const requested = fraction * equity;
  if (!(requested > 0)) return -1;
  const granted = grantedOf(requested, equity, committed, cash, buy);
  const units = unitsFor(granted, price, rate, fixed, whole);
  return units > 0 && !(granted < requested * (1 - 1e-12)) ? units : -1;
}

/** min(requested, free equity), free equity = equity − committed and, for buys, at most cash. */
function grantedOf(
  requested: number,
  equity: number,
  committed: number,
  cash: number,
  buy: boolean,
): number {
  let free = equity - committed;
  if (buy && cash < free) free = cash;
  return Math.max(0, Math.min(requested, free));
}

/** Units that `granted` buys at `price` with commission, never spending more than granted. */
function unitsFor(
  granted: number,
  price: number,
  rate: number,
  fixed: number,
  whole: boolean,
): number {
  let units = granted > fixed ? (granted - fixed) / (price * (1 + rate)) : 0;
  if (whole) {
    units = Math.floor(units + 1e-9);
    while (units > 0 && units * price * (1 + rate) + fixed > granted) units--;
  } else if (units > 0 && units * price + units * price * rate + fixed > granted) {
    units *= 1 - 1e-12; // rounding must never spend more than granted
  }
  return units;
}
