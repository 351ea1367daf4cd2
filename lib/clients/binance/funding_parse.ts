/**
 * Binance USDⓈ-M funding REST wire formats → plain records, validated with zod. Pure.
 *
 * `GET /fapi/v1/fundingRate` answers a list, oldest first:
 * `[{"symbol":"BTCUSDT","fundingRate":"-0.03750000","fundingTime":1570608000000,
 * "markPrice":"34287.54619963"}]` — rate and mark as decimal strings (old entries send
 * `markPrice: ""`), the time in ms. `GET /fapi/v1/fundingInfo` lists **only** the symbols whose
 * cap, floor or interval was adjusted: `[{"symbol":"BLZUSDT","adjustedFundingRateCap":"0.02500000",
 * "adjustedFundingRateFloor":"-0.02500000","fundingIntervalHours":8,"disclaimer":false}]`; a
 * symbol absent from it has Binance's default interval, 8 h.
 * @module
 */
import { z } from "zod";
import { DataError } from "../../core/errors.ts";
import type { FundingRateRow } from "../funding.ts";
import { fieldPath } from "../issues.ts";

/** Binance's interval for a symbol that `/fapi/v1/fundingInfo` does not list (its docs: 8 h). */
export const BINANCE_DEFAULT_INTERVAL_HOURS = 8;

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "expected a decimal string");
const ms = z.number().int().min(1e11, "expected UTC ms");

const rateRow = z.object({
  symbol: z.string().min(1),
  fundingRate: decimal,
  fundingTime: ms,
  markPrice: z.union([decimal, z.literal("")]).optional(),
});

const infoRow = z.object({
  symbol: z.string().min(1),
  fundingIntervalHours: z.number().int().min(1, "expected a whole number of hours >= 1"),
});

function fail(error: z.ZodError, endpoint: string): never {
  const i = error.issues[0];
  throw new DataError(`invalid payload: field ${fieldPath(i.path)}: ${i.message}`, endpoint);
}

/**
 * Parses a `/fapi/v1/fundingRate` body. A row of another symbol, a time going backwards or a
 * repeated time rejects the payload naming the row: a settlement series is strictly increasing.
 */
export function parseFundingRates(
  body: unknown,
  symbol: string,
  endpoint: string,
): FundingRateRow[] {
  const r = z.array(rateRow).safeParse(body);
  if (!r.success) fail(r.error, endpoint);
  let prev = -Infinity;
  return r.data.map((x, i) => {
    if (x.symbol !== symbol) {
      throw new DataError(
        `invalid payload: field [${i}].symbol: expected ${symbol}, got ${JSON.stringify(x.symbol)}`,
        endpoint,
      );
    }
    if (x.fundingTime <= prev) {
      throw new DataError(
        `invalid payload: field [${i}].fundingTime: ${x.fundingTime} does not follow ${prev}`,
        endpoint,
      );
    }
    prev = x.fundingTime;
    return {
      symbol: x.symbol,
      fundingTimeMs: x.fundingTime,
      rate: x.fundingRate,
      markPrice: x.markPrice ? x.markPrice : null,
    };
  });
}

/** Parses a `/fapi/v1/fundingInfo` body into symbol → interval hours (listed symbols only). */
export function parseFundingInfo(body: unknown, endpoint: string): Map<string, number> {
  const r = z.array(infoRow).safeParse(body);
  if (!r.success) fail(r.error, endpoint);
  return new Map(r.data.map((x) => [x.symbol, x.fundingIntervalHours]));
}
