/**
 * What the funding-history clients (`binance/funding_client.ts`, `bybit/client.ts`) share: one
 * settled rate as the exchange sent it, and the two questions a backfill asks every exchange.
 * @module
 */

/** One settled funding rate, exactly as the exchange sent it. */
export interface FundingRateRow {
  /** Symbol. */
  readonly symbol: string;
  /** Settlement time, UTC ms. */
  readonly fundingTimeMs: number;
  /** The settled rate, the wire's decimal string. */
  readonly rate: string;
  /** Mark price at settlement (decimal string), or `null` when the exchange gives none. */
  readonly markPrice: string | null;
}

/** Settled funding rates of one exchange's perpetuals, over REST. */
export interface FundingHistoryClient {
  /** `binance` or `bybit`. */
  readonly exchange: string;
  /** HTTP requests sent so far (every retry included). */
  readonly requestsSent: number;
  /** The symbol's current hours between settlements, as the exchange states it. */
  intervalHours(symbol: string): Promise<number>;
  /**
   * Every settlement of `symbol` with `fromMs <= fundingTimeMs <= toMs`, oldest first, however
   * many pages that takes; `onPage` sees each page's row count.
   */
  history(
    symbol: string,
    fromMs: number,
    toMs: number,
    onPage?: (rows: number) => void,
  ): Promise<FundingRateRow[]>;
}
