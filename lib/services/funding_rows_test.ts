import assert from "node:assert/strict";
import { SqliteStore } from "../storage/sqlite_store.ts";
import { FundingState } from "../streams/funding.ts";
import { fundingObservations } from "./funding_rows.ts";

Deno.test("stream funding entries become ws observations the store keeps exactly, and a replay adds nothing", async () => {
  const f = new FundingState();
  // the documented markPriceUpdate: r 0.00038167, T 1562306400000, p 11794.15000000, E 1562305380000
  const e = f.applyBinanceMark({
    symbol: "BTCUSDT",
    markPrice: "11794.15000000",
    indexPrice: "11784.62659091",
    estimatedSettlePrice: "11784.25641265",
    fundingRate: "0.00038167",
    nextFundingTimeMs: 1562306400000,
    eventTimeMs: 1562305380000,
  })!;
  const delivery = f.applyBinanceMark({
    symbol: "BTCUSD_230331",
    markPrice: "27000.1",
    indexPrice: "27000",
    estimatedSettlePrice: null,
    fundingRate: null,
    nextFundingTimeMs: null,
    eventTimeMs: 1562305380000,
  })!;
  const rows = fundingObservations([e, delivery], 1562305380123);
  assert.deepEqual(rows, [{
    exchange: "binance",
    market: "perp",
    symbol: "BTCUSDT",
    fundingTimeMs: 1562306400000,
    observedAtMs: 1562305380000,
    rate: "0.00038167",
    markPrice: "11794.15000000",
    intervalHours: null,
    source: "ws",
    receivedAtMs: 1562305380123,
  }]);
  const store = SqliteStore.open(":memory:");
  try {
    assert.equal((await store.recordFunding(rows)).inserted, 1);
    assert.deepEqual(await store.recordFunding(rows), { inserted: 0, updated: 0, unchanged: 1 });
    assert.deepEqual(await store.latestFunding({ source: "ws" }), rows);
  } finally {
    store.close();
  }
});
