import assert from "node:assert/strict";
import type { FundingObservation } from "../funding_store.ts";
import { SqliteStore } from "../sqlite_store.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

function rest(symbol: string, t: number, rate: string, extra: Partial<FundingObservation> = {}) {
  return {
    exchange: "binance",
    market: "perp",
    symbol,
    fundingTimeMs: t,
    observedAtMs: t,
    rate,
    markPrice: "34287.54619963",
    intervalHours: 8,
    source: "rest",
    receivedAtMs: T0 + 100 * H,
    ...extra,
  } as FundingObservation;
}

Deno.test("funding rates come back as the exact wire strings, oldest first", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    const rows = [
      rest("BTCUSDT", T0 + 8 * H, "-0.03750000"),
      rest("BTCUSDT", T0, "0.00010000", { markPrice: null }),
      // 0.1 + 0.2 style values that a float would not round-trip as written
      rest("BTCUSDT", T0 + 16 * H, "0.00000001", { markPrice: "0.30000000000000004441" }),
    ];
    assert.deepEqual(await store.recordFunding(rows), { inserted: 3, updated: 0, unchanged: 0 });
    const got = await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" });
    assert.deepEqual(got.map((o) => [o.fundingTimeMs - T0, o.rate, o.markPrice]), [
      [0, "0.00010000", null],
      [8 * H, "-0.03750000", "34287.54619963"],
      [16 * H, "0.00000001", "0.30000000000000004441"],
    ]);
    assert.deepEqual(got[0], rows[1]);
    const ranged = await store.listFunding({
      exchange: "binance",
      symbol: "BTCUSDT",
      fromMs: T0 + 1,
      toMs: T0 + 8 * H,
    });
    assert.deepEqual(ranged.map((o) => o.rate), ["-0.03750000"]);
  } finally {
    store.close();
  }
});

Deno.test("recording the same observations twice changes nothing; a correction replaces the row", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    const rows = [rest("ETHUSDT", T0, "0.0001"), rest("ETHUSDT", T0 + 8 * H, "0.0002")];
    await store.recordFunding(rows);
    const again = rows.map((r) => ({ ...r, receivedAtMs: r.receivedAtMs + 5 }));
    assert.deepEqual(await store.recordFunding(again), { inserted: 0, updated: 0, unchanged: 2 });
    const [first] = await store.listFunding({ exchange: "binance", symbol: "ETHUSDT" });
    assert.equal(first.receivedAtMs, rows[0].receivedAtMs, "the first receive time is kept");
    assert.deepEqual(
      await store.recordFunding([{ ...rows[1], rate: "0.00020001" }]),
      { inserted: 0, updated: 1, unchanged: 0 },
    );
    const all = await store.listFunding({ exchange: "binance", symbol: "ETHUSDT" });
    assert.deepEqual(all.map((o) => o.rate), ["0.0001", "0.00020001"]);
  } finally {
    store.close();
  }
});

Deno.test("a bad observation is refused by index and nothing of the batch is written", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    const bad = [
      rest("BTCUSDT", T0, "0.0001"),
      rest("BTCUSDT", T0 + 8 * H, "1e-4"),
    ];
    await assert.rejects(
      store.recordFunding(bad),
      /funding observation \[1\] \(binance BTCUSDT \d+\): rate must be a decimal string, got "1e-4"/,
    );
    await assert.rejects(
      store.recordFunding([rest("BTCUSDT", 1_700_000_000, "0.0001")]),
      /fundingTimeMs must be UTC ms/,
    );
    await assert.rejects(
      store.recordFunding([rest("BTCUSDT", T0, "0.0001", { intervalHours: 0.5 })]),
      /intervalHours must be a whole number/,
    );
    assert.deepEqual(await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" }), []);
  } finally {
    store.close();
  }
});

Deno.test("latest per perpetual and the last stored REST time for an incremental backfill", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    await store.recordFunding([
      rest("BTCUSDT", T0, "0.0001"),
      rest("BTCUSDT", T0 + 8 * H, "0.0002"),
      rest("ETHUSDT", T0, "0.0003"),
      rest("BTCUSDT", T0 + 4 * H, "0.0004", { exchange: "bybit", markPrice: null }),
      // the stream's announced rate for the next settlement, twice (two frames)
      rest("BTCUSDT", T0 + 16 * H, "0.00021", {
        source: "ws",
        observedAtMs: T0 + 9 * H,
        intervalHours: null,
      }),
      rest("BTCUSDT", T0 + 16 * H, "0.00022", { source: "ws", observedAtMs: T0 + 10 * H }),
    ]);
    const latest = await store.latestFunding();
    assert.deepEqual(latest.map((o) => [o.exchange, o.symbol, o.source, o.rate]), [
      ["binance", "BTCUSDT", "ws", "0.00022"],
      ["binance", "ETHUSDT", "rest", "0.0003"],
      ["bybit", "BTCUSDT", "rest", "0.0004"],
    ]);
    const latestRest = await store.latestFunding({ source: "rest", exchange: "binance" });
    assert.deepEqual(latestRest.map((o) => [o.symbol, o.rate]), [
      ["BTCUSDT", "0.0002"],
      ["ETHUSDT", "0.0003"],
    ]);
    const last = await store.lastFunding({ exchange: "binance", symbol: "BTCUSDT" });
    assert.equal(last?.fundingTimeMs, T0 + 8 * H, "the ws rows do not count for the backfill");
    assert.equal(
      (await store.lastFunding({ exchange: "binance", symbol: "BTCUSDT" }, "ws"))?.rate,
      "0.00022",
    );
    assert.equal(await store.lastFunding({ exchange: "bybit", symbol: "ETHUSDT" }), undefined);
  } finally {
    store.close();
  }
});
