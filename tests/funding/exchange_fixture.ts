/**
 * A fake Binance USDⓈ-M + Bybit v5 funding REST service on 127.0.0.1, in the real wire formats
 * and with the real paging semantics of each endpoint (see the docs quoted below), over funding
 * histories the test defines. Faults come from the {@link FixtureServer} underneath.
 *
 * - `GET /fapi/v1/fundingRate?symbol&startTime&endTime&limit`: settlements with
 *   `startTime <= fundingTime <= endTime`, oldest first, the first `limit` of them (default 100,
 *   at most 1000): "If the number of data between startTime and endTime is larger than limit,
 *   return as startTime + limit". Rows `{symbol, fundingRate, fundingTime, markPrice}`.
 * - `GET /fapi/v1/fundingInfo`: only the symbols given an adjusted interval.
 * - `GET /v5/market/funding/history?category=linear&symbol&startTime&endTime&limit`: newest first,
 *   the `limit` (default and at most 200) newest at or before `endTime`; `startTime` without
 *   `endTime` is a `retCode 10001` error, as Bybit documents. Rows are all strings.
 * - `GET /v5/market/instruments-info?category=linear&symbol`: `fundingInterval` in minutes.
 * @module
 */
import { FixtureServer, json } from "../helpers/fixture_server.ts";

export const H = 3_600_000;

/** One settlement of a fake history. */
export interface Settlement {
  readonly t: number;
  readonly rate: string;
  readonly mark: string;
}

/** Builds settlements every `hours` from `from` (inclusive) to `to` (exclusive), rates by index. */
export function settlements(from: number, to: number, hours: number, seed = 0): Settlement[] {
  const out: Settlement[] = [];
  for (let t = from, i = 0; t < to; t += hours * H, i++) {
    // exact decimal strings, built digit by digit (never through a float)
    const n = seed + i;
    const sign = n % 3 === 0 ? "-" : "";
    out.push({
      t,
      rate: `${sign}0.000${String(10_000 + n * 37).padStart(5, "0")}`,
      mark: `${60_000 + n}.${String(n * 7919 % 100_000_000).padStart(8, "0")}`,
    });
  }
  return out;
}

/** What the fake exchanges hold. */
export interface FundingMarket {
  readonly server: FixtureServer;
  /** Binance history per symbol (mutable: tests append settlements as time passes). */
  readonly binance: Map<string, Settlement[]>;
  /** Bybit history per symbol. */
  readonly bybit: Map<string, Settlement[]>;
  /** Binance `fundingInfo` entries (symbol → hours); absent symbols are not listed. */
  readonly binanceInfo: Map<string, number>;
  /** Bybit interval per symbol, hours. */
  readonly bybitInterval: Map<string, number>;
  /** Replaces a Binance row's JSON (to inject a malformed field). */
  binanceRowHook?: (row: Record<string, unknown>, symbol: string) => Record<string, unknown>;
}

const num = (q: URLSearchParams, k: string) => (q.has(k) ? Number(q.get(k)) : undefined);

function binanceRates(m: FundingMarket, q: URLSearchParams): Response {
  const symbol = q.get("symbol") ?? "";
  const history = m.binance.get(symbol);
  if (!history) return json({ code: -1121, msg: "Invalid symbol." }, { status: 400 });
  const limit = Math.min(num(q, "limit") ?? 100, 1000);
  const start = num(q, "startTime") ?? -Infinity;
  const end = num(q, "endTime") ?? Infinity;
  const rows = history.filter((s) => s.t >= start && s.t <= end).slice(0, limit);
  return json(
    rows.map((s) => {
      const row = { symbol, fundingTime: s.t, fundingRate: s.rate, markPrice: s.mark };
      return m.binanceRowHook ? m.binanceRowHook(row, symbol) : row;
    }),
    { headers: { "x-mbx-used-weight-1m": "5" } },
  );
}

function bybitEnvelope(result: unknown, retCode = 0, retMsg = "OK"): Response {
  return json({ retCode, retMsg, result, retExtInfo: {}, time: 1_672_051_897_447 });
}

function bybitHistory(m: FundingMarket, q: URLSearchParams): Response {
  const symbol = q.get("symbol") ?? "";
  if (q.get("category") !== "linear") return bybitEnvelope({}, 10001, "params error: category");
  const history = m.bybit.get(symbol);
  if (!history) return bybitEnvelope({}, 10001, "params error: symbol invalid");
  if (q.has("startTime") && !q.has("endTime")) {
    return bybitEnvelope({}, 10001, "params error: endTime is required with startTime");
  }
  const limit = Math.min(num(q, "limit") ?? 200, 200);
  const start = num(q, "startTime") ?? -Infinity;
  const end = num(q, "endTime") ?? Infinity;
  const rows = history.filter((s) => s.t >= start && s.t <= end).reverse().slice(0, limit);
  return bybitEnvelope({
    category: "linear",
    list: rows.map((s) => ({
      symbol,
      fundingRate: s.rate,
      fundingRateTimestamp: String(s.t),
    })),
  });
}

function bybitInstruments(m: FundingMarket, q: URLSearchParams): Response {
  const symbol = q.get("symbol") ?? "";
  const hours = m.bybitInterval.get(symbol);
  return bybitEnvelope({
    category: "linear",
    list: hours === undefined ? [] : [{
      symbol,
      contractType: "LinearPerpetual",
      status: "Trading",
      baseCoin: symbol.replace(/USDT$/, ""),
      quoteCoin: "USDT",
      fundingInterval: hours * 60,
      settleCoin: "USDT",
    }],
    nextPageCursor: "",
  });
}

/** Starts the fake exchanges (both on one server: their paths do not overlap). */
export function startFundingMarket(): FundingMarket {
  const m: FundingMarket = {
    server: undefined as unknown as FixtureServer,
    binance: new Map(),
    bybit: new Map(),
    binanceInfo: new Map(),
    bybitInterval: new Map(),
  };
  const server = FixtureServer.start((req) => {
    switch (req.path) {
      case "/fapi/v1/fundingRate":
        return binanceRates(m, req.query);
      case "/fapi/v1/fundingInfo":
        return json([...m.binanceInfo].map(([symbol, h]) => ({
          symbol,
          adjustedFundingRateCap: "0.02500000",
          adjustedFundingRateFloor: "-0.02500000",
          fundingIntervalHours: h,
          disclaimer: false,
        })));
      case "/v5/market/funding/history":
        return bybitHistory(m, req.query);
      case "/v5/market/instruments-info":
        return bybitInstruments(m, req.query);
      default:
        return new Response("not found", { status: 404 });
    }
  });
  (m as { server: FixtureServer }).server = server;
  return m;
}
