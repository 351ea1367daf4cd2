/**
 * The fills and trades of a run, recorded as columns and turned into {@link Fill} / {@link Trade}
 * objects only when read.
 *
 * A fill or trade object holds half a dozen doubles, each a separate heap allocation; recording
 * them as plain number columns instead (which V8 stores unboxed) takes the allocation out of the
 * hot path. `list` materialises the objects lazily and incrementally — the entries recorded since
 * the last read, in order, with exactly the fields and key order the literal objects had — and
 * keeps returning the same array, so readers see one growing list. An optimiser that needs only
 * the metrics (computed from the columns) never builds the objects at all.
 * @module
 */
import type { Fill, OrderRole, OrderSide, OrderType, PositionSide, Trade } from "../core/order.ts";

/** Every fill of a run. */
export class FillLog {
  readonly #orderId: number[] = [];
  readonly #asset: string[] = [];
  readonly #side: OrderSide[] = [];
  readonly #role: OrderRole[] = [];
  readonly #type: OrderType[] = [];
  readonly #ts: number[] = [];
  readonly #price: number[] = [];
  readonly #qty: number[] = [];
  readonly #fee: number[] = [];
  readonly #slippage: number[] = [];
  readonly #ref: number[] = [];
  readonly #list: Fill[] = [];

  /** Fills recorded. */
  get length(): number {
    return this.#ts.length;
  }

  /** Records one fill (the fields of {@link Fill}, in its order; positional: see TradeLog.add). */
  add(
    order: { readonly id: number; readonly asset: string; side: OrderSide; role: OrderRole },
    type: OrderType,
    ts: number,
    price: number,
    qty: number,
    fee: number,
    ref: number,
  ): void {
    this.#orderId.push(order.id);
    this.#asset.push(order.asset);
    this.#side.push(order.side);
    this.#role.push(order.role);
    this.#type.push(type);
    this.#ts.push(ts);
    this.#price.push(price);
    this.#qty.push(qty);
    this.#fee.push(fee);
    this.#slippage.push(Math.abs(price - ref) * qty);
    this.#ref.push(ref);
  }

  /** The fills as objects, in time order (the same array on every read). */
  get list(): readonly Fill[] {
    const out = this.#list;
    for (let k = out.length; k < this.#ts.length; k++) {
      out.push({
        orderId: this.#orderId[k],
        asset: this.#asset[k],
        side: this.#side[k],
        role: this.#role[k],
        orderType: this.#type[k],
        ts: this.#ts[k],
        price: this.#price[k],
        qty: this.#qty[k],
        fee: this.#fee[k],
        slippage: this.#slippage[k],
        referencePrice: this.#ref[k],
      });
    }
    return out;
  }
}

/** The columns of the trades that the metrics read. */
export interface TradeColumns {
  readonly pnl: ArrayLike<number>;
  readonly returnPct: ArrayLike<number>;
  readonly entryTs: ArrayLike<number>;
  readonly exitTs: ArrayLike<number>;
}

/** Every closed trade of a run. */
export class TradeLog implements TradeColumns {
  readonly #asset: string[] = [];
  readonly #side: PositionSide[] = [];
  readonly entryTs: number[] = [];
  readonly #entryPrice: number[] = [];
  readonly exitTs: number[] = [];
  readonly #exitPrice: number[] = [];
  readonly #size: number[] = [];
  readonly pnl: number[] = [];
  readonly returnPct: number[] = [];
  readonly #fees: number[] = [];
  readonly #reason: string[] = [];
  readonly #list: Trade[] = [];

  /** Trades recorded. */
  get length(): number {
    return this.pnl.length;
  }

  /**
   * Records one trade (the fields of {@link Trade}, in its order; positional, because this runs
   * once per trade in the engine's hot path and an options object would be one more allocation).
   */
  add(
    asset: string,
    side: PositionSide,
    entryTs: number,
    entryPrice: number,
    exitTs: number,
    exitPrice: number,
    size: number,
    pnl: number,
    fees: number,
    reason: string,
  ): void {
    this.#asset.push(asset);
    this.#side.push(side);
    this.entryTs.push(entryTs);
    this.#entryPrice.push(entryPrice);
    this.exitTs.push(exitTs);
    this.#exitPrice.push(exitPrice);
    this.#size.push(size);
    this.pnl.push(pnl);
    this.returnPct.push(pnl / (entryPrice * size));
    this.#fees.push(fees);
    this.#reason.push(reason);
  }

  /** The trades as objects, in time order (the same array on every read). */
  get list(): readonly Trade[] {
    const out = this.#list;
    for (let k = out.length; k < this.pnl.length; k++) {
      out.push({
        asset: this.#asset[k],
        side: this.#side[k],
        entryTs: this.entryTs[k],
        entryPrice: this.#entryPrice[k],
        exitTs: this.exitTs[k],
        exitPrice: this.#exitPrice[k],
        size: this.#size[k],
        pnl: this.pnl[k],
        returnPct: this.returnPct[k],
        fees: this.#fees[k],
        exitReason: this.#reason[k],
      });
    }
    return out;
  }
}
