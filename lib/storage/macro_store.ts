/**
 * The macro concern of the store: observations with revisions and vintages (point-in-time).
 * @module
 */
import type { MacroObservation } from "../core/candle.ts";
import type { TimeRange, WriteOptions } from "./price_store.ts";

/** What a macro upsert did. A changed value becomes a new revision instead of an overwrite. */
export interface MacroUpsertResult {
  /** Dates not stored before. */
  inserted: number;
  /** Dates whose latest value changed (a new revision was added). */
  revised: number;
  /** Dates whose latest value is the same. */
  unchanged: number;
}

/** Summary of one stored macro series. */
export interface MacroSeriesSummary {
  /** Canonical name: VIX, DXY, DGS10, … */
  series: string;
  /** fred, cboe, csv, sample, … */
  source: string;
  /** Distinct observation dates. */
  count: number;
  /** First observation date, UTC ms. */
  firstTs: number;
  /** Last observation date, UTC ms. */
  lastTs: number;
  /** Newest vintage (fetch or import time), UTC ms. */
  lastVintage: number;
  /** Values that were revised at least once. */
  revisions: number;
}

/** Filter of {@link MacroStore.getMacro}. */
export interface MacroQuery extends TimeRange {
  /** Source to read (default: the preferred stored one, `sample` last). */
  source?: string;
  /** Only values known at this vintage (UTC ms): a point-in-time view. */
  asOfVintage?: number;
}

/** Stored macro observations. */
export interface MacroStore {
  /**
   * Stores macro observations fetched at `vintage`. New dates are inserted; a date whose latest
   * value differs gets a new revision. Atomic; resolves ledger entries the data fills.
   */
  upsertMacro(
    series: string,
    source: string,
    observations: readonly MacroObservation[],
    vintage: number,
    options?: WriteOptions,
  ): Promise<MacroUpsertResult>;
  /** Latest revision of each observation (or the latest known at `asOfVintage`), in date order. */
  getMacro(series: string, options?: MacroQuery): Promise<MacroObservation[]>;
  /** Every stored macro series. */
  listMacroSeries(): Promise<MacroSeriesSummary[]>;
}
