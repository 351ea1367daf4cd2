/**
 * The collect report's "requests" column counts every HTTP attempt, retries included: a series
 * fetched after two 429s took three requests, not one.
 */
import assert from "node:assert/strict";
import { BinanceClient } from "../../lib/clients/binance/client.ts";
import { CoinGeckoClient } from "../../lib/clients/coingecko/client.ts";
import { ManualClock } from "../../lib/net/clock.ts";
import { collectPrices } from "../../lib/services/collector.ts";
import { binanceSource, coinGeckoSource } from "../../lib/services/price_sources.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { startMarket } from "./market_fixture.ts";

const NOW = Date.UTC(2026, 10, 20, 12, 30);
const RATE_LIMITED = { type: "status", status: 429, headers: { "retry-after": "1" } } as const;

Deno.test("coingecko: 429, 429, 200 is reported as 3 requests", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    m.server.fault("/api/v3/coins/bitcoin", RATE_LIMITED, RATE_LIMITED);
    const client = new CoinGeckoClient({
      plan: "public",
      baseUrl: `${m.server.url}/api/v3`,
      proBaseUrl: `${m.server.url}/api/v3`,
      timeoutMs: 2_000,
      clock: new ManualClock(NOW),
    });
    const r = await collectPrices(store, {
      source: coinGeckoSource(client),
      assets: ["bitcoin", "ethereum"],
      interval: "1d",
      days: 3,
      nowMs: NOW,
    });
    assert.equal(r.items[0].status, "success");
    assert.equal(m.server.requestsTo("/api/v3/coins/bitcoin").length, 3);
    assert.equal(r.items[0].requests, 3, "two rate-limited attempts and the one that succeeded");
    assert.equal(r.items[1].requests, 1, "ethereum answered at once");
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("binance: a 429 between two pages makes 3 requests for 2 pages", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    // 1h bars over 60 days = 1440 bars: two pages; the second page is rate-limited once
    let pages = 0;
    m.server.fault((q) => q.path === "/api/v3/klines" && ++pages === 2, RATE_LIMITED);
    const client = new BinanceClient({
      baseUrl: m.server.url,
      timeoutMs: 2_000,
      clock: new ManualClock(NOW),
    });
    const r = await collectPrices(store, {
      source: binanceSource(client),
      assets: ["bitcoin"],
      interval: "1h",
      days: 60,
      nowMs: NOW,
    });
    assert.equal(r.items[0].status, "success", r.items[0].error);
    assert.equal(r.items[0].inserted, 1440);
    assert.equal(m.server.requestsTo("/api/v3/klines").length, 3);
    assert.equal(r.items[0].requests, 3);
  } finally {
    store.close();
    await m.server.close();
  }
});
