import assert from "node:assert/strict";
import { StreamEngine } from "./engine.ts";
import { bybitRefusedSymbols, instrumentVerdict } from "./instruments.ts";
import { buildPlan } from "./plan.ts";

const info = (symbols: { symbol: string; status: string }[]) =>
  JSON.stringify({ timezone: "UTC", serverTime: 1, rateLimits: [], exchangeFilters: [], symbols });

Deno.test("Binance spot -1121: one asked symbol is unknown, several are inconclusive", () => {
  const body = '{"code":-1121,"msg":"Invalid symbol."}';
  const one = instrumentVerdict({
    exchange: "binance",
    market: "spot",
    symbols: ["NOPEUSDT"],
    wanted: ["NOPEUSDT"],
    status: 400,
    body,
    error: "HTTP 400",
  });
  assert.deepEqual(one.unknown, [{
    symbol: "NOPEUSDT",
    message: "binance -1121: Invalid symbol.",
  }]);
  const many = instrumentVerdict({
    exchange: "binance",
    market: "spot",
    symbols: ["BTCUSDT", "NOPEUSDT"],
    wanted: ["BTCUSDT", "NOPEUSDT"],
    status: 400,
    body,
    error: "HTTP 400",
  });
  assert.equal(many.inconclusive, true);
  assert.deepEqual([many.unknown, many.known, many.failure], [[], [], undefined]);
});

Deno.test("Binance USDⓈ-M: a wanted symbol missing from the full list is unknown; BREAK is listed, not trading", () => {
  const v = instrumentVerdict({
    exchange: "binance",
    market: "perp",
    symbols: [],
    wanted: ["BTCUSDT", "NOPEUSDT", "OLDUSDT"],
    body: info([{ symbol: "BTCUSDT", status: "TRADING" }, { symbol: "OLDUSDT", status: "BREAK" }]),
  });
  assert.deepEqual(v.known, ["BTCUSDT", "OLDUSDT"]);
  assert.deepEqual(v.unknown.map((u) => u.symbol), ["NOPEUSDT"]);
  assert.deepEqual(v.notTrading, ["OLDUSDT (BREAK)"]);
});

Deno.test("Bybit: retCode 0 with an empty list is unknown; 10001 names the parameter; 5xx and junk are failures", () => {
  const envelope = (retCode: number, retMsg: string, list: unknown[]) =>
    JSON.stringify({
      retCode,
      retMsg,
      result: { category: "spot", list },
      retExtInfo: {},
      time: 1,
    });
  const base = { exchange: "bybit", market: "spot", symbols: ["NOPEUSDT"], wanted: [] } as const;
  assert.deepEqual(instrumentVerdict({ ...base, body: envelope(0, "OK", []) }).unknown.length, 1);
  assert.deepEqual(
    instrumentVerdict({
      ...base,
      body: envelope(0, "OK", [{ symbol: "NOPEUSDT", status: "Trading" }]),
    })
      .known,
    ["NOPEUSDT"],
  );
  assert.equal(
    instrumentVerdict({ ...base, body: envelope(10001, "params error: symbol invalid", []) })
      .unknown[0].message,
    "bybit 10001: params error: symbol invalid",
  );
  assert.match(
    instrumentVerdict({ ...base, body: envelope(10006, "Too many visits", []) }).failure!,
    /retCode 10006 Too many visits/,
  );
  assert.match(
    instrumentVerdict({ ...base, status: 502, body: "<html>bad gateway</html>", error: "HTTP 502" })
      .failure!,
    /HTTP 502/,
  );
  assert.match(
    instrumentVerdict({ ...base, body: '{"retCode":0,"result":{}}' }).failure!,
    /no symbol list/,
  );
});

Deno.test("a refused Bybit subscription names its symbols", () => {
  assert.deepEqual(bybitRefusedSymbols("Invalid symbol :[orderbook.50.NOPEUSDT]"), ["NOPEUSDT"]);
  assert.deepEqual(
    bybitRefusedSymbols("Invalid symbol :[orderbook.50.AUSDT, tickers.AUSDT,tickers.BUSDT]"),
    ["AUSDT", "BUSDT"],
  );
  assert.deepEqual(bybitRefusedSymbols("handler not found"), []);
});

Deno.test("engine: a silent syncing book is reported once per silence; an unknown one is terminal and its lone connection is not reconnected", () => {
  const plan = buildPlan({
    exchanges: ["binance"],
    markets: ["spot"],
    symbols: ["NOPEUSDT"],
    depth: 5,
    snapshotLimit: 1000,
    staleAfterMs: 10_000,
  });
  const e = new StreamEngine(plan);
  const c = "binance:spot:0";
  e.handle({ t: "open", at: 0, c });
  const silent = e.handle({ t: "tick", at: 10_000 });
  assert.deepEqual(silent.map((x) => x.type), ["problem", "reconnect"]);
  assert.match((silent[0] as { message: string }).message, /no message for 10 s.*NOPEUSDT/);
  assert.equal(e.summary().stats.silentBooks, 1);
  e.handle({ t: "open", at: 10_500, c });
  const effects = e.handle({
    t: "instruments",
    at: 11_000,
    exchange: "binance",
    market: "spot",
    symbols: ["NOPEUSDT"],
    status: 400,
    body: '{"code":-1121,"msg":"Invalid symbol."}',
    error: "HTTP 400",
  });
  assert.deepEqual(effects.map((x) => x.type), ["problem"]);
  const book = e.summary().books[0];
  assert.equal(book.state, "unknown-symbol");
  assert.equal(book.error, "binance /api/v3/exchangeInfo: binance -1121: Invalid symbol.");
  // terminal: no more silence reports, no reconnects of a connection carrying only it
  assert.deepEqual(e.handle({ t: "tick", at: 60_000 }), []);
  // a late depth message is counted and ignored
  const d = { e: "depthUpdate", E: 1, s: "NOPEUSDT", U: 1, u: 2, b: [["1", "1"]], a: [] };
  e.handle({
    t: "frame",
    at: 61_000,
    c,
    d: JSON.stringify({ stream: "nopeusdt@depth@100ms", data: d }),
  });
  const after = e.summary();
  assert.equal(after.books[0].state, "unknown-symbol");
  assert.equal(after.books[0].messages, 1);
  assert.equal(after.stats.unknownSymbols, 1);
});

Deno.test("engine: metadata that calls a streaming book unknown is reported, and the book is kept", () => {
  const plan = buildPlan({
    exchanges: ["bybit"],
    markets: ["spot"],
    symbols: ["BTCUSDT"],
    depth: 5,
    snapshotLimit: 1000,
    staleAfterMs: 10_000,
  });
  const e = new StreamEngine(plan);
  const c = "bybit:spot:0";
  e.handle({ t: "open", at: 0, c });
  const snap = {
    topic: "orderbook.50.BTCUSDT",
    type: "snapshot",
    ts: 1,
    data: { s: "BTCUSDT", b: [["100", "1"]], a: [["101", "1"]], u: 5, seq: 50 },
    cts: 1,
  };
  e.handle({ t: "frame", at: 1, c, d: JSON.stringify(snap) });
  const out = e.handle({
    t: "instruments",
    at: 2,
    exchange: "bybit",
    market: "spot",
    symbols: ["BTCUSDT"],
    body: JSON.stringify({ retCode: 0, retMsg: "OK", result: { category: "spot", list: [] } }),
  });
  assert.match((out[0] as { message: string }).message, /its stream carries it: kept/);
  assert.equal(e.summary().books[0].state, "live");
  assert.equal(e.summary().stats.unknownSymbols, 0);
});
