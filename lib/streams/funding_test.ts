import assert from "node:assert/strict";
import type { BinanceMarkPrice } from "./binance/parse.ts";
import type { BybitTicker } from "./bybit/parse.ts";
import { FundingState, observedIntervalHours } from "./funding.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1, 8); // a funding boundary

function mark(
  eventTimeMs: number,
  nextFundingTimeMs: number | null,
  rate = "0.0001",
  p = "50000",
): BinanceMarkPrice {
  return {
    symbol: "BTCUSDT",
    markPrice: p,
    indexPrice: "49990",
    estimatedSettlePrice: null,
    fundingRate: rate,
    nextFundingTimeMs,
    eventTimeMs,
  };
}

function ticker(
  type: "snapshot" | "delta",
  tsMs: number,
  fields: BybitTicker["fields"],
): BybitTicker {
  return { symbol: "BTCUSDT", type, tsMs, cs: 1, fields };
}

Deno.test("a Binance mark price gives rate, next funding time and mark; the interval stays unknown", () => {
  const f = new FundingState();
  const e = f.applyBinanceMark(mark(T0 - 1000, T0));
  assert.deepEqual(e, {
    exchange: "binance",
    symbol: "BTCUSDT",
    rate: "0.0001",
    nextFundingTimeMs: T0,
    intervalHours: null,
    intervalSource: null,
    markPrice: "50000",
    indexPrice: "49990",
    updatedAtMs: T0 - 1000,
    source: "ws",
  });
  assert.equal(
    f.applyBinanceMark(mark(T0 - 500, T0)),
    undefined,
    "an unchanged state is no change",
  );
  assert.equal(f.applyBinanceMark(mark(T0 - 400, T0, "0.0002"))?.rate, "0.0002");
});

Deno.test("the next funding time advancing across a settlement reveals the interval, also when it changes", () => {
  const f = new FundingState();
  f.applyBinanceMark(mark(T0 - 1000, T0));
  // after the 08:00 settlement the next one is 12:00: a 4-hour interval
  const e = f.applyBinanceMark(mark(T0 + 1000, T0 + 4 * H));
  assert.deepEqual([e?.intervalHours, e?.intervalSource], [4, "observed"]);
  // the exchange switches the symbol to 1 h: after the 12:00 settlement the next one is 13:00
  const later = f.applyBinanceMark(mark(T0 + 4 * H + 10, T0 + 5 * H));
  assert.deepEqual([later?.intervalHours, later?.intervalSource], [1, "observed"]);
});

Deno.test("a next funding time that moves before its settlement has passed says nothing about the interval", () => {
  assert.equal(observedIntervalHours(T0, T0 + 8 * H, T0 - 1), null);
  assert.equal(observedIntervalHours(T0, T0 + 8 * H, T0), 8);
  assert.equal(
    observedIntervalHours(T0, T0 + 90 * 60_000, T0 + 5),
    null,
    "1.5 h is not whole hours",
  );
  assert.equal(observedIntervalHours(null, T0, T0), null);
});

Deno.test("fundingInfo intervals and settlement spacing set the interval with their source", () => {
  const f = new FundingState();
  const [info] = f.applyBinanceFundingInfo([
    { symbol: "BLZUSDT", intervalHours: 4, rateCap: "0.02", rateFloor: "-0.02" },
  ], T0);
  assert.deepEqual([info.symbol, info.intervalHours, info.intervalSource, info.rate], [
    "BLZUSDT",
    4,
    "exchange",
    null,
  ]);
  // Binance history: settlements at 00:00 and 08:00 UTC on 2019-10-09
  const e = f.applySettlementTimes("binance", "BTCUSDT", [1570608000000, 1570636800000], T0);
  assert.deepEqual([e?.intervalHours, e?.intervalSource], [8, "history"]);
  assert.equal(f.applySettlementTimes("binance", "ETHUSDT", [1570608000000], T0), undefined);
  // a later mark keeps the known interval
  const m = f.applyBinanceMark(mark(T0, T0 + H));
  assert.deepEqual([m?.intervalHours, m?.intervalSource], [8, "history"]);
});

Deno.test("Bybit ticker deltas merge into the last snapshot; a delta before any snapshot is dropped", () => {
  const f = new FundingState();
  assert.equal(f.applyBybitTicker(ticker("delta", 1, { markPrice: "1" }), 0), undefined);
  assert.equal(f.droppedDeltas, 1);
  assert.equal(f.get("bybit", "BTCUSDT"), undefined);
  f.applyBybitTicker(
    ticker("snapshot", 1760325052630, {
      fundingRate: "-0.005",
      nextFundingTimeMs: 1760342400000,
      fundingIntervalHours: 8,
      markPrice: "66666.60",
      indexPrice: "115418.19",
    }),
    0,
  );
  const e = f.applyBybitTicker(ticker("delta", 1760325052730, { markPrice: "66670.10" }), 0);
  assert.deepEqual(e, {
    exchange: "bybit",
    symbol: "BTCUSDT",
    rate: "-0.005",
    nextFundingTimeMs: 1760342400000,
    intervalHours: 8,
    intervalSource: "exchange",
    markPrice: "66670.10",
    indexPrice: "115418.19",
    updatedAtMs: 1760325052730,
    source: "ws",
  });
  const changed = f.applyBybitTicker(
    ticker("delta", 1760325052830, { fundingIntervalHours: 4, fundingRate: "0.0001" }),
    0,
  );
  assert.deepEqual([changed?.rate, changed?.intervalHours, changed?.markPrice], [
    "0.0001",
    4,
    "66670.10",
  ]);
  // a new snapshot replaces the fields: a rate it lacks is no longer known; the interval, a
  // property of the symbol, stays as the exchange last said
  const reset = f.applyBybitTicker(ticker("snapshot", 1760325052930, { markPrice: "1" }), 0);
  assert.deepEqual([reset?.rate, reset?.intervalHours, reset?.intervalSource], [
    null,
    4,
    "exchange",
  ]);
});

Deno.test("entries come by exchange, then symbol", () => {
  const f = new FundingState();
  f.applyBybitTicker(ticker("snapshot", 1, { fundingRate: "0.1" }), 0);
  f.applyBinanceMark({ ...mark(1, T0), symbol: "ETHUSDT" });
  f.applyBinanceMark(mark(1, T0));
  assert.deepEqual(f.entries().map((e) => `${e.exchange}:${e.symbol}`), [
    "binance:BTCUSDT",
    "binance:ETHUSDT",
    "bybit:BTCUSDT",
  ]);
});
