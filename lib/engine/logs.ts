/**
 * The fills and trades of a run, recorded as columns and turned into {@link Fill} / {@link Trade}
 * objects only when read.
 *
 * A fill or trade object holds half a dozen doubles, each a separate heap allocation; recording
 * them in append-only rows of Float64Array chunks instead (`column.ts`, strings as codes) takes
 * the allocation out of the hot path. `list` materialises the objects lazily and incrementally — the entries recorded since
 * the last read, in order, with exactly the fields and key order the literal objects had — and
 * keeps returning the same array, so readers see one growing list. An optimiser that needs only
 * the metrics (computed from the columns) never builds the objects at all.
 * @module
 */
import type { Fill, OrderRole, OrderSide, OrderType, PositionSide, Trade } from "../core/order.ts";
import { Codes, RowLog } from "./column.ts";

// Fill rows: order id, asset code, side/role/type codes packed (4 bits each), ts, price, qty,
// fee, reference price. Slippage is |price − ref| · qty, computed when read.
const F_ID = 0, F_ASSET = 1, F_KIND = 2, F_TS = 3, F_PRICE = 4, F_QTY = 5, F_FEE = 6, F_REF = 7;

// The enums' codes are fixed (a lookup, not a table search: `add` stays small enough to inline).
const SIDES: readonly OrderSide[] = ["buy", "sell"];
const ROLES: readonly OrderRole[] = ["entry", "exit", "stop_loss", "take_profit"];
const TYPES: readonly OrderType[] = ["market", "limit", "stop"];
const POSITION_SIDES: readonly PositionSide[] = ["long", "short"];

/** The fill log's code of an order's side, role and type (4 bits each), as `FillLog.add` takes. */
export function fillKind(side: OrderSide, role: OrderRole, type: OrderType): number {
  // the positions in SIDES, ROLES and TYPES, by comparison (no search: this runs per order)
  const r = role === "entry" ? 0 : role === "exit" ? 1 : role === "stop_loss" ? 2 : 3;
  const t = type === "market" ? 0 : type === "limit" ? 1 : 2;
  return (side === "buy" ? 0 : 1) | r << 4 | t << 8;
}

/** Every fill of a run. */
export class FillLog {
  readonly #rows = new RowLog(8);
  readonly #asset = new Codes();
  readonly #list: Fill[] = [];

  /** Fills recorded. */
  get length(): number {
    return this.#rows.length;
  }

  /**
   * Records one fill of order `id` (positional: see TradeLog.add); `kind` is the order's
   * {@link fillKind}, computed once per order.
   */
  add(
    id: number,
    asset: string,
    kind: number,
    ts: number,
    price: number,
    qty: number,
    fee: number,
    ref: number,
  ): void {
    const rows = this.#rows, o = rows.append(), t = rows.tail;
    t[o + F_ID] = id;
    t[o + F_ASSET] = this.#asset.code(asset);
    t[o + F_KIND] = kind;
    t[o + F_TS] = ts;
    t[o + F_PRICE] = price;
    t[o + F_QTY] = qty;
    t[o + F_FEE] = fee;
    t[o + F_REF] = ref;
  }

  /** The fills as objects, in time order (the same array on every read). */
  get list(): readonly Fill[] {
    const out = this.#list, rows = this.#rows;
    for (let k = out.length; k < rows.length; k++) {
      const kind = rows.at(k, F_KIND), price = rows.at(k, F_PRICE), qty = rows.at(k, F_QTY);
      const ref = rows.at(k, F_REF);
      out.push({
        orderId: rows.at(k, F_ID),
        asset: this.#asset.value(rows.at(k, F_ASSET)),
        side: SIDES[kind & 15],
        role: ROLES[(kind >> 4) & 15],
        orderType: TYPES[(kind >> 8) & 15],
        ts: rows.at(k, F_TS),
        price,
        qty,
        fee: rows.at(k, F_FEE),
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

// Trade rows: asset code, side code + 2 × exit-reason code, entry ts, entry price, exit ts, exit
// price, size, pnl, fees. The return is pnl / (entry price · size), computed when read.
const T_ASSET = 0, T_KIND = 1, T_ENTRY_TS = 2, T_ENTRY_PRICE = 3, T_EXIT_TS = 4;
const T_EXIT_PRICE = 5, T_SIZE = 6, T_PNL = 7, T_FEES = 8;

/** Every closed trade of a run. */
export class TradeLog {
  readonly #rows = new RowLog(9);
  readonly #asset = new Codes();
  readonly #reason = new Codes();
  readonly #list: Trade[] = [];

  /** Trades recorded. */
  get length(): number {
    return this.#rows.length;
  }

  /** The columns the metrics read, as arrays. */
  columns(): TradeColumns {
    const rows = this.#rows;
    return {
      pnl: rows.column(T_PNL),
      returnPct: this.#returns(),
      entryTs: rows.column(T_ENTRY_TS),
      exitTs: rows.column(T_EXIT_TS),
    };
  }

  /**
   * Every trade's net return. A method with nothing after its loop: over many trades the loop is
   * compiled while it runs, and code after it, without type feedback then, would discard that
   * compiled code when first reached (in every run).
   */
  #returns(): Float64Array {
    const n = this.#rows.length, out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = this.#returnOf(k);
    return out;
  }

  /** Net return of trade `k`: pnl / (entry price · size). */
  #returnOf(k: number): number {
    const rows = this.#rows;
    return rows.at(k, T_PNL) / (rows.at(k, T_ENTRY_PRICE) * rows.at(k, T_SIZE));
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
    const rows = this.#rows, o = rows.append(), t = rows.tail;
    t[o + T_ASSET] = this.#asset.code(asset);
    // a side code is 0 or 1
    t[o + T_KIND] = (side === "long" ? 0 : 1) + 2 * this.#reason.code(reason);
    t[o + T_ENTRY_TS] = entryTs;
    t[o + T_ENTRY_PRICE] = entryPrice;
    t[o + T_EXIT_TS] = exitTs;
    t[o + T_EXIT_PRICE] = exitPrice;
    t[o + T_SIZE] = size;
    t[o + T_PNL] = pnl;
    t[o + T_FEES] = fees;
  }

  /** The trades as objects, in time order (the same array on every read). */
  get list(): readonly Trade[] {
    const out = this.#list, rows = this.#rows;
    for (let k = out.length; k < rows.length; k++) {
      const kind = rows.at(k, T_KIND);
      out.push({
        asset: this.#asset.value(rows.at(k, T_ASSET)),
        side: POSITION_SIDES[kind % 2],
        entryTs: rows.at(k, T_ENTRY_TS),
        entryPrice: rows.at(k, T_ENTRY_PRICE),
        exitTs: rows.at(k, T_EXIT_TS),
        exitPrice: rows.at(k, T_EXIT_PRICE),
        size: rows.at(k, T_SIZE),
        pnl: rows.at(k, T_PNL),
        returnPct: this.#returnOf(k),
        fees: rows.at(k, T_FEES),
        exitReason: this.#reason.value(Math.floor(kind / 2)),
      });
    }
    return out;
  }
}
