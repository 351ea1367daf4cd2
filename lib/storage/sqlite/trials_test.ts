import assert from "node:assert/strict";
import { SqliteStore } from "../sqlite_store.ts";
import type { StoredTrial } from "../trial_store.ts";

const trial = (key: string, equity: number[]): StoredTrial => ({
  trialKey: key,
  configHash: `c-${key}`,
  datasetHash: "d",
  dataChecksum: "x",
  strategy: "sma_cross",
  params: { fast: 5, slow: 30, allow_short: false },
  metrics: {
    sharpe: 1.25,
    winRate: NaN,
    profitFactor: Infinity,
    worstTrade: -Infinity,
    numTrades: 3,
  },
  trades: 3,
  equity: Float64Array.from(equity),
  createdAt: 1_700_000_000_000,
});

Deno.test("stored trials read back exactly: non-finite metrics and the equity bytes", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    const eq = [100_000, 100_000.1 + 1e-9, 99_999.99999999997, 0.1 + 0.2];
    assert.equal(await store.saveTrials([trial("a", eq), trial("b", [1])]), 2);
    const found = await store.findTrials(["a", "zzz", "b"]);
    assert.deepEqual([...found.keys()].sort(), ["a", "b"]);
    const a = found.get("a")!;
    assert.deepEqual([...a.equity], eq);
    assert.ok(Number.isNaN(a.metrics.winRate));
    assert.equal(a.metrics.profitFactor, Infinity);
    assert.equal(a.metrics.worstTrade, -Infinity);
    assert.equal(a.metrics.sharpe, 1.25);
    assert.deepEqual(a.params, { fast: 5, slow: 30, allow_short: false });
    // the same key again replaces the row
    await store.saveTrials([{ ...trial("a", [7]), trades: 9 }]);
    assert.equal((await store.findTrials(["a"])).get("a")!.trades, 9);
  } finally {
    store.close();
  }
});
