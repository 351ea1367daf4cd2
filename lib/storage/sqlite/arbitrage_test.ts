import assert from "node:assert/strict";
import { SqliteStore } from "../sqlite_store.ts";
import type { ArbitrageEventRow } from "../arbitrage_store.ts";

const T0 = Date.UTC(2026, 0, 5, 12);

function ev(event: ArbitrageEventRow["event"], atMs: number, netBps: number, peak: number) {
  return {
    event,
    id: `BTC binance:spot:BTCUSDT>bybit:perp:BTCUSDT@${T0}`,
    pair: "BTC binance:spot>bybit:perp",
    symbol: "BTCUSDT",
    openedAtMs: T0,
    atMs,
    netBps,
    peakNetBps: peak,
    size: 1.3,
    notional: 39008,
    netAmount: 21.4925,
    reason: event === "closed" ? "edge" : undefined,
    source: "live",
    alert: { event, netBps },
  } satisfies ArbitrageEventRow;
}

Deno.test("arbitrage store: one row per opportunity, opened → peak → closed with its duration", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    await store.recordArbitrageEvent(ev("opened", T0, 6, 6));
    assert.deepEqual((await store.listArbitrageOpportunities({ open: true })).length, 1);
    await store.recordArbitrageEvent(ev("updated", T0 + 100, 9, 9));
    await store.recordArbitrageEvent(ev("updated", T0 + 200, 4, 9));
    await store.recordArbitrageEvent(ev("closed", T0 + 350, 4, 9));
    const [r] = await store.listArbitrageOpportunities();
    assert.equal(r.openedAt, T0);
    assert.equal(r.openNetBps, 6);
    assert.equal(r.peakNetBps, 9);
    assert.equal(r.lastNetBps, 4);
    assert.equal(r.closedAt, T0 + 350);
    assert.equal(r.durationMs, 350);
    assert.equal(r.closeReason, "edge");
    assert.equal(r.events, 4);
    assert.deepEqual(r.lastAlert, { event: "closed", netBps: 4 });
    assert.deepEqual(await store.listArbitrageOpportunities({ open: true }), []);
  } finally {
    store.close();
  }
});

Deno.test("arbitrage store: the same events again (a second replay) change nothing", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    const events = [
      ev("opened", T0, 6, 6),
      ev("updated", T0 + 100, 9, 9),
      ev("closed", T0 + 200, 9, 9),
    ];
    for (const e of events) await store.recordArbitrageEvent(e);
    const before = await store.listArbitrageOpportunities();
    for (const e of events) await store.recordArbitrageEvent(e);
    assert.deepEqual(await store.listArbitrageOpportunities(), before);
    assert.equal(before[0].events, 3);
  } finally {
    store.close();
  }
});
