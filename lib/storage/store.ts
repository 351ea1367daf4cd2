/**
 * The storage contract: one small interface per concern, and {@link Store}, their union, for
 * callers that need several. New code depends on the narrowest interface it uses (a function that
 * only reads candles takes a {@link PriceStore}). No backend type appears here, so a PostgreSQL
 * implementation can stand beside the SQLite one without touching callers. Every method is async
 * for the same reason, although SQLite answers synchronously.
 *
 * Adding a concern (a table): see "Adding a table" in docs/architecture.md.
 * @module
 */
import type { AlertStore } from "./alert_store.ts";
import type { ArbitrageStore } from "./arbitrage_store.ts";
import type { BacktestRunStore } from "./backtest_store.ts";
import type { BookStore } from "./book_store.ts";
import type { FundingStore } from "./funding_store.ts";
import type { JobStore } from "./job_store.ts";
import type { MacroStore } from "./macro_store.ts";
import type { PriceStore } from "./price_store.ts";
import type { QualityStore } from "./quality_store.ts";
import type { RunStore } from "./run_store.ts";
import type { SignalStore } from "./signal_store.ts";
import type { TrialStore } from "./trial_store.ts";

export type * from "./alert_store.ts";
export type * from "./arbitrage_store.ts";
export type * from "./backtest_store.ts";
export type * from "./book_store.ts";
export type * from "./funding_store.ts";
export type * from "./job_store.ts";
export type * from "./macro_store.ts";
export type * from "./price_store.ts";
export type * from "./quality_store.ts";
export type * from "./run_store.ts";
export type * from "./signal_store.ts";
export type * from "./trial_store.ts";
export { pickSource, SOURCE_PRIORITY } from "./sources.ts";

/** Atomic units of work across concerns. */
export interface Transactional {
  /**
   * Runs `fn` as one unit of work: everything it wrote is kept only if it resolves, and other
   * readers see all of it or none; if it throws, the store is left exactly as it was. Calls
   * nest (a failed inner call undoes only its own writes); calls from unrelated async contexts
   * wait their turn instead of joining.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

/** The whole market-data store: every concern, transactions, and closing. */
export interface Store
  extends
    PriceStore,
    MacroStore,
    QualityStore,
    RunStore,
    SignalStore,
    BacktestRunStore,
    JobStore,
    BookStore,
    FundingStore,
    TrialStore,
    AlertStore,
    ArbitrageStore,
    Transactional {
  /** Closes the store (and releases the leases of unfinished runs). */
  close(): void;
}
