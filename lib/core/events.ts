/**
 * Engine events: readonly objects tagged by `type`. The backtest engine creates them only when
 * something happens (an order, a fill, a rejection) and bar events only when a listener asks for
 * them, so that a quiet bar costs no allocation.
 * @module
 */
import type { Fill, Order, OrderRejection } from "./order.ts";
import type { Signal } from "./signal.ts";

/** A bar of one asset was processed (emitted only to an `onEvent` listener). */
export interface BarEvent {
  readonly type: "bar";
  readonly asset: string;
  /** Bar open time (UTC ms). */
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A final (post-pipeline) target signal reached the broker. */
export interface SignalEvent {
  readonly type: "signal";
  readonly signal: Signal;
}

/** An order was placed. */
export interface OrderEvent {
  readonly type: "order";
  readonly order: Order;
}

/** An order was cancelled (replaced by a newer signal, or the other leg of SL/TP filled). */
export interface CancelEvent {
  readonly type: "cancel";
  readonly order: Order;
  readonly ts: number;
  readonly reason: string;
}

/** An order filled. */
export interface FillEvent {
  readonly type: "fill";
  readonly fill: Fill;
}

/** An order was rejected or reduced. */
export interface RejectEvent {
  readonly type: "reject";
  readonly rejection: OrderRejection;
}

/** Any engine event. */
export type EngineEvent =
  | BarEvent
  | SignalEvent
  | OrderEvent
  | CancelEvent
  | FillEvent
  | RejectEvent;
