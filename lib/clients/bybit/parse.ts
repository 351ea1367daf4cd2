/**
 * Bybit v5 funding REST wire formats → plain records, validated with zod. Pure.
 *
 * Every answer is the envelope `{retCode,retMsg,result,retExtInfo,time}`; a `retCode` other than
 * 0 is an error (10006 "Too many visits" is a rate limit, 10016 a server error).
 * `GET /v5/market/funding/history` lists settled rates **newest first**:
 * `result.list: [{"symbol":"BTCUSDT","fundingRate":"0.0001","fundingRateTimestamp":"1672041600000"}]`
 * (all strings, the time in ms). `GET /v5/market/instruments-info` gives each contract's
 * `fundingInterval` in **minutes** (an integer, e.g. 480).
 * @module
 */
import { z } from "zod";
import { DataError } from "../../core/errors.ts";
import type { FundingRateRow } from "../funding.ts";
import { fieldPath } from "../issues.ts";

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "expected a decimal string");
const msString = z.string().regex(/^\d{12,}$/, "expected UTC ms as a string of digits");

const envelope = z.object({ retCode: z.number().int(), retMsg: z.string() });

const historyResult = z.object({
  list: z.array(z.object({
    symbol: z.string().min(1),
    fundingRate: decimal,
    fundingRateTimestamp: msString,
  })),
});

const instrumentsResult = z.object({
  list: z.array(z.object({
    symbol: z.string().min(1),
    fundingInterval: z.number().int().min(60, "expected minutes >= 60")
      .refine((m) => m % 60 === 0, "expected a whole number of hours in minutes"),
  })),
});

/** A Bybit envelope whose `retCode` is not 0, or `undefined`. */
export function bybitError(body: unknown): { code: number; msg: string } | undefined {
  const r = envelope.safeParse(body);
  if (r.success && r.data.retCode !== 0) return { code: r.data.retCode, msg: r.data.retMsg };
  return undefined;
}

function result<T>(schema: z.ZodType<T>, body: unknown, endpoint: string): T {
  const e = envelope.safeParse(body);
  if (!e.success) {
    const i = e.error.issues[0];
    throw new DataError(`invalid payload: field ${fieldPath(i.path)}: ${i.message}`, endpoint);
  }
  if (e.data.retCode !== 0) {
    throw new DataError(`Bybit error ${e.data.retCode}: ${e.data.retMsg}`, endpoint);
  }
  const r = schema.safeParse((body as { result?: unknown }).result);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new DataError(
      `invalid payload: field ${fieldPath(["result", ...i.path])}: ${i.message}`,
      endpoint,
    );
  }
  return r.data;
}

/**
 * Parses a funding-history body into rows **oldest first**. A row of another symbol, or times that
 * do not strictly decrease down the list, reject the payload naming the row.
 */
export function parseFundingHistory(
  body: unknown,
  symbol: string,
  endpoint: string,
): FundingRateRow[] {
  const { list } = result(historyResult, body, endpoint);
  let prev = Infinity;
  const rows = list.map((x, i) => {
    const t = Number(x.fundingRateTimestamp);
    if (x.symbol !== symbol) {
      throw new DataError(
        `invalid payload: field result.list[${i}].symbol: expected ${symbol}, got ${
          JSON.stringify(x.symbol)
        }`,
        endpoint,
      );
    }
    if (t >= prev) {
      throw new DataError(
        `invalid payload: field result.list[${i}].fundingRateTimestamp: ${t} does not precede ${prev}`,
        endpoint,
      );
    }
    prev = t;
    return { symbol, fundingTimeMs: t, rate: x.fundingRate, markPrice: null };
  });
  return rows.reverse();
}

/** Parses an instruments-info body into symbol → interval hours. */
export function parseFundingIntervals(body: unknown, endpoint: string): Map<string, number> {
  const { list } = result(instrumentsResult, body, endpoint);
  return new Map(list.map((x) => [x.symbol, x.fundingInterval / 60]));
}
