/**
 * A fake market for collector tests: one {@link FixtureServer} that answers CoinGecko, Binance,
 * FRED and CBOE requests in their real wire formats (envelopes taken from the reference payloads
 * in ../shared/reference/messages when present), with deterministic prices computed from time.
 *
 * Routes:
 * - `/api/v3/ping`, `/api/v3/coins/{id}/market_chart` (CoinGecko; hourly points at hh:00:23, or
 *   daily 00:00 snapshots with `interval=daily`, plus a final "now" point, like the real API);
 * - `/api/v3/klines` (Binance spot; includes the still-open bar, like the real API);
 * - `/fred/series/observations` (FRED; weekdays only, `"."` on the dates in `fredMissing`);
 * - `/cboe/VIX_History.csv` (CBOE; `MM/DD/YYYY` dates, weekdays).
 * @module
 */
import { DAY_MS, HOUR_MS, intervalMs, isoDate, parseInterval } from "../../lib/core/time.ts";
import {
  type FixtureRequest,
  FixtureServer,
  json,
  readReferenceJson,
} from "../helpers/fixture_server.ts";

/** Deterministic test price of `asset` at `ts`. */
export function priceAt(asset: string, ts: number): number {
  const base = asset === "bitcoin" ? 60_000 : asset === "ethereum" ? 3_000 : 100;
  return Math.round(base * (1 + 0.05 * Math.sin(ts / (7 * HOUR_MS))) * 100) / 100;
}

/** Deterministic test value of macro series `id` on day `ts`. */
export function macroValueAt(id: string, ts: number, bump = 0): number {
  const base = id === "VIXCLS" ? 15 : id === "DTWEXBGS" ? 120 : 4;
  return Math.round((base + Math.sin(ts / (3 * DAY_MS)) + bump) * 10_000) / 10_000;
}

/** Options of the fake market. */
export interface MarketOptions {
  /** The market's clock (defaults to the real time). */
  now?: () => number;
  /** CoinGecko: answer only requests carrying this Pro key (a Pro host). */
  requireProKey?: string;
  /** CoinGecko/Binance: bar start times the market does not have, per asset. */
  missing?: Record<string, Set<number>>;
  /** FRED: dates (UTC ms) reported as ".". */
  fredMissing?: Set<number>;
  /** FRED: added to every value (to provoke revisions). */
  fredBump?: number;
  /** The 32-character key FRED accepts (default: 32 × "a"). */
  fredKey?: string;
  /** CBOE: serve this CSV text instead of generated rows. */
  cboeCsv?: string;
}

const SYMBOLS: Record<string, string> = {
  BTCUSDT: "bitcoin",
  ETHUSDT: "ethereum",
  SOLUSDT: "solana",
  BNBUSDT: "binancecoin",
};

function weekday(ts: number): boolean {
  const d = new Date(ts).getUTCDay();
  return d !== 0 && d !== 6;
}

/** Starts the fake market. `opts` may be changed between requests. */
export function startMarket(
  opts: MarketOptions = {},
  port = 0,
): { server: FixtureServer; opts: MarketOptions } {
  let usedWeight = 0;
  const handler = (req: FixtureRequest): Response => {
    const now = (opts.now ?? Date.now)();
    const q = req.query;
    if (req.path === "/api/v3/ping") {
      return json(
        readReferenceJson("coingecko/oas_ping.json") ?? { gecko_says: "(V3) To the Moon!" },
      );
    }
    const chart = /^\/api\/v3\/coins\/([^/]+)\/market_chart$/.exec(req.path);
    if (chart) {
      if (opts.requireProKey !== undefined) {
        if (req.headers.get("x-cg-pro-api-key") !== opts.requireProKey) {
          return json({ status: { error_code: 10002, error_message: "API Key Missing" } }, {
            status: 401,
          });
        }
      } else if (req.headers.get("x-cg-pro-api-key")) {
        return json({
          status: {
            error_code: 10010,
            error_message: "If you are using Pro API key, please change your root URL",
          },
        }, { status: 400 });
      }
      const asset = chart[1];
      if (!["bitcoin", "ethereum", "solana", "binancecoin"].includes(asset)) {
        return json({ error: "coin not found" }, { status: 404 });
      }
      const days = Number(q.get("days"));
      const start = now - days * DAY_MS;
      const step = q.get("interval") === "daily" ? DAY_MS : HOUR_MS;
      const offset = step === DAY_MS ? 0 : 23_000;
      const ts: number[] = [];
      for (let t = Math.ceil(start / step) * step + offset; t < now; t += step) {
        // a daily snapshot at D+1 00:00 closes day D; an hourly point at hh:00:23 is in bar hh:00
        const bar = step === DAY_MS ? t - DAY_MS : t - offset;
        if (!opts.missing?.[asset]?.has(bar)) ts.push(t);
      }
      ts.push(now);
      return json({
        prices: ts.map((t) => [t, priceAt(asset, t)]),
        market_caps: ts.map((t) => [t, priceAt(asset, t) * 19_000_000]),
        total_volumes: ts.map((t) => [t, 1e9 + (t % 1000)]),
      });
    }
    if (req.path === "/api/v3/klines") {
      const asset = SYMBOLS[q.get("symbol") ?? ""];
      if (!asset) return json({ code: -1121, msg: "Invalid symbol." }, { status: 400 });
      const interval = parseInterval(q.get("interval") ?? "");
      const step = intervalMs(interval);
      const limit = Number(q.get("limit") ?? 500);
      const startTime = Number(q.get("startTime") ?? now - limit * step);
      const endTime = Number(q.get("endTime") ?? now);
      const rows: unknown[] = [];
      for (
        let t = Math.ceil(startTime / step) * step;
        t <= Math.min(endTime, now) && rows.length < limit;
        t += step
      ) {
        if (opts.missing?.[asset]?.has(t)) continue;
        const o = priceAt(asset, t), c = priceAt(asset, t + step);
        const h = Math.max(o, c) * 1.01, l = Math.min(o, c) * 0.99;
        rows.push([
          t,
          o.toFixed(8),
          h.toFixed(8),
          l.toFixed(8),
          c.toFixed(8),
          "12.50000000",
          t + step - 1,
          (12.5 * c).toFixed(8),
          42,
          "6.00000000",
          (6 * c).toFixed(8),
          "0",
        ]);
      }
      usedWeight += 2;
      return json(rows, { headers: { "x-mbx-used-weight-1m": String(usedWeight) } });
    }
    if (req.path === "/fred/series/observations") {
      const key = opts.fredKey ?? "a".repeat(32);
      if (q.get("api_key") !== key || q.get("file_type") !== "json") {
        return json(
          readReferenceJson("fred/doc_error_400_json.json") ??
            {
              error_code: 400,
              error_message: "Bad Request.  The value for variable api_key is not registered.",
            },
          { status: 400 },
        );
      }
      const id = q.get("series_id") ?? "";
      const from = Date.parse(q.get("observation_start") ?? "2020-01-01");
      const observations = [];
      for (let t = from; t < now - DAY_MS; t += DAY_MS) {
        if (!weekday(t)) continue;
        const day = isoDate(t);
        observations.push({
          realtime_start: isoDate(now),
          realtime_end: isoDate(now),
          date: day,
          value: opts.fredMissing?.has(t) ? "." : String(macroValueAt(id, t, opts.fredBump)),
        });
      }
      const template = readReferenceJson("fred/real_series_observations_GDPC1_excerpt.json") as
        | Record<string, unknown>
        | undefined;
      return json({
        ...(template ?? {}),
        realtime_start: isoDate(now),
        realtime_end: isoDate(now),
        observation_start: isoDate(from),
        count: observations.length,
        offset: 0,
        limit: 100000,
        observations,
      });
    }
    if (req.path === "/cboe/VIX_History.csv") {
      if (opts.cboeCsv !== undefined) return new Response(opts.cboeCsv);
      const lines = ["DATE,OPEN,HIGH,LOW,CLOSE"];
      for (
        let t = Math.floor((now - 60 * DAY_MS) / DAY_MS) * DAY_MS;
        t < now - DAY_MS;
        t += DAY_MS
      ) {
        if (!weekday(t)) continue;
        const [y, m, d] = isoDate(t).split("-");
        const v = macroValueAt("VIXCLS", t);
        lines.push(
          `${m}/${d}/${y},${v.toFixed(6)},${(v + 1).toFixed(6)},${(v - 1).toFixed(6)},${
            v.toFixed(6)
          }`,
        );
      }
      return new Response(lines.join("\n") + "\n", { headers: { "content-type": "text/csv" } });
    }
    return new Response("not found", { status: 404 });
  };
  return { server: FixtureServer.start(handler, port), opts };
}

// `deno run -A tests/collect/market_fixture.ts [port]` serves the fake market until Ctrl-C, so
// that the collection tasks can be tried offline (see the README, "Try it offline").
if (import.meta.main) {
  const { server } = startMarket({}, Number(Deno.args[0] ?? 8765));
  const base = server.url;
  console.log(`fake market on ${base}; in another terminal:
export COINGECKO_BASE_URL=${base}/api/v3 COINGECKO_PRO_BASE_URL=${base}/api/v3 \\
  BINANCE_BASE_URL=${base} FRED_BASE_URL=${base}/fred CBOE_VIX_URL=${base}/cboe/VIX_History.csv \\
  DATABASE_PATH=data/offline/mts.db DATA_DIR=data/offline`);
}
