import assert from "node:assert/strict";
import { DataError } from "../../core/errors.ts";
import {
  coinGeckoError,
  parseMarketChart,
  parseOhlc,
  parsePing,
  parseSimplePrice,
} from "./parse.ts";

// Reference payloads are read in place from <repo>/../shared/reference (never copied).
const REF = new URL("../../../../shared/reference/messages/coingecko/", import.meta.url);
const hasRef = (() => {
  try {
    Deno.statSync(REF);
    return true;
  } catch {
    console.warn("skipped reference-payload tests: ../shared/reference/ is absent");
    return false;
  }
})();
const ref = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(name, REF)));
const EP = "coingecko /coins/bitcoin/market_chart";

Deno.test({
  name: "the documented market_chart payload parses into ms points with cap and volume",
  ignore: !hasRef,
  fn() {
    const { points, issues } = parseMarketChart(ref("oas_coins_id_market_chart.json"), EP);
    assert.deepEqual(points, [
      {
        ts: 1779027899041,
        price: 77953.82550382407,
        marketCap: 1560631481361.8042,
        volume: 18688431751.857048,
      },
      {
        ts: 1779028199661,
        price: 78052.87543398788,
        marketCap: 1562027330524.267,
        volume: 18974828816.446976,
      },
    ]);
    assert.deepEqual(issues, []);
  },
});

Deno.test({
  name: "the observed 429 body is recognised as a rate limit, ping and simple/price parse",
  ignore: !hasRef,
  fn() {
    const e = coinGeckoError(Deno.readTextFileSync(new URL("observed_error_429.json", REF)));
    assert.equal(e?.code, 429);
    assert.equal(e?.rateLimited, true);
    assert.equal(parsePing(ref("oas_ping.json"), "/ping"), "(V3) To the Moon!");
    const sp = parseSimplePrice(ref("oas_simple_price.json"), "/simple/price");
    assert.equal(sp.bitcoin.price, 76975);
    assert.equal(sp.bitcoin.updatedAt, 1779092258 * 1000, "seconds become ms");
  },
});

Deno.test({
  name: "ohlc candles are re-stamped from close time to open time",
  ignore: !hasRef,
  fn() {
    const c = parseOhlc(ref("oas_coins_id_ohlc.json"), "/ohlc", 30 * 60_000);
    assert.equal(c[0].ts, 1779199200000 - 1_800_000);
    assert.deepEqual([c[0].open, c[0].high, c[0].low, c[0].close], [76769, 76889, 76744, 76818]);
  },
});

Deno.test("a wrong type is rejected naming the endpoint and the field", () => {
  const bad = {
    prices: [[1779027899041, 1], [1779028199661, "2"]],
    market_caps: [],
    total_volumes: [],
  };
  assert.throws(
    () => parseMarketChart(bad, EP),
    (e) =>
      e instanceof DataError && e.message.startsWith(EP) &&
      /field prices\[1\]\[1\]/.test(e.message),
  );
});

Deno.test("times in seconds are rejected as a unit error", () => {
  const bad = { prices: [[1779027899, 1]], market_caps: [], total_volumes: [] };
  assert.throws(
    () => parseMarketChart(bad, EP),
    /prices\[0\]\[0\]: expected a time in milliseconds/,
  );
});

Deno.test("a missing key is rejected", () => {
  assert.throws(() => parseMarketChart({ prices: [] }, EP), /field market_caps/);
});

Deno.test("duplicates and out-of-order points are repaired and reported", () => {
  const t = 1_700_000_000_000;
  const body = {
    prices: [[t + 2, 3], [t, 1], [t + 2, 3], [t + 1, 2], [t + 1, 2.5]],
    market_caps: [[t, 10]],
    total_volumes: [],
  };
  const { points, issues } = parseMarketChart(body, EP);
  assert.deepEqual(points.map((p) => [p.ts, p.price]), [[t, 1], [t + 1, 2.5], [t + 2, 3]]);
  assert.equal(points[0].marketCap, 10);
  assert.ok(Number.isNaN(points[1].marketCap) && Number.isNaN(points[0].volume));
  assert.deepEqual(issues.map((i) => i.kind).sort(), [
    "conflicting_duplicate",
    "duplicate",
    "out_of_order", // t after t+2
    "out_of_order", // t+1 after t+2
    "out_of_order", // t+1 again
  ]);
});

Deno.test("error bodies of both shapes are detected and ordinary bodies are not", () => {
  assert.deepEqual(coinGeckoError('{"error":"coin not found"}'), {
    code: undefined,
    message: "coin not found",
    rateLimited: false,
  });
  assert.equal(
    coinGeckoError('{"status":{"error_code":10010,"error_message":"wrong host"}}')?.code,
    10010,
  );
  assert.equal(coinGeckoError('{"prices":[]}'), undefined);
  assert.equal(coinGeckoError("not json"), undefined);
});

Deno.test("a price beyond the one price bound (1e12) rejects the payload like the CSV import does", () => {
  const bad = {
    prices: [[1779027899041, 1], [1779028199661, 1e308]],
    market_caps: [[1779027899041, 1], [1779028199661, 1]],
    total_volumes: [[1779027899041, 1], [1779028199661, 1e31]],
  };
  assert.throws(
    () => parseMarketChart(bad, EP),
    (e) => e instanceof DataError && /field prices\[1\]\[1\]: .*at most 1e12/.test(e.message),
  );
  assert.throws(
    () => parseMarketChart({ ...bad, prices: [[1779027899041, 1], [1779028199661, 2]] }, EP),
    /field total_volumes\[1\]\[1\]: .*at most 1e30/,
  );
});

Deno.test("an OHLC bar priced beyond 1e12 is rejected by the same rule", () => {
  assert.throws(
    () => parseOhlc([[1779199200000, 1e308, 1e308, 1e308, 1e308]], "/ohlc", 1_800_000),
    /field \[0\]: .*open must be at most 1e12/,
  );
});
