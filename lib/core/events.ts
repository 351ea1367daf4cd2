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
  /** Tag. */
  readonly type: "bar";
  /** Asset id. */
  readonly asset: string;
  /** Bar open time (UTC ms). */
  readonly ts: number;
  /** Open price. */
  readonly open: number;
  /** High price. */
  readonly high: number;
  /** Low price. */
  readonly low: number;
  /** Close price. */
  readonly close: number;
  /** Volume; `NaN` when unknown. */
  readonly volume: number;
}

/** A final (post-pipeline) target signal reached the broker. */
export interface SignalEvent {
  /** Tag. */
  readonly type: "signal";
  /** The signal. */
  readonly signal: Signal;
}

/** An order was placed. */
export interface OrderEvent {
  /** Tag. */
  readonly type: "order";
  /** The order placed. */
  readonly order: Order;
}

/** An order was cancelled (replaced by a newer signal, or the other leg of SL/TP filled). */
export interface CancelEvent {
  /** Tag. */
  readonly type: "cancel";
  /** The order cancelled. */
  readonly order: Order;
  /** When (UTC ms). */
  readonly ts: number;
  /** Why, e.g. `position closed` or the signal that replaced it. */
  readonly reason: string;
}

/** An order filled. */
export interface FillEvent {
  /** Tag. */
  readonly type: "fill";
  /** The execution. */
  readonly fill: Fill;
}

/** An order was rejected or reduced. */
export interface RejectEvent {
  /** Tag. */
  readonly type: "reject";
  /** What was refused or cut down. */
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
