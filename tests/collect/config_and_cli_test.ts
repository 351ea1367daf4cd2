/**
 * The collection settings users edit (symbol and series maps, rate limits, retry policy), the
 * list-flag syntax of the tasks, and which CoinGecko header each plan sends.
 */
import assert from "node:assert/strict";
import { binanceSymbol } from "../../lib/clients/binance/symbols.ts";
import { CoinGeckoClient } from "../../lib/clients/coingecko/client.ts";
import { fredSeriesId } from "../../lib/clients/fred/series.ts";
import { resolveConfig } from "../../lib/config/config.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { ManualClock } from "../../lib/net/clock.ts";
import { normalizeArgs } from "../../lib/cli/args.ts";
import { startMarket } from "./market_fixture.ts";

Deno.test("user map entries extend and override the built-in Binance and FRED maps", () => {
  const c = resolveConfig({
    BINANCE_SYMBOL_MAP: "pepe=PEPEUSDT, bitcoin=BTCFDUSD",
    FRED_SERIES_MAP: "WTI=DCOILBRENTEU,UNEMP=UNRATE",
  });
  assert.equal(binanceSymbol("pepe", c.binance.symbolMap), "PEPEUSDT");
  assert.equal(binanceSymbol("bitcoin", c.binance.symbolMap), "BTCFDUSD");
  assert.equal(binanceSymbol("ethereum", c.binance.symbolMap), "ETHUSDT");
  assert.equal(binanceSymbol("unknown-coin", c.binance.symbolMap), undefined);
  assert.equal(fredSeriesId("UNEMP", c.fred.seriesMap), "UNRATE");
  assert.equal(fredSeriesId("WTI", c.fred.seriesMap), "DCOILBRENTEU");
  assert.equal(fredSeriesId("DXY", c.fred.seriesMap), "DTWEXBGS");
  assert.equal(fredSeriesId("T5YIE", c.fred.seriesMap), "T5YIE", "unknown names are FRED ids");
});

Deno.test("a malformed map and a bad rate limit name the variable", () => {
  assert.throws(
    () => resolveConfig({ FRED_SERIES_MAP: "VIX" }),
    (e) =>
      e instanceof ConfigError && /FRED_SERIES_MAP: expected NAME=FRED_ID pairs/.test(e.message),
  );
  assert.throws(
    () => resolveConfig({ COINGECKO_RATE_LIMIT_PER_MIN: "fast" }),
    /COINGECKO_RATE_LIMIT_PER_MIN/,
  );
});

Deno.test("rate limits and retry policy have documented defaults", () => {
  const c = resolveConfig({});
  assert.equal(c.coingecko.ratePerMinute, undefined, "per plan unless set");
  assert.equal(c.binance.weightPerMinute, 6000);
  assert.equal(c.fred.ratePerMinute, 120);
  assert.deepEqual(c.http, { maxRetries: 3, backoffBaseMs: 500, maxRetryWaitMs: 60_000 });
  assert.equal(resolveConfig({ COINGECKO_RATE_LIMIT_PER_MIN: "250" }).coingecko.ratePerMinute, 250);
});

Deno.test("list flags take space- or comma-separated values", () => {
  const options = { days: { type: "string" }, assets: { type: "string" } } as const;
  const lists = ["assets"];
  assert.deepEqual(
    normalizeArgs(["--days", "7", "--assets", "bitcoin", "ethereum", "--json"], options, lists),
    ["--days", "7", "--assets=bitcoin,ethereum", "--json"],
  );
  assert.deepEqual(normalizeArgs(["--assets", "a,b"], options, lists), ["--assets=a,b"]);
  assert.deepEqual(normalizeArgs(["--assets"], options, lists), ["--assets"]);
});

Deno.test("a demo key goes to the public host in x-cg-demo-api-key; a Pro key to the Pro host", async () => {
  const pub = startMarket();
  const pro = startMarket();
  try {
    const make = (plan: "demo" | "pro") =>
      new CoinGeckoClient({
        plan,
        apiKey: "CG-k",
        baseUrl: `${pub.server.url}/api/v3`,
        proBaseUrl: `${pro.server.url}/api/v3`,
        timeoutMs: 2_000,
        clock: new ManualClock(0),
      });
    assert.deepEqual(await make("demo").ping(), { message: "(V3) To the Moon!", endpoint: "demo" });
    assert.equal(pub.server.requests[0].headers.get("x-cg-demo-api-key"), "CG-k");
    assert.equal(pub.server.requests[0].headers.get("x-cg-pro-api-key"), null);
    assert.deepEqual(await make("pro").ping(), { message: "(V3) To the Moon!", endpoint: "pro" });
    assert.equal(pro.server.requests[0].headers.get("x-cg-pro-api-key"), "CG-k");
    assert.equal(pub.server.requests.length, 1, "the Pro host answered: no fallback");
  } finally {
    await pub.server.close();
    await pro.server.close();
  }
});

Deno.test("a keyed plan without a key is a configuration error naming COINGECKO_API_KEY", () => {
  assert.throws(
    () =>
      new CoinGeckoClient({
        plan: "demo",
        baseUrl: "http://127.0.0.1:1",
        proBaseUrl: "http://127.0.0.1:1",
        timeoutMs: 100,
      }),
    (e) => e instanceof ConfigError && e.variable === "COINGECKO_API_KEY",
  );
});
