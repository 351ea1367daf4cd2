/**
 * The pipeline contract: the stage between the strategies' signals and the orders.
 *
 * ```ts
 * import type { Signal } from "../core/signal.ts";
 * import type { PipelineContext } from "./pipeline.ts";
 * type SignalPipeline = (signals: readonly Signal[], ctx: PipelineContext) => readonly Signal[];
 * ```
 * Called once per decision time — also when no strategy signalled (`signals` is then empty), so
 * that a risk stage can act on its own — with every signal of every strategy at that time, in
 * strategy order. It returns the final *target* signals (a target position per asset as a
 * fraction of equity, see `lib/core/signal.ts`); the default is the identity. When several final
 * signals name the same asset, the last one wins. `ctx` ({@link PipelineContext}) exposes `now`,
 * the run's `assets`, `equity` (marked at the latest close), `position(asset)`, `price(asset)`
 * (latest close), and the `fills` and `trades` so far (read-only; do not mutate). The context
 * object is reused between calls: read it during the call, do not keep it.
 *
 * How targets become orders: a target whose direction differs from the position's places a market
 * exit (if a position is open) and an entry (if the target is long/short with size > 0). A target
 * in the direction already held changes nothing (no resizing). Every new target for an asset
 * cancels that asset's pending orders first.
 * @module
 */
import type { Fill, Trade } from "../core/order.ts";
import type { Signal } from "../core/signal.ts";
import type { PositionView } from "../core/strategy.ts";

/** What a {@link SignalPipeline} may read. Reused between calls. */
export interface PipelineContext {
  /** Decision time (the close time of the newest bar), UTC ms. */
  readonly now: number;
  /** The run's assets in their fixed order. */
  readonly assets: readonly string[];
  /** Equity marked at the latest close. */
  readonly equity: number;
  /** Current position in `asset`. */
  position(asset: string): PositionView;
  /** Latest close of `asset` (`NaN` before its first bar). */
  price(asset: string): number;
  /** Every fill so far, oldest first. */
  readonly fills: readonly Fill[];
  /** Every closed trade so far, oldest first. */
  readonly trades: readonly Trade[];
}

/** Turns the strategies' signals into final target signals (aggregation, risk, …). */
export type SignalPipeline = (
  signals: readonly Signal[],
  ctx: PipelineContext,
) => readonly Signal[];
