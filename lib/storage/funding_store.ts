/**
 * The funding concern of the store: funding-rate observations of perpetual contracts, from the
 * REST history (settled rates) and from the streams (the rate the exchange announces for the next
 * settlement). A later backtest settles perpetual positions with these rates, so they are kept
 * **exactly as the wire gave them**: `rate` and `markPrice` are the decimal strings the exchange
 * sent (`"0.00010000"` stays `"0.00010000"`), never a float that was rounded on the way.
 *
 * One observation is identified by (exchange, market, symbol, source, fundingTimeMs,
 * observedAtMs): recording the same observation again changes nothing (a re-run of a backfill,
 * a replayed stream), and recording it with other values replaces it (an exchange correction).
 * @module
 */

/** Where an observation came from: the WebSocket stream or the REST history. */
export type FundingSource = "ws" | "rest";

/** One funding-rate observation. */
export interface FundingObservation {
  /** `binance` or `bybit`. */
  readonly exchange: string;
  /** Always `perp` (funding exists only on perpetuals). */
  readonly market: "perp";
  /** The exchange's symbol, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /**
   * The settlement the rate belongs to, UTC ms: for `rest` the time it was settled, for `ws` the
   * next funding time the stream announced with it.
   */
  readonly fundingTimeMs: number;
  /**
   * The exchange's time of the observation, UTC ms: for `rest` the settlement time itself (a
   * settled rate is observed once), for `ws` the event time of the frame.
   */
  readonly observedAtMs: number;
  /** The funding rate as the wire's decimal string (`"-0.00012500"`). */
  readonly rate: string;
  /** Mark price as the wire's decimal string, or `null` when the source has none. */
  readonly markPrice: string | null;
  /** Hours between settlements for this settlement, or `null` when not known. */
  readonly intervalHours: number | null;
  /** `ws` or `rest`. */
  readonly source: FundingSource;
  /** When this process received it, UTC ms (kept from the first recording of an observation). */
  readonly receivedAtMs: number;
}

/** Which perpetual of which exchange. */
export interface FundingKey {
  /** `binance` or `bybit`. */
  readonly exchange: string;
  /** The symbol. */
  readonly symbol: string;
  /** Default `perp`. */
  readonly market?: "perp";
}

/** Filter of {@link FundingStore.listFunding}. */
export interface FundingQuery extends FundingKey {
  /** Only this source (default: both). */
  readonly source?: FundingSource;
  /** Earliest `fundingTimeMs`, inclusive. */
  readonly fromMs?: number;
  /** Latest `fundingTimeMs`, inclusive. */
  readonly toMs?: number;
  /** At most this many (the oldest first). */
  readonly limit?: number;
}

/** What {@link FundingStore.recordFunding} did. */
export interface FundingWriteResult {
  /** New observations. */
  readonly inserted: number;
  /** Observations that were stored with other values and now carry the new ones. */
  readonly updated: number;
  /** Observations that were stored already, exactly so. */
  readonly unchanged: number;
}

/** Stored funding rates. */
export interface FundingStore {
  /**
   * Records observations in one unit of work (all or none), idempotently (see the module doc).
   * Throws a RangeError naming the observation when a rate or mark is not a decimal string, a
   * time is not UTC ms or the interval is not a whole number of hours ≥ 1; nothing is written
   * then.
   */
  recordFunding(observations: readonly FundingObservation[]): Promise<FundingWriteResult>;
  /** Observations of one perpetual, oldest first (by funding time, then observation time). */
  listFunding(query: FundingQuery): Promise<FundingObservation[]>;
  /**
   * The newest observation of each perpetual (by funding time, then observation time), of
   * `source` when given, of `exchange` when given; ordered by exchange and symbol.
   */
  latestFunding(
    filter?: { readonly exchange?: string; readonly source?: FundingSource },
  ): Promise<FundingObservation[]>;
  /**
   * The newest stored observation of one perpetual from `source` (default `rest`): where an
   * incremental backfill starts (after its `fundingTimeMs`), or `undefined` when none is stored.
   */
  lastFunding(key: FundingKey, source?: FundingSource): Promise<FundingObservation | undefined>;
}
