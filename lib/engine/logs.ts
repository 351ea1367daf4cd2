/**
 * The fills and trades of a run, recorded as columns and turned into {@link Fill} / {@link Trade}
 * objects only when read.
 *
 * A fill or trade object holds half a dozen doubles, each a separate heap allocation; recording
 * them in append-only columns instead (`column.ts`: chunked plain arrays) takes the allocation out
 * of the hot path. A fill keeps a reference to its (immutable) order for the order's fields, and
 * its slippage is computed when the object is built, by the same expression. `list` materialises
 * the objects lazily and incrementally — the entries recorded since the last read, in order, with
 * exactly the fields and key order the literal objects had — and keeps returning the same array,
 * so readers see one growing list. An optimiser that needs only the metrics (computed from the
 * columns) never builds the objects at all.
 * @module
 */
import type { Fill, Order, OrderType, PositionSide, Trade } from "../core/order.ts";
import { Column } from "./column.ts";

/** The order fields a fill records. */
type FilledOrder = Pick<Order, "id" | "asset" | "side" | "role">;

/** Every fill of a run. */
export class FillLog {
  readonly #order = new Column<FilledOrder>();
  readonly #type = new Column<OrderType>();
  readonly #ts = new Column<number>();
  readonly #price = new Column<number>();
  readonly #qty = new Column<number>();
  readonly #fee = new Column<number>();
  readonly #ref = new Column<number>();
  readonly #list: Fill[] = [];

  /** Fills recorded. */
  get length(): number {
    return this.#ts.length;
  }

  /**
   * Records one fill (the fields of {@link Fill}, in its order; positional: see TradeLog.add).
   * `order` is kept, not copied: orders are never modified.
   */
  add(
    order: FilledOrder,
    type: OrderType,
    ts: number,
    price: number,
    qty: number,
    fee: number,
    ref: number,
  ): void {
    this.#order.push(order);
    this.#type.push(type);
    this.#ts.push(ts);
    this.#price.push(price);
    this.#qty.push(qty);
    this.#fee.push(fee);
    this.#ref.push(ref);
  }

  /** The fills as objects, in time order (the same array on every read). */
  get list(): readonly Fill[] {
    const out = this.#list;
    for (let k = out.length; k < this.#ts.length; k++) {
      const o = this.#order.at(k), price = this.#price.at(k), qty = this.#qty.at(k);
      const ref = this.#ref.at(k);
      out.push({
        orderId: o.id,
        asset: o.asset,
        side: o.side,
        role: o.role,
        orderType: this.#type.at(k),
        ts: this.#ts.at(k),
        price,
        qty,
        fee: this.#fee.at(k),
        slippage: Math.abs(price - ref) * qty,
        referencePrice: ref,
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
  readonly #asset = new Column<string>();
  readonly #side = new Column<PositionSide>();
  readonly #entryTs = new Column<number>();
  readonly #entryPrice = new Column<number>();
  readonly #exitTs = new Column<number>();
  readonly #exitPrice = new Column<number>();
  readonly #size = new Column<number>();
  readonly #pnl = new Column<number>();
  readonly #returnPct = new Column<number>();
  readonly #fees = new Column<number>();
  readonly #reason = new Column<string>();
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
