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
import {
  commission,
  entryUnits,
  protectiveExit,
  sizeEntry,
  slipped,
  triggerPrice,
} from "./execution.ts";
import { fillKind, FillLog, TradeLog } from "./logs.ts";
import type { Portfolio } from "./portfolio.ts";

/**
 * An order as the broker holds it: the fields of {@link Order} plus the asset's index and the
 * fill log's code of its side, role and type, so that filling it needs no lookup by name. The
 * plain {@link Order} object that events carry is built only when there is a listener, once per
 * order (so its `order` and `cancel` events carry the same object).
 */
class HeldOrder {
  readonly id: number;
  /** Index of the asset in the run's order. */
  readonly i: number;
  readonly asset: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly role: OrderRole;
  readonly price: number;
  readonly fraction: number;
  readonly stopLoss: number | undefined;
  readonly takeProfit: number | undefined;
  readonly createdTs: number;
  readonly source: string;
  readonly reason: string;
  /** `fillKind(side, role, type)` (logs.ts). */
  readonly kind: number;
  #plain: Order | undefined = undefined;

  constructor(
    id: number,
    i: number,
    asset: string,
    side: OrderSide,
    type: OrderType,
    role: OrderRole,
    price: number,
    fraction: number,
    stopLoss: number | undefined,
    takeProfit: number | undefined,
    createdTs: number,
    source: string,
    reason: string,
  ) {
    this.id = id;
    this.i = i;
    this.asset = asset;
    this.side = side;
    this.type = type;
    this.role = role;
    this.price = price;
    this.fraction = fraction;
    this.stopLoss = stopLoss;
    this.takeProfit = takeProfit;
    this.createdTs = createdTs;
    this.source = source;
    this.reason = reason;
    this.kind = fillKind(side, role, type);
  }

  /** The order as events show it (stopLoss / takeProfit only when set), built once. */
  plain(): Order {
    if (this.#plain) return this.#plain;
    const { id, asset, side, type, role, price, fraction, stopLoss, takeProfit } = this;
    const { createdTs, source, reason } = this;
    this.#plain = stopLoss === undefined && takeProfit === undefined
      ? { id, asset, side, type, role, price, fraction, createdTs, source, reason }
      : {
        id,
        asset,
        side,
        type,
        role,
        price,
        fraction,
        ...(stopLoss !== undefined ? { stopLoss } : {}),
        ...(takeProfit !== undefined ? { takeProfit } : {}),
        createdTs,
        source,
        reason,
      };
    return this.#plain;
  }
}

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
  /** Stop-loss / take-profit price per asset (`NaN` = none) and their orders. */
  readonly slPrice: Float64Array;
  readonly tpPrice: Float64Array;
  /** Orders waiting to fill, in creation order (attached SL/TP are kept apart). */
  #pending: HeldOrder[] = [];
  readonly #slOrder: (HeldOrder | undefined)[];
  readonly #tpOrder: (HeldOrder | undefined)[];
  #protected = 0;
  #nextId = 1;
  readonly #assets: readonly string[];
  readonly #index: ReadonlyMap<string, number>;
  /** The asset of the last signal and its index: most signals name the asset before them. */
  #lastAsset = "";
  #lastIndex = -1;
  readonly #pf: Portfolio;
  readonly #c: BrokerCosts;
  readonly #emit?: (e: EngineEvent) => void;
  /** A reused snapshot of `#pending` to iterate while orders leave it. */
  readonly #snapshot: HeldOrder[] = [];
  /** Assets whose position opened at the open of the bar being filled (phase 3), and how many. */
  readonly #openedAtOpen: Int32Array;
  #nOpened = 0;
  /** Per asset, the number of the last `fillBars` call whose bars included it. */
  readonly #barStamp: Float64Array;
  #stamp = 0;

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
    this.#openedAtOpen = new Int32Array(assets.length);
    this.#barStamp = new Float64Array(assets.length);
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
    return this.#pending.length === 0 && this.#protected === 0;
  }

  /**
   * Turns a final target signal into orders at decision time `ts`: cancels the asset's pending
   * orders, then, if the target's direction differs from the position's, places a market exit
   * and/or an entry (market, or the signal's limit / stop). A target in the direction already
   * held keeps the position and its SL/TP as they are (no resizing).
   */
  applyTarget(signal: Signal, ts: number): void {
    const i = signal.asset === this.#lastAsset ? this.#lastIndex : this.#indexOf(signal.asset);
    if (this.#pending.length > 0) this.#cancelPending(i, ts, "replaced by a newer signal");
    const q = this.#pf.qty[i];
    const cur = q > 0 ? 1 : q < 0 ? -1 : 0;
    const want = signal.size === 0 || signal.direction === "flat"
      ? 0
      : signal.direction === "long"
      ? 1
      : -1;
    if (want === cur) return;
    const { strategy, reason } = signal;
    if (cur !== 0) {
      this.#pending.push(
        this.#newOrder(
          i,
          cur > 0 ? "sell" : "buy",
          "market",
          "exit",
          NaN,
          1,
          ts,
          strategy,
          reason,
          undefined,
          undefined,
        ),
      );
    }
    if (want !== 0) {
      const type: OrderType = signal.orderType ?? "market";
      this.#pending.push(
        this.#newOrder(
          i,
          want > 0 ? "buy" : "sell",
          type,
          "entry",
          type === "market" ? NaN : signal.orderPrice!,
          signal.size,
          ts,
          strategy,
          reason,
          signal.stopLoss,
          signal.takeProfit,
        ),
      );
    }
  }

  /** The index of a signal's asset (remembered for the next signal); throws for another asset. */
  #indexOf(asset: string): number {
    const i = this.#index.get(asset);
    if (i === undefined) {
      throw new RangeError(
        `Cannot trade ${asset}: not one of this run's assets (${this.#assets.join(", ")})`,
      );
    }
    this.#lastAsset = asset;
    this.#lastIndex = i;
    return i;
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
    const pf = this.#pf, stamp = ++this.#stamp, barStamp = this.#barStamp;
    // 1. exits of positions held before this bar
    for (let k = 0; k < count; k++) {
      const i = at[k];
      barStamp[i] = stamp;
      if (pf.qty[i] === 0) continue;
      const exit = this.#pendingExit(i);
      if (exit) {
        this.#removePending(exit);
        this.#exit(i, bar(i).open, openTs, exit, "signal", true);
      } else if (!Number.isNaN(this.slPrice[i]) || !Number.isNaN(this.tpPrice[i])) {
        this.#checkProtective(i, bar(i), openTs, closeTs);
      }
    }
    if (this.#pending.length === 0) return;
    // 2. market entries at the open
    this.#nOpened = 0;
    const snap = this.#snapshot;
    let n = this.#snapshotOfPending();
    for (let k = 0; k < n; k++) {
      const o = snap[k];
      if (o.role !== "entry" || o.type !== "market") continue;
      const i = o.i;
      if (barStamp[i] !== stamp) continue;
      this.#removePending(o);
      if (this.#entry(o, bar(i).open, openTs, true)) this.#openedAtOpen[this.#nOpened++] = i;
    }
    // 3. SL/TP of positions opened at this open
    for (let k = 0; k < this.#nOpened; k++) {
      const i = this.#openedAtOpen[k];
      if (!Number.isNaN(this.slPrice[i]) || !Number.isNaN(this.tpPrice[i])) {
        this.#checkProtective(i, bar(i), openTs, closeTs);
      }
    }
    // 4. limit and stop entries
    n = this.#pending.length === 0 ? 0 : this.#snapshotOfPending();
    for (let k = 0; k < n; k++) {
      const o = snap[k];
      if (o.role !== "entry" || o.type === "market") continue;
      const i = o.i;
      if (barStamp[i] !== stamp) continue;
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
    if (this.#pending.length === 0) return;
    const stamp = ++this.#stamp, barStamp = this.#barStamp;
    for (let k = 0; k < count; k++) barStamp[at[k]] = stamp;
    for (const role of ["exit", "entry"] as const) {
      const snap = this.#snapshot, n = this.#snapshotOfPending();
      for (let k = 0; k < n; k++) {
        const o = snap[k];
        if (o.role !== role || o.type !== "market") continue;
        const i = o.i;
        if (barStamp[i] !== stamp) continue;
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
        undefined,
        undefined,
      );
      this.#exit(i, price(i), ts(i), o, reason, true);
    }
    this.#pending = [];
  }

  /**
   * Copies the pending orders as they are now into the reused `#snapshot` and returns how many
   * (iterate them before the next call). Entries past that count are stale and never read.
   */
  #snapshotOfPending(): number {
    const snap = this.#snapshot, pending = this.#pending, n = pending.length;
    for (let k = 0; k < n; k++) {
      if (k < snap.length) snap[k] = pending[k];
      else snap.push(pending[k]);
    }
    return n;
  }

  /** Asset i's pending market exit, if any. */
  #pendingExit(i: number): HeldOrder | undefined {
    const pending = this.#pending;
    for (let k = 0; k < pending.length; k++) {
      const o = pending[k];
      if (o.i === i && o.role === "exit" && o.type === "market") return o;
    }
    return undefined;
  }

  /** Removes `o` from `#pending`, keeping the others' order (no `splice`: it allocates). */
  #removePending(o: HeldOrder): void {
    const pending = this.#pending;
    let k = 0;
    while (k < pending.length && pending[k] !== o) k++;
    if (k === pending.length) return;
    for (; k + 1 < pending.length; k++) pending[k] = pending[k + 1];
    pending.pop();
  }

  #cancelPending(i: number, ts: number, reason: string): void {
    const pending = this.#pending;
    let any = false;
    for (let k = 0; k < pending.length && !any; k++) any = pending[k].i === i;
    if (!any) return;
    const keep: HeldOrder[] = [];
    for (const o of pending) {
      if (o.i !== i) keep.push(o);
      else this.#emit?.({ type: "cancel", order: o.plain(), ts, reason });
    }
    this.#pending = keep;
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
    stopLoss: number | undefined,
    takeProfit: number | undefined,
  ): HeldOrder {
    const order = new HeldOrder(
      this.#nextId++,
      i,
      this.#assets[i],
      side,
      type,
      role,
      price,
      fraction,
      stopLoss,
      takeProfit,
      ts,
      source,
      reason,
    );
    if (this.#emit) this.#emit({ type: "order", order: order.plain() });
    return order;
  }

  #checkProtective(i: number, b: BarPrices, openTs: number, closeTs: number): void {
    const hit = protectiveExit(this.#pf.qty[i], this.slPrice[i], this.tpPrice[i], b);
    if (!hit) return;
    const o = hit.role === "stop_loss" ? this.#slOrder[i]! : this.#tpOrder[i]!;
    // A stop-loss is a stop order (slips); a take-profit is a limit order (gets its price).
    this.#exit(i, hit.price, hit.atOpen ? openTs : closeTs, o, hit.role, hit.role === "stop_loss");
  }

  #exit(i: number, ref: number, ts: number, order: HeldOrder, reason: string, slip: boolean): void {
    const pf = this.#pf;
    const side: OrderSide = pf.qty[i] > 0 ? "sell" : "buy";
    const units = Math.abs(pf.qty[i]);
    const price = slip ? slipped(ref, side, this.#c.slippageBps) : ref;
    const fee = commission(units, price, this.#c.commission, this.#c.commissionFixed);
    pf.settle(i, price, fee, ts, reason, this.tradeLog);
    pf.slippage += Math.abs(price - ref) * units;
    this.#record(order, ts, price, ref, units, fee);
    if (this.#slOrder[i] !== undefined || this.#tpOrder[i] !== undefined) {
      this.#clearProtective(i, order, ts);
    }
  }

  /** Fills an entry; returns false when it was rejected. */
  #entry(o: HeldOrder, ref: number, ts: number, slip: boolean): boolean {
    const pf = this.#pf, c = this.#c;
    const i = o.i;
    if (pf.qty[i] !== 0) {
      this.#reject(o, ts, "rejected", "a position in this asset is already open", 0, 0);
      return false;
    }
    const price = slip ? slipped(ref, o.side, c.slippageBps) : ref;
    const equity = pf.equity(), committed = pf.gross(), cash = pf.cash;
    let units = entryUnits(
      o.fraction,
      equity,
      committed,
      cash,
      o.side === "buy",
      price,
      c.commission,
      c.commissionFixed,
      c.wholeUnits,
    );
    if (units < 0) {
      // rejected or reduced: the sizing with its reason
      const sizing = sizeEntry({
        fraction: o.fraction,
        equity,
        committed,
        cash,
        side: o.side,
        price,
        rate: c.commission,
        fixed: c.commissionFixed,
        whole: c.wholeUnits,
      });
      if (sizing.units === 0) {
        this.#reject(o, ts, "rejected", sizing.problem!, sizing.requested, 0);
        return false;
      }
      this.#reject(o, ts, "reduced", sizing.problem!, sizing.requested, sizing.granted);
      units = sizing.units;
    }
    const fee = commission(units, price, c.commission, c.commissionFixed);
    const sign = o.side === "buy" ? 1 : -1;
    pf.open(i, sign, units, price, fee, ts);
    pf.slippage += Math.abs(price - ref) * units;
    this.#record(o, ts, price, ref, units, fee);
    if (o.stopLoss !== undefined || o.takeProfit !== undefined) {
      this.#protect(o, i, sign, price, ts);
    }
    return true;
  }

  /** Attaches the entry's stop-loss and / or take-profit to the position it opened at `price`. */
  #protect(o: HeldOrder, i: number, sign: 1 | -1, price: number, ts: number): void {
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
        undefined,
        undefined,
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
        undefined,
        undefined,
      );
    }
    this.#protected++;
  }

  /** One cancels the other: once the position is closed, its remaining SL/TP legs go. */
  #clearProtective(i: number, filled: HeldOrder, ts: number): void {
    const sl = this.#slOrder[i], tp = this.#tpOrder[i];
    if (this.#emit) {
      for (const o of [sl, tp]) {
        if (o && o !== filled) {
          this.#emit({ type: "cancel", order: o.plain(), ts, reason: "position closed" });
        }
      }
    }
    this.slPrice[i] = NaN;
    this.tpPrice[i] = NaN;
    this.#slOrder[i] = undefined;
    this.#tpOrder[i] = undefined;
    this.#protected--;
  }

  #record(o: HeldOrder, ts: number, price: number, ref: number, qty: number, fee: number): void {
    this.fillLog.add(o.id, o.asset, o.kind, ts, price, qty, fee, ref);
    if (this.#emit) this.#emit({ type: "fill", fill: this.fills[this.fillLog.length - 1] });
  }

  #reject(
    o: HeldOrder,
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
