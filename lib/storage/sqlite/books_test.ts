import assert from "node:assert/strict";
import { SqliteStore } from "../sqlite_store.ts";

Deno.test("book resyncs and snapshots round-trip; an unfinished resync has no duration", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    assert.equal(
      await store.recordResyncs([
        {
          exchange: "binance",
          market: "spot",
          symbol: "BTCUSDT",
          reason: "gap",
          missed: 3,
          startedAt: 10,
          durationMs: 250,
        },
        { exchange: "bybit", market: "perp", symbol: "BTCUSDT", reason: "restart", startedAt: 20 },
      ]),
      2,
    );
    const all = await store.listResyncs();
    assert.deepEqual(all.map((r) => [r.exchange, r.reason, r.missed, r.durationMs]), [
      ["bybit", "restart", undefined, undefined],
      ["binance", "gap", 3, 250],
    ]);
    assert.equal((await store.listResyncs({ exchange: "binance", market: "perp" })).length, 0);
    const snap = {
      exchange: "binance",
      market: "spot",
      symbol: "BTCUSDT",
      ts: 1000,
      updateId: 42,
      bids: [["100.50", "1.25"]] as [string, string][],
      asks: [["100.60", "0.5"]] as [string, string][],
    };
    await store.recordBookSnapshots([snap, { ...snap, updateId: 43 }]); // same book and time: replaced
    const snaps = await store.listBookSnapshots({ symbol: "BTCUSDT" });
    assert.equal(snaps.length, 1);
    assert.deepEqual(snaps[0], { ...snap, updateId: 43 });
  } finally {
    store.close();
  }
});
