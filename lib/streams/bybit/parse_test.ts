import assert from "node:assert/strict";
import { IGNORE_WITHOUT_MESSAGES, message, messageFiles } from "../_reference_test.ts";
import { ExchangeError, FrameError } from "../errors.ts";
import {
  type BybitFrame,
  parseBybitFrame,
  parseBybitFundingHistory,
  parseBybitOrderbook,
  parseBybitTickers,
} from "./parse.ts";
import { BybitBookSync } from "./sync.ts";

function frame(file: string): BybitFrame {
  return parseBybitFrame(message(`bybit/${file}`));
}

function kindOf<K extends BybitFrame["kind"]>(f: BybitFrame, kind: K) {
  assert.equal(f.kind, kind);
  return f as Extract<BybitFrame, { kind: K }>;
}

/** What each reference file must parse to (values read off the files by hand). */
const CASES: Record<string, () => void> = {
  "doc_v5_ws_orderbook50_snapshot.json": () => {
    const b = kindOf(frame("doc_v5_ws_orderbook50_snapshot.json"), "book").book;
    assert.deepEqual({ ...b }, {
      topic: "orderbook.50.BTCUSDT",
      depth: 50,
      symbol: "BTCUSDT",
      type: "snapshot",
      u: 18521288,
      seq: 7961638724,
      tsMs: 1672304484978,
      ctsMs: 1672304484976,
      bids: [["16493.50", "0.006"], ["16493.00", "0.100"]],
      asks: [["16611.00", "0.029"], ["16612.00", "0.213"]],
    });
  },
  "doc_v5_ws_orderbook50_delta.json": () => {
    const b = kindOf(frame("doc_v5_ws_orderbook50_delta.json"), "book").book;
    assert.deepEqual([b.type, b.u, b.seq, b.tsMs, b.ctsMs], [
      "delta",
      177400507,
      66544703342,
      1687940967466,
      1687940967464,
    ]);
    assert.equal(b.bids.length, 5);
    assert.deepEqual(b.bids[4], ["30240.00", "0"]);
    assert.equal(b.asks.length, 7);
  },
  "doc_v5_ws_tickers_linear_perp_snapshot.json": () => {
    const t = kindOf(frame("doc_v5_ws_tickers_linear_perp_snapshot.json"), "ticker").ticker;
    assert.deepEqual({ ...t }, {
      symbol: "BTCUSDT",
      type: "snapshot",
      tsMs: 1760325052630,
      cs: 9532239429,
      fields: {
        fundingRate: "-0.005",
        nextFundingTimeMs: 1760342400000,
        fundingIntervalHours: 8,
        fundingCap: "0.005",
        markPrice: "66666.60",
        indexPrice: "115418.19",
        lastPrice: "66666.60",
      },
    });
  },
  "doc_v5_ws_tickers_spot_snapshot.json": () => {
    const t = kindOf(frame("doc_v5_ws_tickers_spot_snapshot.json"), "ticker").ticker;
    assert.deepEqual([t.tsMs, t.cs], [1673853746003, 2588407389]);
    assert.deepEqual(t.fields, { lastPrice: "21109.77" }, "spot tickers carry no funding");
  },
  "doc_v5_ws_pong_2.json": () => {
    assert.deepEqual(frame("doc_v5_ws_pong_2.json"), {
      kind: "pong",
      connId: "0970e817-426e-429a-a679-ff7f55e0b16a",
    });
  },
  "doc_v5_ws_pong_3.json": () => {
    assert.deepEqual(frame("doc_v5_ws_pong_3.json"), {
      kind: "pong",
      connId: "465772b1-7630-4fdc-a492-e003e6f0f260",
    });
  },
  "doc_v5_ws_pong_4.json": () => {
    assert.deepEqual(frame("doc_v5_ws_pong_4.json"), { kind: "pong", connId: null });
  },
  "doc_v5_ws_pong_5.json": () => {
    assert.deepEqual(frame("doc_v5_ws_pong_5.json"), {
      kind: "pong",
      connId: "cfcb4ocsvfriu23r3er0-1b",
    });
  },
  "doc_v5_rest_orderbook.json": () => {
    const s = parseBybitOrderbook(
      message("bybit/doc_v5_rest_orderbook.json"),
      "bybit /v5/market/orderbook",
    );
    assert.deepEqual({ ...s }, {
      symbol: "BTCUSDT",
      lastUpdateId: 230704,
      seq: 1432604333,
      tsMs: 1716863719031,
      bids: [["65485.47", "47.081829"]],
      asks: [["65557.7", "16.606555"]],
    });
  },
  "doc_v5_rest_tickers_inverse.json": () => {
    const [t] = parseBybitTickers(
      message("bybit/doc_v5_rest_tickers_inverse.json"),
      "bybit /v5/market/tickers",
    );
    assert.equal(t.symbol, "BTCUSD");
    assert.deepEqual(t.fields, {
      fundingRate: "0.0001",
      nextFundingTimeMs: 1760371200000,
      fundingIntervalHours: 8,
      fundingCap: "0.005",
      markPrice: "114898.43",
      indexPrice: "114890.92",
      lastPrice: "120635.50",
    });
  },
  "doc_v5_rest_tickers_spot.json": () => {
    const [t] = parseBybitTickers(
      message("bybit/doc_v5_rest_tickers_spot.json"),
      "bybit /v5/market/tickers",
    );
    assert.deepEqual([t.symbol, t.fields], ["BTCUSDT", { lastPrice: "20533.13" }]);
  },
};

Deno.test({
  name: "every Bybit reference message parses to the values it holds",
  ignore: IGNORE_WITHOUT_MESSAGES,
  fn() {
    const files = messageFiles("bybit").map((f) => f.slice("bybit/".length));
    assert.deepEqual(files.filter((f) => !CASES[f]), [], "a reference file without a case");
    for (const f of files) CASES[f]();
  },
});

Deno.test({
  name:
    "the documented snapshot then the documented delta (six months later) is a gap of 158,879,218 ids",
  ignore: IGNORE_WITHOUT_MESSAGES,
  fn() {
    const sync = new BybitBookSync({ market: "perp", symbol: "BTCUSDT" });
    const snap = kindOf(frame("doc_v5_ws_orderbook50_snapshot.json"), "book").book;
    const delta = kindOf(frame("doc_v5_ws_orderbook50_delta.json"), "book").book;
    sync.handle({ type: "depth", atMs: 0, message: snap });
    assert.equal(sync.status().state, "live");
    assert.deepEqual(sync.book.best("bid"), ["16493.50", "0.006"]);
    const out = sync.handle({ type: "depth", atMs: 1, message: delta });
    // 177,400,507 − 18,521,288 − 1 ids were never seen
    assert.equal((out[0] as { missed: number }).missed, 158_879_218);
    assert.equal(sync.status().state, "resyncing");
  },
});

Deno.test("a malformed Bybit frame is a FrameError naming the field", () => {
  const ok = {
    topic: "orderbook.50.BTCUSDT",
    type: "delta",
    ts: 1,
    data: { s: "BTCUSDT", b: [], a: [], u: 5, seq: 1 },
  };
  const cases: [unknown, RegExp][] = [
    [
      { ...ok, type: "update" },
      /bybit orderbook\.50\.BTCUSDT: field type: expected "snapshot" or "delta"/,
    ],
    [
      { ...ok, data: { ...ok.data, s: "ETHUSDT" } },
      /field data\.s: symbol "ETHUSDT" is not the topic's BTCUSDT/,
    ],
    [
      { ...ok, data: { ...ok.data, u: -1 } },
      /field data\.u: expected a non-negative integer, got -1/,
    ],
    [{ ...ok, data: { ...ok.data, b: [["x", "1"]] } }, /field data\.b\[0\]\[0\]: price "x"/],
    [
      { ...ok, topic: "orderbook.BTCUSDT" },
      /field topic: expected orderbook\.\{depth\}\.\{SYMBOL\}/,
    ],
    [{
      topic: "tickers.BTCUSDT",
      type: "delta",
      ts: 1,
      data: { symbol: "BTCUSDT", fundingRate: 0.1 },
    }, /field data\.fundingRate: expected a decimal string/],
    [{
      topic: "tickers.BTCUSDT",
      type: "delta",
      ts: 1,
      data: { symbol: "BTCUSDT", nextFundingTime: "soon" },
    }, /field data\.nextFundingTime: expected a string of digits/],
    [{ op: "subscribe" }, /field success: expected true or false/],
    [{ hello: 1 }, /field topic: unrecognised frame/],
  ];
  for (const [obj, re] of cases) {
    assert.throws(
      () => parseBybitFrame(JSON.stringify(obj)),
      (e) => e instanceof FrameError && re.test(e.message),
      re.source,
    );
  }
});

Deno.test("a ticker delta carries only the fields that changed", () => {
  const f = parseBybitFrame(JSON.stringify({
    topic: "tickers.BTCUSDT",
    type: "delta",
    data: { symbol: "BTCUSDT", markPrice: "66670.10", fundingRate: "" },
    cs: 9532239430,
    ts: 1760325052730,
  }));
  const t = kindOf(f, "ticker").ticker;
  assert.deepEqual(t.fields, { markPrice: "66670.10", fundingRate: null });
  assert.equal("nextFundingTimeMs" in t.fields, false);
});

Deno.test("op answers: a failed subscribe keeps the exchange's message naming the topic", () => {
  const f = parseBybitFrame(
    '{"success":false,"ret_msg":"error:handler not found,topic:orderbook.50.NOPEUSDT","conn_id":"c1","req_id":"r1","op":"subscribe"}',
  );
  assert.deepEqual(f, {
    kind: "op",
    op: "subscribe",
    success: false,
    message: "error:handler not found,topic:orderbook.50.NOPEUSDT",
    reqId: "r1",
    connId: "c1",
  });
  assert.deepEqual(
    parseBybitFrame('{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[]}'),
    {
      kind: "ignored",
      topic: "publicTrade.BTCUSDT",
    },
  );
});

Deno.test("REST: a non-zero retCode is an ExchangeError with Bybit's code; funding history parses", () => {
  assert.throws(
    () =>
      parseBybitOrderbook(
        '{"retCode":10001,"retMsg":"params error: symbol invalid","result":{},"time":1}',
        "bybit /v5/market/orderbook?symbol=NOPE",
      ),
    (e) =>
      e instanceof ExchangeError && e.code === 10001 &&
      /NOPE: bybit error 10001: params error/.test(e.message),
  );
  const history = parseBybitFundingHistory(
    '{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[' +
      '{"symbol":"ETHPERP","fundingRate":"0.0001","fundingRateTimestamp":"1672041600000"},' +
      '{"symbol":"ETHPERP","fundingRate":"-0.000125","fundingRateTimestamp":"1672012800000"}]},"time":1672051897447}',
    "bybit /v5/market/funding/history",
  );
  assert.deepEqual(history, [
    { symbol: "ETHPERP", fundingRate: "0.0001", fundingTimeMs: 1672041600000 },
    { symbol: "ETHPERP", fundingRate: "-0.000125", fundingTimeMs: 1672012800000 },
  ]);
  assert.throws(
    () => parseBybitTickers('{"retCode":0,"result":{"list":"x"}}', "t"),
    /field result\.list: expected a list/,
  );
});
