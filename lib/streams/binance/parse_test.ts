import assert from "node:assert/strict";
import { IGNORE_WITHOUT_MESSAGES, message, messageFiles } from "../_reference_test.ts";
import { ExchangeError, FrameError } from "../errors.ts";
import type { Market } from "../sync.ts";
import {
  type BinanceFrame,
  parseBinanceDepthSnapshot,
  parseBinanceFrame,
  parseBinanceFundingHistory,
  parseBinanceFundingInfo,
  parseBinancePremiumIndex,
} from "./parse.ts";

function frame(file: string, market: Market): BinanceFrame {
  return parseBinanceFrame(message(`binance/${file}`), market);
}

function kindOf<K extends BinanceFrame["kind"]>(f: BinanceFrame, kind: K) {
  assert.equal(f.kind, kind);
  return f as Extract<BinanceFrame, { kind: K }>;
}

/** What each reference file must parse to (values read off the files by hand). */
const CASES: Record<string, () => void> = {
  "doc_spot_ws_depthUpdate.json": () => {
    const d = kindOf(frame("doc_spot_ws_depthUpdate.json", "spot"), "depth");
    assert.equal(d.stream, null);
    assert.deepEqual({ ...d.depth }, {
      symbol: "BNBBTC",
      U: 157,
      u: 160,
      pu: null,
      eventTimeMs: 1672515782136,
      transactTimeMs: null,
      bids: [["0.0024", "10"]],
      asks: [["0.0026", "100"]],
    });
  },
  "doc_usdm_ws_depthUpdate.json": () => {
    const d = kindOf(frame("doc_usdm_ws_depthUpdate.json", "perp"), "depth").depth;
    assert.deepEqual([d.U, d.u, d.pu, d.eventTimeMs, d.transactTimeMs], [
      157,
      160,
      149,
      123456789,
      123456788,
    ]);
  },
  "real_spot_ws_depthUpdate_btcusdt_100ms.json": () => {
    const f = kindOf(frame("real_spot_ws_depthUpdate_btcusdt_100ms.json", "spot"), "depth");
    assert.equal(f.stream, "btcusdt@depth@100ms");
    assert.deepEqual([f.depth.U, f.depth.u], [11294093710, 11294093726]);
    assert.deepEqual(f.depth.bids, [["35743.98000000", "0.00000000"], [
      "35743.87000000",
      "0.00001500",
    ]]);
    assert.deepEqual(f.depth.asks, [["35743.88000000", "0.24000000"], [
      "35743.97000000",
      "0.00000000",
    ]]);
  },
  "real_usdm_ws_depthUpdate_btcusdt_100ms.json": () => {
    const d = kindOf(frame("real_usdm_ws_depthUpdate_btcusdt_100ms.json", "perp"), "depth").depth;
    assert.deepEqual([d.U, d.u, d.pu], [475776377463, 475776380184, 475776377452]);
    assert.deepEqual(d.bids[1], ["35750.00", "5.106"]);
  },
  "real_coinm_ws_depthUpdate_btcusd_perp_100ms.json": () => {
    const d =
      kindOf(frame("real_coinm_ws_depthUpdate_btcusd_perp_100ms.json", "perp"), "depth").depth;
    assert.equal(d.symbol, "BTCUSD_PERP");
    assert.deepEqual([d.U, d.u, d.pu], [127559587191, 127559588177, 127559587113]);
  },
  "real_usdm_ws_partial_depth20_ethusdt.json": () => {
    // USDⓈ-M partial depth arrives as a depthUpdate with U/u/pu
    const f = kindOf(frame("real_usdm_ws_partial_depth20_ethusdt.json", "perp"), "depth");
    assert.equal(f.stream, "ethusdt@depth20");
    assert.deepEqual([f.depth.U, f.depth.u, f.depth.pu], [
      1437010873371,
      1437010882721,
      1437010873329,
    ]);
    assert.equal(f.depth.bids.length, 3);
  },
  "doc_spot_ws_partial_depth.json": () => {
    const s = kindOf(frame("doc_spot_ws_partial_depth.json", "spot"), "partialDepth").snapshot;
    assert.equal(s.lastUpdateId, 160);
    assert.deepEqual(s.bids, [["0.0024", "10"]]);
  },
  "real_spot_ws_partial_depth20_ethusdt.json": () => {
    const f = kindOf(frame("real_spot_ws_partial_depth20_ethusdt.json", "spot"), "partialDepth");
    assert.equal(f.stream, "ethusdt@depth20");
    assert.equal(f.snapshot.lastUpdateId, 17044571457);
    assert.deepEqual(f.snapshot.asks[0], ["1782.01000000", "15.46080000"]);
  },
  "doc_spot_ws_serverShutdown_combined.json": () => {
    const f = kindOf(frame("doc_spot_ws_serverShutdown_combined.json", "spot"), "serverShutdown");
    assert.deepEqual([f.stream, f.eventTimeMs], ["!serverShutdown", 1770123456789]);
  },
  "doc_usdm_ws_markPriceUpdate.json": () => {
    const f = kindOf(frame("doc_usdm_ws_markPriceUpdate.json", "perp"), "markPrice");
    assert.deepEqual(f.updates, [{
      symbol: "BTCUSDT",
      markPrice: "11794.15000000",
      indexPrice: "11784.62659091",
      estimatedSettlePrice: "11784.25641265",
      fundingRate: "0.00038167",
      nextFundingTimeMs: 1562306400000,
      eventTimeMs: 1562305380000,
    }]);
  },
  "real_usdm_ws_markPrice_btcusdt.json": () => {
    const f = kindOf(frame("real_usdm_ws_markPrice_btcusdt.json", "perp"), "markPrice");
    assert.equal(f.stream, "btcusdt@markPrice");
    assert.deepEqual([f.updates[0].fundingRate, f.updates[0].nextFundingTimeMs], [
      "0.00058455",
      1617321600000,
    ]);
  },
  "real_usdm_ws_markPrice_all_arr.json": () => {
    const f = kindOf(frame("real_usdm_ws_markPrice_all_arr.json", "perp"), "markPrice");
    assert.deepEqual(f.updates.map((u) => [u.symbol, u.fundingRate]), [
      ["BTCUSDT", "0.00058959"],
      ["ETHUSDT", "0.00059142"],
    ]);
  },
  "doc_coinm_ws_markPrice_pair_arr.json": () => {
    // a raw !markPrice@arr frame is a bare array; delivery contracts send r "" and T 0
    const f = kindOf(frame("doc_coinm_ws_markPrice_pair_arr.json", "perp"), "markPrice");
    assert.deepEqual(
      f.updates.map((u) => [u.symbol, u.fundingRate, u.nextFundingTimeMs]),
      [["BTCUSD_201225", null, null], ["BTCUSD_PERP", "0.00000000", 1596096000000]],
    );
  },
  "doc_spot_rest_depth.json": () => {
    const s = parseBinanceDepthSnapshot(
      message("binance/doc_spot_rest_depth.json"),
      "binance /api/v3/depth",
    );
    assert.deepEqual({ ...s }, {
      lastUpdateId: 1027024,
      bids: [["4.00000000", "431.00000000"]],
      asks: [["4.00000200", "12.00000000"]],
      eventTimeMs: null,
      transactTimeMs: null,
    });
  },
  "real_spot_rest_depth_snapshot.json": () => {
    const s = parseBinanceDepthSnapshot(
      message("binance/real_spot_rest_depth_snapshot.json"),
      "rest",
    );
    assert.equal(s.lastUpdateId, 33933317943);
    assert.deepEqual(s.bids.map((l) => l[0]), [
      "23171.42000000",
      "23171.16000000",
      "23109.22000000",
    ]);
  },
  "real_usdm_rest_depth_snapshot.json": () => {
    const s = parseBinanceDepthSnapshot(
      message("binance/real_usdm_rest_depth_snapshot.json"),
      "rest",
    );
    assert.deepEqual([s.lastUpdateId, s.eventTimeMs, s.transactTimeMs], [
      1570255790655,
      1654232606707,
      1654232606695,
    ]);
  },
  "doc_usdm_rest_premiumIndex.json": () => {
    const [p] = parseBinancePremiumIndex(
      message("binance/doc_usdm_rest_premiumIndex.json"),
      "rest",
    );
    assert.deepEqual(p, {
      symbol: "BTCUSDT",
      markPrice: "11793.63104562",
      indexPrice: "11781.80495970",
      estimatedSettlePrice: "11781.16138815",
      fundingRate: "0.00038246",
      nextFundingTimeMs: 1597392000000,
      eventTimeMs: 1597370495002,
    });
  },
  "doc_error_payload.json": () => {
    const where = "binance /api/v3/depth?symbol=NOPE";
    assert.throws(
      () => parseBinanceDepthSnapshot(message("binance/doc_error_payload.json"), where),
      (e) =>
        e instanceof ExchangeError && e.code === -1121 && e.exchangeMessage === "Invalid symbol." &&
        e.message === `${where}: binance error -1121: Invalid symbol.`,
    );
  },
  // events the stream layer does not track parse as "ignored", never as errors
  "real_spot_ws_aggTrade_btcusdt.json": () => {
    assert.equal(
      kindOf(frame("real_spot_ws_aggTrade_btcusdt.json", "spot"), "ignored").event,
      "aggTrade",
    );
  },
  "real_spot_ws_kline_1m_btcusdt.json": () => {
    assert.equal(
      kindOf(frame("real_spot_ws_kline_1m_btcusdt.json", "spot"), "ignored").event,
      "kline",
    );
  },
  "doc_spot_ws_kline.json": () => {
    assert.equal(kindOf(frame("doc_spot_ws_kline.json", "spot"), "ignored").event, "kline");
  },
  "real_usdm_ws_bookTicker_ethusdt.json": () => {
    assert.equal(
      kindOf(frame("real_usdm_ws_bookTicker_ethusdt.json", "perp"), "ignored").event,
      "bookTicker",
    );
  },
  // spot bookTicker has no event type: not a frame this layer subscribes to, so it is refused
  "doc_spot_ws_bookTicker.json": () => {
    assert.throws(() => frame("doc_spot_ws_bookTicker.json", "spot"), /unrecognised frame/);
  },
  "real_spot_ws_bookTicker_all.json": () => {
    assert.throws(
      () => frame("real_spot_ws_bookTicker_all.json", "spot"),
      /field data\.e: unrecognised frame/,
    );
  },
  // klines are REST collection data (lib/clients/binance), not a stream payload
  "doc_spot_rest_klines.json": () => {
    assert.throws(
      () => parseBinanceDepthSnapshot(message("binance/doc_spot_rest_klines.json"), "rest"),
      FrameError,
    );
  },
};

Deno.test({
  name: "every Binance reference message parses to the values it holds",
  ignore: IGNORE_WITHOUT_MESSAGES,
  fn() {
    const files = messageFiles("binance").map((f) => f.slice("binance/".length));
    assert.deepEqual(files.filter((f) => !CASES[f]), [], "a reference file without a case");
    for (const f of files) CASES[f]();
  },
});

const where = /^binance (spot|perp) frame: field /;

Deno.test("a malformed frame is a FrameError naming the field, never a crash", () => {
  const cases: [string, Market, RegExp][] = [
    ["{not json", "spot", /field \(root\): not JSON/],
    ["42", "spot", /field \(root\): expected an object, got 42/],
    [
      '{"e":"depthUpdate","E":1,"s":"X","U":"157","u":160,"b":[],"a":[]}',
      "spot",
      /field U: expected a non-negative integer, got "157"/,
    ],
    [
      '{"e":"depthUpdate","E":1,"s":"X","U":161,"u":160,"b":[],"a":[]}',
      "spot",
      /field U: first update id 161 is after the final id 160/,
    ],
    [
      '{"e":"depthUpdate","E":1,"T":1,"s":"X","U":1,"u":2,"b":[],"a":[]}',
      "perp",
      /field pu: expected an integer, got nothing/,
    ],
    [
      '{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1.0000000000000001","1"]],"a":[]}',
      "spot",
      /field b\[0\]\[0\]: price "1.0000000000000001" has 17 significant digits/,
    ],
    [
      '{"stream":"x","data":{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[],"a":[["2",null]]}}',
      "spot",
      /field data\.a\[0\]\[1\]: expected a decimal quantity, got null/,
    ],
    [
      '{"e":"markPriceUpdate","E":1,"s":"X","p":"1","i":"1","r":0.1,"T":1}',
      "perp",
      /field r: expected a decimal string, got 0\.1/,
    ],
    [
      '{"e":"depthUpdate","E":1,"s":"","U":1,"u":2,"b":[],"a":[]}',
      "spot",
      /field s: expected a non-empty string/,
    ],
  ];
  for (const [text, market, re] of cases) {
    assert.throws(
      () => parseBinanceFrame(text, market),
      (e) => e instanceof FrameError && where.test(e.message) && re.test(e.message),
      text,
    );
  }
});

Deno.test("an untrusted value echoed in an error is capped and has its control characters escaped", () => {
  const text = JSON.stringify({
    e: "depthUpdate",
    E: 1,
    s: "X",
    U: "\u001b[2J" + "x".repeat(500),
    u: 1,
  });
  assert.throws(() => parseBinanceFrame(text, "spot"), (e) => {
    const m = (e as Error).message;
    return !m.includes("\u001b") && m.includes("\\u001b[2J") && m.length < 260;
  });
});

Deno.test("subscribe answers and WebSocket errors are frames of their own", () => {
  assert.deepEqual(parseBinanceFrame('{"result":null,"id":1}', "spot"), {
    kind: "response",
    id: 1,
    result: null,
  });
  assert.deepEqual(
    parseBinanceFrame(
      '{"error":{"code":2,"msg":"Invalid request: unknown property"},"id":"a"}',
      "perp",
    ),
    {
      kind: "error",
      id: "a",
      code: 2,
      message: "Invalid request: unknown property",
    },
  );
});

Deno.test("funding history and funding info parse with their intervals", () => {
  const history = parseBinanceFundingHistory(
    '[{"symbol":"BTCUSDT","fundingRate":"-0.03750000","fundingTime":1570608000000,"markPrice":"34287.54619963"},' +
      '{"symbol":"BTCUSDT","fundingRate":"0.00010000","fundingTime":1570636800000,"markPrice":""}]',
    "binance /fapi/v1/fundingRate",
  );
  assert.deepEqual(history, [
    {
      symbol: "BTCUSDT",
      fundingRate: "-0.03750000",
      fundingTimeMs: 1570608000000,
      markPrice: "34287.54619963",
    },
    { symbol: "BTCUSDT", fundingRate: "0.00010000", fundingTimeMs: 1570636800000, markPrice: null },
  ]);
  const info = parseBinanceFundingInfo(
    '[{"symbol":"BLZUSDT","adjustedFundingRateCap":"0.02500000","adjustedFundingRateFloor":"-0.02500000","fundingIntervalHours":4,"disclaimer":false}]',
    "binance /fapi/v1/fundingInfo",
  );
  assert.deepEqual(info, [{
    symbol: "BLZUSDT",
    intervalHours: 4,
    rateCap: "0.02500000",
    rateFloor: "-0.02500000",
  }]);
  assert.throws(
    () =>
      parseBinanceFundingInfo(
        '[{"symbol":"X","adjustedFundingRateCap":"1","adjustedFundingRateFloor":"1","fundingIntervalHours":0}]',
        "info",
      ),
    /field \[0\]\.fundingIntervalHours: expected ≥ 1 hour, got 0/,
  );
});
