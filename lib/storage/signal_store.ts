/**
 * The signal concern of the store: strategy and aggregate signals as the `signals` task made them.
 * @module
 */
import type { Signal } from "../core/signal.ts";

/** Filter of {@link SignalStore.listSignals}. */
export interface SignalFilter {
  /** Only this asset. */
  asset?: string;
  /** Only this strategy (or `aggregate`). */
  strategy?: string;
  /** Only signals at or after this decision time, UTC ms. */
  from?: number;
  /** Only signals at or before this decision time, UTC ms. */
  to?: number;
  /** At most this many. */
  limit?: number;
  /** Skip this many (newest first), for paging. */
  offset?: number;
}

/** Stored signals. */
export interface SignalStore {
  /** Stores signals (one per ts, asset and strategy; a re-run replaces them). */
  saveSignals(
    signals: readonly Signal[],
    prices?: Readonly<Record<string, number>>,
  ): Promise<number>;
  /** Stored signals, newest first. */
  listSignals(filter?: SignalFilter): Promise<Signal[]>;
}
