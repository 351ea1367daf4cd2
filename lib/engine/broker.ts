/**
 * The simulated broker: pending orders, stop-loss / take-profit attached to positions, sizing
 * and costs. It turns target signals into orders and fills them against bars; the engine decides
 * *when* (see `engine.ts` for the loop).
 *
 * Per timestamp, {@link Broker.fillBars} fills in this order, so that exits always come before
 * entries at the same time and entries are sized from the equity left after those exits:
 * 1. exits of positions held before the bar: a pending market exit at the open (which cancels the
 *    position's SL/TP), else the position's stop-loss / take-profit;
 * 2. market entries at the open;
 * 3. stop-loss / take-profit of positions that just opened at this open (the rest of the bar
 *    comes after the open, so they can fire in the same bar);
 * 4. limit and stop entries that the bar reaches.
 * A limit or stop entry that fills at the open (the bar gapped through its price) gets its SL/TP
 * checked against the same bar, like a market entry; one that fills inside the bar, from the next
 * bar on (the order of prices inside a bar is unknown).
 * @module
 */
import type { EngineEvent } from "../core/events.ts";
import type {
  Fill,
  Order,
  OrderRejection,
  OrderRole,
  OrderSide,
  OrderType,
  Trade,
} from "../core/order.ts";
import type { Signal } from "../core/signal.ts";
import { commission, protectiveExit, sizeEntry, slipped, triggerPrice } from "./execution.ts";
import { FillLog, TradeLog } from "./logs.ts";
import type { Portfolio } from "./portfolio.ts";

/**
 * A stop-loss / take-profit level, rounded to 12 significant digits so that binary rounding
 * (100 × 1.1 = 110.00000000000001) does not move it off the price a user computes by hand.
 */
function level(x: number): number {
  return Number(x.toPrecision(12));
}

/** Cost and unit settings of the broker. */
export interface BrokerCosts {
  /** Commission rate per side on notional (0.001 = 0.1%). */
  commission: number;
  /** Fixed commission per fill (quote currency). */
  commissionFixed: number;
  /** Slippage against the trader in basis points, on market and stop fills. */
  slippageBps: number;
  /** Whole units only (floored) instead of fractional units. */
  wholeUnits: boolean;
}

/** One bar's prices, as the broker reads them. */
export interface BarPrices {
  open: number;
  high: number;
  low: number;
  close: number;
}

/** Holds and fills orders for every asset of a run. */
export class Broker {
  /** Every fill, recorded as columns (see logs.ts). */
  readonly fillLog: FillLog = new FillLog();
  /** Every closed round trip, recorded as columns (see logs.ts). */
  readonly tradeLog: TradeLog = new TradeLog();
  /** Every rejected or reduced order. */
  readonly rejections: OrderRejection[] = [];
  /** Orders waiting to fill, in creation order (attached SL/TP are kept apart). */
  pending: Order[] = [];
  /** Stop-loss / take-profit price per asset (`NaN` = none) and their orders. */
  readonly slPrice: Float64Array;
  readonly tpPrice: Float64Array;
  readonly #slOrder: (Order | undefined)[];
  readonly #tpOrder: (Order | undefined)[];
  #protected = 0;
  #nextId = 1;
  readonly #assets: readonly string[];
  readonly #index: ReadonlyMap<string, number>;
  readonly #pf: Portfolio;
  readonly #c: BrokerCosts;
  readonly #emit?: (e: EngineEvent) => void;
  /** A reused snapshot of `pending` to iterate while orders leave it. */
  readonly #snapshot: Order[] = [];
  /** Assets whose position opened at the open of the bar being filled (phase 3). */
  readonly #openedAtOpen: number[] = [];

  constructor(
    assets: readonly string[],
    portfolio: Portfolio,
    costs: BrokerCosts,
    emit?: (e: EngineEvent) => void,
  ) {
    this.#assets = assets;
    this.#index = new Map(assets.map((a, i) => [a, i]));
    this.#pf = portfolio;
    this.#c = costs;
    this.#emit = emit;
    this.slPrice = new Float64Array(assets.length).fill(NaN);
    this.tpPrice = new Float64Array(assets.length).fill(NaN);
    this.#slOrder = assets.map(() => undefined);
    this.#tpOrder = assets.map(() => undefined);
  }

  /** Every fill, in time order. */
  get fills(): readonly Fill[] {
    return this.fillLog.list;
  }

  /** Every closed round trip, in time order. */
  get trades(): readonly Trade[] {
    return this.tradeLog.list;
  }

  /** True when nothing can fill: no pending order and no SL/TP. The engine's fast path. */
  get idle(): boolean {
    return this.pending.length === 0 && this.#protected === 0;
  }

  /**
   * Turns a final target signal into orders at decision time `ts`: cancels the asset's pending
   * orders, then, if the target's direction differs from the position's, places a market exit
   * and/or an entry (market, or the signal's limit / stop). A target in the direction already
   * held keeps the position and its SL/TP as they are (no resizing).
   */
  applyTarget(signal: Signal, ts: number): void {
    const i = this.#index.get(signal.asset);
    if (i === undefined) {
      throw new RangeError(
        `Cannot trade ${signal.asset}: not one of this run's assets (${this.#assets.join(", ")})`,
      );
    }
    if (this.pending.length > 0) this.#cancelPending(i, ts, "replaced by a newer signal");
    const q = this.#pf.qty[i];
    const cur = q > 0 ? 1 : q < 0 ? -1 : 0;
    const want = signal.size === 0 || signal.direction === "flat"
      ? 0
      : signal.direction === "long"
      ? 1
      : -1;
    if (want === cur) return;
    if (cur !== 0) {
      this.#place(i, cur > 0 ? "sell" : "buy", "market", "exit", NaN, 1, ts, signal, undefined);
    }
    if (want !== 0) {
      const type: OrderType = signal.orderType ?? "market";
      this.#place(
        i,
        want > 0 ? "buy" : "sell",
        type,
        "entry",
        type === "market" ? NaN : signal.orderPrice!,
        signal.size,
        ts,
        signal,
        signal,
      );
    }
  }

  /**
   * Fills what bar `k` of each asset in `at` (the assets with a bar at this timestamp) triggers.
   * `bar(i)` gives asset i's prices; `openTs` is the bar open time, `closeTs` its close time.
   */
  fillBars(
    at: ArrayLike<number>,
    count: number,
    bar: (i: number) => BarPrices,
    openTs: number,
    closeTs: number,
  ): void {
    if (this.idle) return;
    const pf = this.#pf;
    // 1. exits of positions held before this bar
    for (let k = 0; k < count; k++) {
      const i = at[k];
      if (pf.qty[i] === 0) continue;
      const exit = this.#findPending(i, "exit", "market");
      const b = bar(i);
      if (exit) {
        this.#removePending(exit);
        this.#exit(i, b.open, openTs, exit, "signal", true);
      } else if (!Number.isNaN(this.slPrice[i]) || !Number.isNaN(this.tpPrice[i])) {
        this.#checkProtective(i, b, openTs, closeTs);
      }
    }
    if (this.pending.length === 0) return;
    // 2. market entries at the open
    this.#openedAtOpen.length = 0;
    const snap = this.#snapshot;
    let n = this.#snapshotOfPending();
    for (let k = 0; k < n; k++) {
      const o = snap[k];
      if (o.role !== "entry" || o.type !== "market") continue;
      const i = this.#index.get(o.asset)!;
      if (!this.#has(at, count, i)) continue;
      this.#removePending(o);
      if (this.#entry(o, bar(i).open, openTs, true)) this.#openedAtOpen.push(i);
    }
    // 3. SL/TP of positions opened at this open
    for (const i of this.#openedAtOpen) this.#checkProtective(i, bar(i), openTs, closeTs);
    // 4. limit and stop entries
    n = this.pending.length === 0 ? 0 : this.#snapshotOfPending();
    for (let k = 0; k < n; k++) {
      const o = snap[k];
      if (o.role !== "entry" || o.type === "market") continue;
      const i = this.#index.get(o.asset)!;
      if (!this.#has(at, count, i)) continue;
      const b = bar(i);
      const ref = triggerPrice(o.type, o.side, o.price, b);
      if (Number.isNaN(ref)) continue;
      this.#removePending(o);
      const atOpen = ref === b.open;
      const filled = this.#entry(o, ref, atOpen ? openTs : closeTs, o.type === "stop");
      // Filled at the open (a gap): the rest of the bar follows, as after a market entry.
      if (filled && atOpen) this.#checkProtective(i, b, openTs, closeTs);
    }
  }

  /**
   * `fill: "close"` mode: fills the pending market orders of the assets in `at` at their bar's
   * close, exits first, then entries.
   */
  fillMarketAtClose(
    at: ArrayLike<number>,
    count: number,
    close: (i: number) => number,
    closeTs: number,
  ): void {
    if (this.pending.length === 0) return;
    for (const role of ["exit", "entry"] as const) {
      for (const o of this.pending.slice()) {
        if (o.role !== role || o.type !== "market") continue;
        const i = this.#index.get(o.asset)!;
        if (!this.#has(at, count, i)) continue;
        this.#removePending(o);
        if (role === "exit") {
          if (this.#pf.qty[i] !== 0) this.#exit(i, close(i), closeTs, o, "signal", true);
        } else this.#entry(o, close(i), closeTs, true);
      }
    }
  }

  /**
   * Closes every open position at `price(i)` (market, with slippage and commission) at time
   * `ts(i)`; used for the end-of-run close and liquidation.
   */
  closeAll(price: (i: number) => number, ts: (i: number) => number, reason: string): void {
    for (let i = 0; i < this.#assets.length; i++) {
      if (this.#pf.qty[i] === 0) continue;
      this.#cancelPending(i, ts(i), reason);
      const o = this.#newOrder(
        i,
        this.#pf.qty[i] > 0 ? "sell" : "buy",
        "market",
        "exit",
        NaN,
        1,
        ts(i),
        "engine",
        reason,
      );
      this.#exit(i, price(i), ts(i), o, reason, true);
    }
    this.pending = [];
  }

  /**
   * Copies the pending orders as they are now into the reused `#snapshot` and returns how many
   * (iterate them before the next call). Entries past that count are stale and never read.
   */
  #snapshotOfPending(): number {
    const snap = this.#snapshot, pending = this.pending, n = pending.length;
    for (let k = 0; k < n; k++) {
      if (k < snap.length) snap[k] = pending[k];
      else snap.push(pending[k]);
    }
    return n;
  }

  #has(at: ArrayLike<number>, count: number, i: number): boolean {
    for (let k = 0; k < count; k++) if (at[k] === i) return true;
    return false;
  }

  #findPending(i: number, role: OrderRole, type: OrderType): Order | undefined {
    const a = this.#assets[i];
    for (const o of this.pending) if (o.asset === a && o.role === role && o.type === type) return o;
    return undefined;
  }

  /** Removes `o` from `pending`, keeping the others' order (no `splice`: it allocates). */
  #removePending(o: Order): void {
    const pending = this.pending;
    let k = 0;
    while (k < pending.length && pending[k] !== o) k++;
    if (k === pending.length) return;
    for (; k + 1 < pending.length; k++) pending[k] = pending[k + 1];
    pending.pop();
  }

  #cancelPending(i: number, ts: number, reason: string): void {
    const a = this.#assets[i], pending = this.pending;
    let any = false;
    for (let k = 0; k < pending.length && !any; k++) any = pending[k].asset === a;
    if (!any) return;
    const keep: Order[] = [];
    for (const o of this.pending) {
      if (o.asset !== a) keep.push(o);
      else this.#emit?.({ type: "cancel", order: o, ts, reason });
    }
    this.pending = keep;
  }

  #newOrder(
    i: number,
    side: OrderSide,
    type: OrderType,
    role: OrderRole,
    price: number,
    fraction: number,
    ts: number,
    source: string,
    reason: string,
    protect?: { stopLoss?: number; takeProfit?: number },
  ): Order {
    const id = this.#nextId++, asset = this.#assets[i];
    // Without SL/TP (the usual case) one literal of the same keys, without the spreads' objects.
    const order: Order = protect?.stopLoss === undefined && protect?.takeProfit === undefined
      ? { id, asset, side, type, role, price, fraction, createdTs: ts, source, reason }
      : {
        id,
        asset,
        side,
        type,
        role,
        price,
        fraction,
        ...(protect.stopLoss !== undefined ? { stopLoss: protect.stopLoss } : {}),
        ...(protect.takeProfit !== undefined ? { takeProfit: protect.takeProfit } : {}),
        createdTs: ts,
        source,
        reason,
      };
    this.#emit?.({ type: "order", order });
    return order;
  }

  #place(
    i: number,
    side: OrderSide,
    type: OrderType,
    role: OrderRole,
    price: number,
    fraction: number,
    ts: number,
    signal: Signal,
    protect: Signal | undefined,
  ): void {
    this.pending.push(
      this.#newOrder(
        i,
        side,
        type,
        role,
        price,
        fraction,
        ts,
        signal.strategy,
        signal.reason,
        protect,
      ),
    );
  }

  #checkProtective(i: number, b: BarPrices, openTs: number, closeTs: number): void {
    const hit = protectiveExit(this.#pf.qty[i], this.slPrice[i], this.tpPrice[i], b);
    if (!hit) return;
    const o = hit.role === "stop_loss" ? this.#slOrder[i]! : this.#tpOrder[i]!;
    // A stop-loss is a stop order (slips); a take-profit is a limit order (gets its price).
    this.#exit(i, hit.price, hit.atOpen ? openTs : closeTs, o, hit.role, hit.role === "stop_loss");
  }

  #exit(i: number, ref: number, ts: number, order: Order, reason: string, slip: boolean): void {
    const pf = this.#pf;
    const side: OrderSide = pf.qty[i] > 0 ? "sell" : "buy";
    const units = Math.abs(pf.qty[i]);
    const price = slip ? slipped(ref, side, this.#c.slippageBps) : ref;
    const fee = commission(units, price, this.#c.commission, this.#c.commissionFixed);
    pf.settle(i, price, fee, ts, reason, this.tradeLog);
    pf.slippage += Math.abs(price - ref) * units;
    this.#record(order, ts, price, ref, units, fee);
    this.#clearProtective(i, order, ts);
  }

  /** Fills an entry; returns false when it was rejected. */
  #entry(o: Order, ref: number, ts: number, slip: boolean): boolean {
    const pf = this.#pf;
    const i = this.#index.get(o.asset)!;
    if (pf.qty[i] !== 0) {
      this.#reject(o, ts, "rejected", "a position in this asset is already open", 0, 0);
      return false;
    }
    const price = slip ? slipped(ref, o.side, this.#c.slippageBps) : ref;
    const sizing = sizeEntry({
      fraction: o.fraction,
      equity: pf.equity(),
      committed: pf.gross(),
      cash: pf.cash,
      side: o.side,
      price,
      rate: this.#c.commission,
      fixed: this.#c.commissionFixed,
      whole: this.#c.wholeUnits,
    });
    if (sizing.units === 0) {
      this.#reject(o, ts, "rejected", sizing.problem!, sizing.requested, 0);
      return false;
    }
    if (sizing.problem) {
      this.#reject(o, ts, "reduced", sizing.problem, sizing.requested, sizing.granted);
    }
    const fee = commission(sizing.units, price, this.#c.commission, this.#c.commissionFixed);
    const sign = o.side === "buy" ? 1 : -1;
    pf.open(i, sign, sizing.units, price, fee, ts);
    pf.slippage += Math.abs(price - ref) * sizing.units;
    this.#record(o, ts, price, ref, sizing.units, fee);
    if (o.stopLoss !== undefined) {
      this.slPrice[i] = level(price * (1 - sign * o.stopLoss));
      this.#slOrder[i] = this.#newOrder(
        i,
        sign > 0 ? "sell" : "buy",
        "stop",
        "stop_loss",
        this.slPrice[i],
        1,
        ts,
        o.source,
        "stop-loss",
      );
    }
    if (o.takeProfit !== undefined) {
      this.tpPrice[i] = level(price * (1 + sign * o.takeProfit));
      this.#tpOrder[i] = this.#newOrder(
        i,
        sign > 0 ? "sell" : "buy",
        "limit",
        "take_profit",
        this.tpPrice[i],
        1,
        ts,
        o.source,
        "take-profit",
      );
    }
    if (o.stopLoss !== undefined || o.takeProfit !== undefined) this.#protected++;
    return true;
  }

  /** One cancels the other: once the position is closed, its remaining SL/TP legs go. */
  #clearProtective(i: number, filled: Order, ts: number): void {
    const sl = this.#slOrder[i], tp = this.#tpOrder[i];
    if (sl === undefined && tp === undefined) return;
    if (this.#emit) {
      for (const o of [sl, tp]) {
        if (o && o !== filled) {
          this.#emit({ type: "cancel", order: o, ts, reason: "position closed" });
        }
      }
    }
    this.slPrice[i] = NaN;
    this.tpPrice[i] = NaN;
    this.#slOrder[i] = undefined;
    this.#tpOrder[i] = undefined;
    this.#protected--;
  }

  #record(o: Order, ts: number, price: number, ref: number, qty: number, fee: number): void {
    this.fillLog.add(o, o.type, ts, price, qty, fee, ref);
    if (this.#emit) this.#emit({ type: "fill", fill: this.fills[this.fillLog.length - 1] });
  }

  #reject(
    o: Order,
    ts: number,
    outcome: "rejected" | "reduced",
    reason: string,
    requested: number,
    granted: number,
  ): void {
    const rejection: OrderRejection = {
      ts,
      asset: o.asset,
      orderId: o.id,
      outcome,
      reason,
      requested,
      granted,
    };
    this.rejections.push(rejection);
    this.#emit?.({ type: "reject", rejection });
  }
}
