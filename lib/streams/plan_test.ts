import assert from "node:assert/strict";
import { bybitSubscribes, connectionUrl } from "../services/stream_live.ts";
import { buildPlan, planFromJson } from "./plan.ts";

const base = { depth: 20, snapshotLimit: 1000, staleAfterMs: 15_000 };

Deno.test("the plan splits connections at the exchanges' stream limits", () => {
  const symbols = Array.from({ length: 250 }, (_, i) => `S${i}USDT`);
  const p = buildPlan({
    ...base,
    exchanges: ["binance", "bybit"],
    markets: ["spot", "perp"],
    symbols,
  });
  const count = (id: string) => p.connections.filter((c) => c.id.startsWith(id)).length;
  // spot: 1 stream per symbol, 1,024 per connection; USDⓈ-M: 2 per symbol, 200 per connection
  assert.equal(count("binance:spot:"), 1);
  assert.equal(count("binance:perp:"), 3); // 100 + 100 + 50 symbols
  // Bybit: 100 topics per connection: spot 1 per symbol, linear 2
  assert.equal(count("bybit:spot:"), 3);
  assert.equal(count("bybit:perp:"), 5);
  assert.equal(p.books.length, 1000);
  for (const c of p.connections) {
    const limit = c.exchange === "binance" ? (c.market === "spot" ? 1024 : 200) : 100;
    assert.ok(c.streams.length <= limit, c.id);
  }
  const perp0 = p.connections.find((c) => c.id === "binance:perp:0")!;
  assert.deepEqual(perp0.streams.slice(0, 2), ["s0usdt@depth@100ms", "s0usdt@markPrice@1s"]);
});

Deno.test("connection URLs and Bybit subscribe requests of at most 10 args", () => {
  const p = buildPlan({
    ...base,
    exchanges: ["binance", "bybit"],
    markets: ["spot", "perp"],
    symbols: ["BTCUSDT", "ETHUSDT", "A1USDT", "A2USDT", "A3USDT", "A4USDT"],
  });
  const e = {
    binanceRest: "https://api.binance.com",
    binanceFuturesRest: "https://fapi.binance.com",
    binanceWs: "wss://stream.binance.com:9443",
    binanceFuturesWs: "wss://fstream.binance.com",
    bybitWs: "wss://stream.bybit.com",
    bybitRest: "https://api.bybit.com",
  };
  const byId = (id: string) => p.connections.find((c) => c.id === id)!;
  assert.equal(
    connectionUrl(byId("binance:spot:0"), e),
    "wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms/ethusdt@depth@100ms/" +
      "a1usdt@depth@100ms/a2usdt@depth@100ms/a3usdt@depth@100ms/a4usdt@depth@100ms",
  );
  assert.match(
    connectionUrl(byId("binance:perp:0"), e),
    /^wss:\/\/fstream\.binance\.com\/stream\?streams=btcusdt@depth@100ms\/btcusdt@markPrice@1s\//,
  );
  assert.equal(connectionUrl(byId("bybit:perp:0"), e), "wss://stream.bybit.com/v5/public/linear");
  assert.equal(connectionUrl(byId("bybit:spot:0"), e), "wss://stream.bybit.com/v5/public/spot");
  const subs = bybitSubscribes(byId("bybit:perp:0")).map((t) => JSON.parse(t));
  assert.deepEqual(subs.map((s) => s.args.length), [10, 2]); // 12 topics
  assert.deepEqual(subs[0].args.slice(0, 2), ["orderbook.50.BTCUSDT", "tickers.BTCUSDT"]);
  assert.ok(subs.every((s) => s.op === "subscribe"));
  assert.equal(
    buildPlan({ ...base, depth: 51, exchanges: ["bybit"], markets: ["spot"], symbols: ["BTCUSDT"] })
      .connections[0].streams[0],
    "orderbook.200.BTCUSDT",
  );
});

Deno.test("a bad plan is refused naming what is wrong", () => {
  assert.throws(
    () => buildPlan({ ...base, exchanges: ["binance"], markets: ["spot"], symbols: ["btc-usdt"] }),
    /symbol "btc-usdt"/,
  );
  assert.throws(
    () =>
      buildPlan({
        ...base,
        depth: 0,
        exchanges: ["binance"],
        markets: ["spot"],
        symbols: ["BTCUSDT"],
      }),
    /depth must be 1–200/,
  );
  assert.throws(() => planFromJson({ exchanges: "binance" }), /plan.exchanges: expected a list/);
  assert.throws(
    () => planFromJson({ exchanges: ["kraken"], markets: ["spot"], symbols: ["BTCUSDT"], ...base }),
    /unknown exchange "kraken"/,
  );
});
