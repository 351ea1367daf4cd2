/**
 * CoinGecko wire formats → core types, validated with zod. Pure: no IO, no clock.
 *
 * - `/coins/{id}/market_chart`: `{prices, market_caps, total_volumes}`, each a list of
 *   `[ms, value]`. Times are milliseconds; a time below 1e11 is taken as a unit error (seconds).
 * - `/coins/{id}/ohlc`: `[[ms, o, h, l, c]]`, stamped with the candle's **close** time.
 * - `/simple/price`: `{id: {usd, usd_market_cap, usd_24h_vol, usd_24h_change, last_updated_at}}`,
 *   `last_updated_at` in Unix **seconds**.
 * - error bodies: `{"status": {"error_code", "error_message"}}` (also sent with HTTP 200 for rate
 *   limits) or `{"error": "..."}`.
 * @module
 */
import { z } from "zod";
import { type Candle, candleProblem } from "../../core/candle.ts";
import { amountProblem, priceProblem } from "../../core/bounds.ts";
import { DataError } from "../../core/errors.ts";
import { fieldPath, type PayloadIssue, tryJson } from "../issues.ts";

/** One market_chart timestamp with its three values (`NaN` where CoinGecko gave none). */
export interface ChartPoint {
  readonly ts: number;
  readonly price: number;
  readonly marketCap: number;
  readonly volume: number;
}

/** A CoinGecko error body. */
export interface CoinGeckoApiError {
  readonly code?: number;
  readonly message: string;
  readonly rateLimited: boolean;
}

const pair = z.tuple([z.number(), z.number().nullable()]);
const marketChartSchema = z.object({
  prices: z.array(pair),
  market_caps: z.array(pair),
  total_volumes: z.array(pair),
});

function invalid(endpoint: string, err: z.ZodError): DataError {
  const i = err.issues[0];
  return new DataError(`invalid payload: field ${fieldPath(i.path)}: ${i.message}`, endpoint);
}

/**
 * Detects a CoinGecko error body in any response text (whatever the HTTP status), or returns
 * `undefined`. A `status.error_code` of 429 or a message about the rate limit is a rate limit.
 */
export function coinGeckoError(body: string): CoinGeckoApiError | undefined {
  const j = tryJson(body) as Record<string, unknown> | undefined;
  if (!j || typeof j !== "object" || Array.isArray(j)) return undefined;
  const status = j.status as Record<string, unknown> | undefined;
  let code: number | undefined;
  let message: string | undefined;
  if (
    status && typeof status === "object" && ("error_code" in status || "error_message" in status)
  ) {
    code = typeof status.error_code === "number" ? status.error_code : Number(status.error_code);
    message = String(status.error_message ?? "error");
  } else if (typeof j.error === "string") {
    message = j.error;
  } else if (j.error && typeof j.error === "object") {
    const e = j.error as Record<string, unknown>;
    code = Number(e.status ?? e.code);
    message = String(e.message ?? JSON.stringify(e));
  } else {
    return undefined;
  }
  if (code !== undefined && !Number.isFinite(code)) code = undefined;
  return { code, message, rateLimited: code === 429 || /rate limit/i.test(message) };
}

/**
 * Parses a market_chart (or market_chart/range) body into points sorted by time. Duplicated and
 * out-of-order timestamps are repaired and reported as issues; anything else wrong (wrong types,
 * times in seconds, a price or amount outside the bounds of `lib/core/bounds.ts`) rejects the
 * whole payload with the field.
 */
export function parseMarketChart(
  body: unknown,
  endpoint: string,
): { points: ChartPoint[]; issues: PayloadIssue[] } {
  const r = marketChartSchema.safeParse(body);
  if (!r.success) throw invalid(endpoint, r.error);
  const issues: PayloadIssue[] = [];
  const check = (name: string, rows: [number, number | null][], positive: boolean) => {
    rows.forEach(([ts, v], i) => {
      if (!Number.isInteger(ts) || ts < 1e11) {
        throw new DataError(
          `invalid payload: field ${name}[${i}][0]: expected a time in milliseconds, got ${ts}`,
          endpoint,
        );
      }
      const problem = v === null ? undefined : positive ? priceProblem(v) : amountProblem(v);
      if (problem) {
        throw new DataError(`invalid payload: field ${name}[${i}][1]: ${problem}`, endpoint);
      }
    });
  };
  check("prices", r.data.prices, true);
  check("market_caps", r.data.market_caps, false);
  check("total_volumes", r.data.total_volumes, false);

  const byTs = (rows: [number, number | null][]) => new Map(rows.map(([t, v]) => [t, v]));
  const caps = byTs(r.data.market_caps);
  const vols = byTs(r.data.total_volumes);
  const prices = new Map<number, number>();
  let prev = -Infinity;
  r.data.prices.forEach(([ts, v], i) => {
    if (v === null) {
      issues.push({
        kind: "missing_value",
        ts,
        field: "price",
        detail: `prices[${i}] has no price`,
        location: endpoint,
      });
      return;
    }
    if (ts < prev) {
      issues.push({
        kind: "out_of_order",
        ts,
        field: "price",
        detail: `prices[${i}] at ${ts} comes after ${prev}`,
        location: endpoint,
      });
    }
    prev = Math.max(prev, ts);
    const seen = prices.get(ts);
    if (seen !== undefined) {
      issues.push({
        kind: seen === v ? "duplicate" : "conflicting_duplicate",
        ts,
        field: "price",
        detail: seen === v
          ? `prices has ${ts} twice`
          : `prices has ${ts} twice with ${seen} and ${v}; the later value is kept`,
        location: endpoint,
      });
    }
    prices.set(ts, v);
  });
  const points = [...prices.entries()].sort((a, b) => a[0] - b[0]).map(([ts, price]) => ({
    ts,
    price,
    marketCap: caps.get(ts) ?? NaN,
    volume: vols.get(ts) ?? NaN,
  }));
  return { points, issues };
}

const ohlcSchema = z.array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]));

/**
 * Parses `/coins/{id}/ohlc`. CoinGecko stamps each candle with its close time; the result uses
 * the mts convention (open time = close time − `barMs`). Volume is unknown (`NaN`).
 */
export function parseOhlc(body: unknown, endpoint: string, barMs: number): Candle[] {
  const r = ohlcSchema.safeParse(body);
  if (!r.success) throw invalid(endpoint, r.error);
  return r.data.map(([closeTs, open, high, low, close], i) => {
    if (!Number.isInteger(closeTs) || closeTs < 1e11) {
      throw new DataError(
        `invalid payload: field [${i}][0]: expected ms, got ${closeTs}`,
        endpoint,
      );
    }
    const c = { ts: closeTs - barMs, open, high, low, close, volume: NaN };
    const problem = candleProblem(c);
    if (problem) {
      throw new DataError(
        `invalid payload: field [${i}]: inconsistent OHLC ${open}/${high}/${low}/${close}: ${problem}`,
        endpoint,
      );
    }
    return c;
  });
}

const pingSchema = z.object({ gecko_says: z.string() });

/** Parses `/ping`; returns the greeting. */
export function parsePing(body: unknown, endpoint: string): string {
  const r = pingSchema.safeParse(body);
  if (!r.success) throw invalid(endpoint, r.error);
  return r.data.gecko_says;
}

/** One asset's `/simple/price` entry, in the requested currency. */
export interface SimplePrice {
  readonly price: number;
  readonly marketCap: number;
  readonly volume24h: number;
  readonly change24hPct: number;
  /** UTC ms (CoinGecko sends seconds); `NaN` when not requested. */
  readonly updatedAt: number;
}

/** Parses `/simple/price` for currency `vs` (e.g. `usd`). */
export function parseSimplePrice(
  body: unknown,
  endpoint: string,
  vs = "usd",
): Record<string, SimplePrice> {
  const entry = z.object({
    [vs]: z.number().positive(),
    [`${vs}_market_cap`]: z.number().nonnegative().optional(),
    [`${vs}_24h_vol`]: z.number().nonnegative().optional(),
    [`${vs}_24h_change`]: z.number().optional(),
    last_updated_at: z.number().int().optional(),
  });
  const r = z.record(z.string(), entry).safeParse(body);
  if (!r.success) throw invalid(endpoint, r.error);
  const out: Record<string, SimplePrice> = {};
  for (const [id, e] of Object.entries(r.data)) {
    const u = e.last_updated_at as number | undefined;
    if (u !== undefined && u >= 1e11) {
      throw new DataError(
        `invalid payload: field ${id}.last_updated_at: expected Unix seconds, got ${u}`,
        endpoint,
      );
    }
    out[id] = {
      price: e[vs] as number,
      marketCap: (e[`${vs}_market_cap`] as number | undefined) ?? NaN,
      volume24h: (e[`${vs}_24h_vol`] as number | undefined) ?? NaN,
      change24hPct: (e[`${vs}_24h_change`] as number | undefined) ?? NaN,
      updatedAt: u === undefined ? NaN : u * 1000,
    };
  }
  return out;
}
