/**
 * The fills and trades of a run, recorded as columns and turned into {@link Fill} / {@link Trade}
 * objects only when read.
 *
 * A fill or trade object holds half a dozen doubles, each a separate heap allocation; recording
 * them in append-only columns instead (`column.ts`: Float64Array chunks, strings as codes) takes
 * the allocation out of the hot path. `list` materialises the objects lazily and incrementally — the entries recorded since
 * the last read, in order, with exactly the fields and key order the literal objects had — and
 * keeps returning the same array, so readers see one growing list. An optimiser that needs only
 * the metrics (computed from the columns) never builds the objects at all.
 * @module
 */
import type { Fill, OrderRole, OrderSide, OrderType, PositionSide, Trade } from "../core/order.ts";
import { NumberColumn, TextColumn } from "./column.ts";

/** Every fill of a run. */
export class FillLog {
  readonly #orderId = new NumberColumn();
  readonly #asset = new TextColumn();
  readonly #side = new TextColumn<OrderSide>();
  readonly #role = new TextColumn<OrderRole>();
  readonly #type = new TextColumn<OrderType>();
  readonly #ts = new NumberColumn();
  readonly #price = new NumberColumn();
  readonly #qty = new NumberColumn();
  readonly #fee = new NumberColumn();
  readonly #slippage = new NumberColumn();
  readonly #ref = new NumberColumn();
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
        orderId: this.#orderId.at(k),
        asset: this.#asset.at(k),
        side: this.#side.at(k),
        role: this.#role.at(k),
        orderType: this.#type.at(k),
        ts: this.#ts.at(k),
        price: this.#price.at(k),
        qty: this.#qty.at(k),
        fee: this.#fee.at(k),
        slippage: this.#slippage.at(k),
        referencePrice: this.#ref.at(k),
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
export class TradeLog {
  readonly #asset = new TextColumn();
  readonly #side = new TextColumn<PositionSide>();
  readonly #entryTs = new NumberColumn();
  readonly #entryPrice = new NumberColumn();
  readonly #exitTs = new NumberColumn();
  readonly #exitPrice = new NumberColumn();
  readonly #size = new NumberColumn();
  readonly #pnl = new NumberColumn();
  readonly #returnPct = new NumberColumn();
  readonly #fees = new NumberColumn();
  readonly #reason = new TextColumn();
  readonly #list: Trade[] = [];

  /** Trades recorded. */
  get length(): number {
    return this.#pnl.length;
  }

  /** The columns the metrics read, as arrays. */
  columns(): TradeColumns {
    return {
      pnl: this.#pnl.toArray(),
      returnPct: this.#returnPct.toArray(),
      entryTs: this.#entryTs.toArray(),
      exitTs: this.#exitTs.toArray(),
    };
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
    this.#entryTs.push(entryTs);
    this.#entryPrice.push(entryPrice);
    this.#exitTs.push(exitTs);
    this.#exitPrice.push(exitPrice);
    this.#size.push(size);
    this.#pnl.push(pnl);
    this.#returnPct.push(pnl / (entryPrice * size));
    this.#fees.push(fees);
    this.#reason.push(reason);
  }

  /** The trades as objects, in time order (the same array on every read). */
  get list(): readonly Trade[] {
    const out = this.#list;
    for (let k = out.length; k < this.#pnl.length; k++) {
      out.push({
        asset: this.#asset.at(k),
        side: this.#side.at(k),
        entryTs: this.#entryTs.at(k),
        entryPrice: this.#entryPrice.at(k),
        exitTs: this.#exitTs.at(k),
        exitPrice: this.#exitPrice.at(k),
        size: this.#size.at(k),
        pnl: this.#pnl.at(k),
        returnPct: this.#returnPct.at(k),
        fees: this.#fees.at(k),
        exitReason: this.#reason.at(k),
      });
    }
    return out;
  }
}
