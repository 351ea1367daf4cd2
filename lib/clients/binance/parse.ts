/**
 * Binance spot REST wire formats → core types, validated with zod. Pure.
 *
 * `GET /api/v3/klines` answers a list of 12-element rows:
 * `[openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyBase,
 * takerBuyQuote, ignore]` with times in ms and prices/quantities as decimal strings.
 * Errors come as `{"code": -1121, "msg": "Invalid symbol."}`.
 * @module
 */
import { z } from "zod";
import { type Candle, candleProblem } from "../../core/candle.ts";
import { DataError } from "../../core/errors.ts";
import { fieldPath, type PayloadIssue, tryJson } from "../issues.ts";

/** A kline and the time its bar closes (Binance's `closeTime`, the last ms of the bar). */
export interface Kline extends Candle {
  readonly closeTime: number;
  readonly trades: number;
}

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "expected a decimal string");
const row = z.tuple([
  z.number().int(),
  decimal,
  decimal,
  decimal,
  decimal,
  decimal,
  z.number().int(),
  decimal,
  z.number().int(),
  decimal,
  decimal,
  z.unknown(),
]);

const FIELDS = ["openTime", "open", "high", "low", "close", "volume", "closeTime"];

/** A Binance error body, or `undefined`. */
export function binanceError(body: string): { code: number; msg: string } | undefined {
  const j = tryJson(body) as Record<string, unknown> | undefined;
  if (j && typeof j === "object" && typeof j.code === "number" && typeof j.msg === "string") {
    return { code: j.code, msg: j.msg };
  }
  return undefined;
}

/**
 * Parses a klines body. Out-of-order or duplicated rows are repaired and reported; wrong types,
 * times not in ms, and inconsistent OHLC reject the whole payload naming the row and field.
 */
export function parseKlines(
  body: unknown,
  endpoint: string,
): { klines: Kline[]; issues: PayloadIssue[] } {
  const r = z.array(row).safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    const col = i.path[1];
    const name = typeof col === "number" && FIELDS[col] ? ` (${FIELDS[col]})` : "";
    throw new DataError(
      `invalid payload: field ${fieldPath(i.path)}${name}: ${i.message}`,
      endpoint,
    );
  }
  const issues: PayloadIssue[] = [];
  const byTs = new Map<number, Kline>();
  let prev = -Infinity;
  r.data.forEach((x, i) => {
    const k: Kline = {
      ts: x[0],
      open: Number(x[1]),
      high: Number(x[2]),
      low: Number(x[3]),
      close: Number(x[4]),
      volume: Number(x[5]),
      closeTime: x[6],
      trades: x[8],
    };
    if (k.ts < 1e11 || k.closeTime <= k.ts) {
      throw new DataError(
        `invalid payload: field [${i}][0] (openTime): expected ms before closeTime, got ${k.ts}/${k.closeTime}`,
        endpoint,
      );
    }
    const problem = candleProblem(k);
    if (problem) throw new DataError(`invalid payload: row [${i}]: ${problem}`, endpoint);
    if (k.ts < prev) {
      issues.push({
        kind: "out_of_order",
        ts: k.ts,
        detail: `row ${i} comes after ${prev}`,
        location: endpoint,
      });
    }
    prev = Math.max(prev, k.ts);
    const seen = byTs.get(k.ts);
    if (seen) {
      const same = seen.close === k.close && seen.open === k.open && seen.high === k.high &&
        seen.low === k.low && seen.volume === k.volume;
      issues.push({
        kind: same ? "duplicate" : "conflicting_duplicate",
        ts: k.ts,
        detail: same
          ? `row ${i} repeats ${k.ts}`
          : `row ${i} repeats ${k.ts} with other values; the later row is kept`,
        location: endpoint,
      });
    }
    byTs.set(k.ts, k);
  });
  return { klines: [...byTs.values()].sort((a, b) => a.ts - b.ts), issues };
}
