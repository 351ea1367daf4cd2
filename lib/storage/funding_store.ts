/**
 * The funding-rate concern of the store, as the stream needs it: every funding observation of a
 * perpetual (from the WebSocket streams or REST). This is the minimal shape `deno task stream`
 * writes through; the funding backfill (`--backfill-funding`) shares it.
 * @module
 */

/** One funding observation. */
export interface FundingObservation {
  /** `binance` or `bybit`. */
  exchange: string;
  /** Symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** The funding rate as the exchange's decimal string, or `null` when the contract has none. */
  rate: string | null;
  /** Mark price (decimal string), or `null`. */
  markPrice: string | null;
  /** Hours between settlements, or `null` until known. */
  intervalHours: number | null;
  /** The next settlement, UTC ms, or `null`. */
  nextFundingTime: number | null;
  /** `ws` or `rest`. */
  source: "ws" | "rest";
  /** Exchange time of the observation, UTC ms. */
  observedAt: number;
  /** Local time it was received, UTC ms. */
  receivedAt: number;
}

/** Writes funding observations. */
export interface FundingStore {
  /** Stores observations (idempotent per exchange, symbol, time and source). */
  recordFunding(observations: readonly FundingObservation[]): Promise<{ inserted: number }>;
}
