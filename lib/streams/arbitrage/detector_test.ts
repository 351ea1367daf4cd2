import assert from "node:assert/strict";
import { book } from "../../../tests/arbitrage/books.ts";
import type { PublishedLevel } from "../published.ts";
import { ArbitrageDetector } from "./detector.ts";
import type { DetectorOptions } from "./settings.ts";

const T0 = Date.UTC(2026, 0, 5, 12);
const ZERO_FEES = { "binance:spot": 0, "binance:perp": 0, "bybit:spot": 0, "bybit:perp": 0 };

/** Binance spot asks `ask`, Bybit perp bids `bid` (1 BTC each), other sides far away. */
function crossing(ask: number, bid: number, atMs: number, updateId: number) {
  const asks: PublishedLevel[] = [[ask, 1]], bids: PublishedLevel[] = [[bid, 1]];
  return {
    spot: book("binance", "spot", "BTCUSDT", { bids: [[ask - 50, 1]], asks }, { atMs, updateId }),
    perp: book("bybit", "perp", "BTCUSDT", { bids, asks: [[bid + 50, 1]] }, { atMs, updateId }),
  };
}

function detector(o: DetectorOptions = {}) {
  return new ArbitrageDetector({ fees: ZERO_FEES, minNotional: 0, ...o });
}

Deno.test("an edge opens after --min-duration updates, with the hand-computed figures", () => {
  const d = detector({ fees: { "binance:spot": 0.001, "bybit:perp": 0.00055 } });
  // buy 1 BTC at 30,000 (fee 0.001 → 30), sell at 30,100 (fee 0.00055 → 16.555)
  // net 30,100 − 16.555 − 30,000 − 30 = 53.445 → 53.445 / 30,000 = 17.815 bps; gross 33.3333 bps
  const a = crossing(30_000, 30_100, T0, 1);
  assert.deepEqual(d.onBook(a.spot, T0), []);
  assert.deepEqual(d.onBook(a.perp, T0), [], "one evaluation is not yet 2 updates");
  const b = crossing(30_000, 30_100, T0 + 100, 2);
  const alerts = d.onBook(b.perp, T0 + 100);
  assert.equal(alerts.length, 1);
  const x = alerts[0];
  assert.equal(x.event, "opened");
  assert.equal(x.id, `BTC binance:spot:BTCUSDT>bybit:perp:BTCUSDT@${T0 + 100}`);
  assert.equal(x.size, 1);
  assert.equal(x.notional, 30_000);
  assert.equal(x.buy.vwap, 30_000);
  assert.equal(x.sell.vwap, 30_100);
  assert.equal(x.buy.feeAmount, 30);
  assert.equal(x.sell.feeAmount, 16.555);
  assert.equal(x.netAmount, 53.445);
  assert.equal(x.netBps, 17.815);
  assert.equal(x.grossBps, 33.3333);
  assert.equal(x.buy.ageMs, 100, "the spot book was received 100 ms earlier");
  assert.equal(x.sell.ageMs, 0);
  assert.equal(x.sell.updateId, 2);
  assert.deepEqual(x.funding, { netBps: null, nextSettlement: null }, "no funding known yet");
});

Deno.test("an edge shorter than --min-duration never alerts", () => {
  const d = detector({ minDuration: { updates: 3 } });
  const a = crossing(100, 101, T0, 1);
  d.onBook(a.spot, T0);
  assert.deepEqual(d.onBook(a.perp, T0), []);
  assert.deepEqual(d.onBook(crossing(100, 101, T0 + 1, 2).perp, T0 + 1), []);
  // uncrossed before the third update: the pending edge is forgotten, nothing was ever sent
  assert.deepEqual(d.onBook(crossing(100, 99.5, T0 + 2, 3).perp, T0 + 2), []);
  assert.deepEqual(d.onBook(crossing(100, 101, T0 + 3, 4).perp, T0 + 3), [], "counting restarts");
  assert.equal(d.stats.alerts, 0);
});

Deno.test("--min-duration in ms: opens once the edge has lasted that long", () => {
  const d = detector({ minDuration: { ms: 500 } });
  const a = crossing(100, 101, T0, 1);
  d.onBook(a.spot, T0);
  assert.deepEqual(d.onBook(a.perp, T0), []);
  assert.deepEqual(d.onBook(crossing(100, 101, T0 + 499, 2).perp, T0 + 499), []);
  const opened = d.tick(T0 + 500);
  assert.deepEqual(opened.map((x) => x.event), ["opened"]);
});

Deno.test("hysteresis: open above 5 bps, kept at 4, updated, closed once below 3", () => {
  const d = detector({ minNetBps: 5, hysteresisBps: 2, minDuration: { updates: 1 } });
  const events = (bid: number, at: number, id: number) =>
    d.onBook(crossing(10_000, bid, at, id).perp, at).map((x) => `${x.event} ${x.netBps}`);
  d.onBook(crossing(10_000, 10_006, T0, 1).spot, T0);
  assert.deepEqual(events(10_006, T0, 1), ["opened 6"]);
  assert.deepEqual(events(10_004, T0 + 1, 2), ["updated 4"], "4 bps: below 5 but above 3");
  assert.deepEqual(events(10_004, T0 + 2, 3), [], "unchanged: no event");
  assert.deepEqual(events(10_003.5, T0 + 3, 4), [], "moved 0.5 bps < --update-bps 1");
  const closed = d.onBook(crossing(10_000, 10_002, T0 + 4, 5).perp, T0 + 4);
  assert.deepEqual(closed.map((x) => [x.event, x.reason, x.durationMs]), [["closed", "edge", 4]]);
  assert.equal(closed[0].peakNetBps, 6);
  assert.deepEqual(events(10_002, T0 + 5, 6), [], "closes once");
  assert.deepEqual(events(10_001, T0 + 6, 7), []);
});

Deno.test("an open opportunity keeps a size that clears --min-net-bps; the hysteresis only decides when it closes", () => {
  // zero fees; buy 1 @ 100 then 1 @ 100.9 on spot, sell up to 2 @ 101 on perp: the first BTC gains
  // 1 (100 bps), the second 0.1. Net ≥ 60 bps asks P(q) − 0.006 × N(q) ≥ 0: 1 − 0.6 = 0.4 at q = 1,
  // then falling by 0.6054 − 0.1 = 0.5054 per BTC: q = 1 + 0.4 / 0.5054 = 1.79145231 (floored to
  // 8 dp), notional 100 + 0.79145231 × 100.9 = 179.857538079, net 1.079145231 → 60 bps.
  // Sized at the close threshold (58 bps) it would be 1.86558674 at 58 bps instead: an "updated"
  // event made only by the threshold changing, reporting an edge below --min-net-bps.
  const d = detector({ minNetBps: 60, hysteresisBps: 2, minDuration: { updates: 1 } });
  const at = (ms: number, id: number) => ({
    spot: book("binance", "spot", "BTCUSDT", { bids: [[99, 1]], asks: [[100, 1], [100.9, 1]] }, {
      atMs: ms,
      updateId: id,
    }),
    perp: book("bybit", "perp", "BTCUSDT", { bids: [[101, 2]], asks: [[102, 1]] }, {
      atMs: ms,
      updateId: id,
    }),
  });
  d.onBook(at(T0, 1).spot, T0);
  const opened = d.onBook(at(T0, 1).perp, T0);
  assert.deepEqual(opened.map((x) => [x.event, x.size, x.notional, x.netAmount, x.netBps]), [
    ["opened", 1.79145231, 179.857538079, 1.079145231, 60],
  ]);
  assert.deepEqual(d.onBook(at(T0 + 1, 2).perp, T0 + 1), [], "the same books: no event");
  assert.deepEqual(d.tick(T0 + 2), []);
  const [x] = d.closeAll(T0 + 3, "stopped");
  assert.equal(x.size, 1.79145231);
  assert.equal(x.netBps, 60);
});

Deno.test("--update-bps 0: every move is an update, an unchanged edge (a tick) is none", () => {
  const d = detector({ minDuration: { updates: 1 }, updateBps: 0 });
  const a = crossing(100, 101, T0, 1);
  d.onBook(a.spot, T0);
  assert.deepEqual(d.onBook(a.perp, T0).map((x) => [x.event, x.netBps]), [["opened", 100]]);
  assert.deepEqual(d.tick(T0 + 250), [], "the books did not change");
  assert.deepEqual(d.onBook(crossing(100, 101, T0 + 300, 2).perp, T0 + 300), []);
  // 100.99 − 100 = 0.99 on 100: 99 bps
  const moved = d.onBook(crossing(100, 100.99, T0 + 400, 3).perp, T0 + 400);
  assert.deepEqual(moved.map((x) => [x.event, x.netBps]), [["updated", 99]]);
});

Deno.test("a stale or old book vetoes: no alert, and an open opportunity closes at once", () => {
  const d = detector({ minDuration: { updates: 1 }, maxAgeMs: 5000 });
  const a = crossing(100, 101, T0, 1);
  d.onBook({ ...a.spot, state: "stale" }, T0);
  assert.deepEqual(d.onBook(a.perp, T0), [], "stale spot book");
  d.onBook({ ...a.spot, state: "resyncing", updateId: 2, resyncs: 1 }, T0);
  assert.deepEqual(d.onBook(a.perp, T0), [], "resyncing spot book");
  const live = d.onBook({ ...a.spot, updateId: 3, resyncs: 1 }, T0);
  assert.deepEqual(live.map((x) => x.event), ["opened"], "live again: the pair opens");
  // the spot book says nothing for 5.001 s: the tick closes the opportunity as old
  assert.deepEqual(d.tick(T0 + 5000), []);
  assert.deepEqual(d.tick(T0 + 5001).map((x) => [x.event, x.reason]), [["closed", "old"]]);
  // a fresh perp update does not revive it while the spot book is old
  assert.deepEqual(d.onBook(crossing(100, 101, T0 + 6000, 2).perp, T0 + 6000), []);
});

Deno.test("a crossed book is out of sync: never traded against", () => {
  const d = detector({ minDuration: { updates: 1 } });
  // the spot book's own bid (100.5) is above its ask (100): corrupt, although it "crosses" perp
  const spot = book("binance", "spot", "BTCUSDT", { bids: [[100.5, 1]], asks: [[100, 1]] }, {
    atMs: T0,
  });
  d.onBook(spot, T0);
  assert.deepEqual(d.onBook(crossing(100, 101, T0, 1).perp, T0), []);
});

Deno.test("an update older than the held book (out of order) is ignored", () => {
  const d = detector({ minDuration: { updates: 1 } });
  d.onBook(crossing(100, 101, T0, 5).spot, T0);
  d.onBook(crossing(100, 99, T0, 5).perp, T0);
  assert.deepEqual(d.onBook(crossing(100, 101, T0, 4).perp, T0), []);
  assert.equal(d.stats.ignored, 1);
});

Deno.test("USDT and USDC are different currencies: only a stated rate pairs them", () => {
  // buy BTCUSDC at 100 USDC, sell BTCUSDT at 100.30 USDT, no fees
  const usdc = book("binance", "spot", "BTCUSDC", { bids: [[99, 1]], asks: [[100, 1]] }, {
    atMs: T0,
  });
  const usdt = book("bybit", "spot", "BTCUSDT", { bids: [[100.3, 1]], asks: [[101, 1]] }, {
    atMs: T0,
  });
  const equal = detector({ minDuration: { updates: 1 } });
  equal.onBook(usdc, T0);
  assert.deepEqual(equal.onBook(usdt, T0), [], "no rate stated: not 30 bps of 'arbitrage'");
  assert.deepEqual([...equal.unpriced].sort(), ["BTC USDC/USDT", "BTC USDT/USDC"]);
  // 1 USDC = 1.002 USDT: 100.30 USDT = 100.3 / 1.002 = 100.0998004 USDC, so 0.0998004 on 100:
  // 9.98004 bps (the inverse rate is rounded to 12 digits: 0.998003992016)
  const stated = detector({ minDuration: { updates: 1 }, rates: { "USDC/USDT": 1.002 } });
  stated.onBook(usdc, T0);
  const [x] = stated.onBook(usdt, T0);
  assert.equal(x.event, "opened");
  assert.equal(x.conversionRate, 0.998003992016);
  assert.deepEqual(x.conversion, { from: "USDT", to: "USDC", source: "inverse" });
  assert.ok(Math.abs(x.netBps - (100.3 / 1.002 - 100) / 100 * 1e4) < 1e-4, String(x.netBps));
});

Deno.test("every profitable pair alerts, in each direction, not only the best", () => {
  const d = detector({ minDuration: { updates: 1 } });
  const at = { atMs: T0 };
  d.onBook(book("binance", "spot", "ETHUSDT", { bids: [[99, 1]], asks: [[100, 1]] }, at), T0);
  d.onBook(book("bybit", "spot", "ETHUSDT", { bids: [[100.5, 1]], asks: [[101, 1]] }, at), T0);
  const out = d.onBook(
    book("bybit", "perp", "ETHUSDT", { bids: [[101.2, 1]], asks: [[101.5, 1]] }, at),
    T0,
  );
  // binance spot → bybit perp: 120 bps; bybit spot → bybit perp: bid 101.2 vs ask 101 = 19.8 bps
  assert.deepEqual(out.map((x) => `${x.pair} ${x.netBps}`).sort(), [
    "ETH binance:spot>bybit:perp 120",
    "ETH bybit:spot>bybit:perp 19.802",
  ]);
});

Deno.test("perpetual legs show the funding until the next settlement", () => {
  const d = detector({ minDuration: { updates: 1 } });
  d.onFunding({
    exchange: "bybit",
    symbol: "BTCUSDT",
    rate: 0.0001,
    nextFundingTime: "2026-01-05T16:00:00Z",
    intervalHours: 8,
    markPrice: 101,
    receivedAtMs: T0,
  });
  const a = crossing(100, 101, T0, 1);
  d.onBook(a.spot, T0);
  const [x] = d.onBook(a.perp, T0);
  // short 1 BTC perp (notional 101) receives 0.0001 × 101 = 0.0101 on a buy notional of 100:
  // 1.01 bps
  assert.deepEqual(x.funding, { netBps: 1.01, nextSettlement: "2026-01-05T16:00:00Z" });
  assert.equal(x.sell.fundingRate, 0.0001);
  assert.equal(x.buy.fundingRate, undefined, "the spot leg has no funding");
});

Deno.test("a malformed book is refused with the field named, and changes nothing", () => {
  const d = detector();
  const bad = book("binance", "spot", "BTCUSDT", { bids: [[100, 1], [101, 1]], asks: [] });
  assert.throws(() => d.onBook(bad, T0), /bids\[1\]: levels must be best first/);
  assert.equal(d.book("binance:spot:BTCUSDT"), undefined);
});

Deno.test("lot steps: a pair trades multiples of the coarser leg's step", () => {
  const d = detector({ minDuration: { updates: 1 }, lots: { "bybit:perp": 0.001 } });
  d.onBook(book("binance", "spot", "BTCUSDT", { bids: [[99, 1]], asks: [[100, 0.12345]] }), 0);
  const [x] = d.onBook(book("bybit", "perp", "BTCUSDT", { bids: [[101, 1]], asks: [[102, 1]] }), 0);
  // 0.12345 on the spot book, floored to Bybit perp's 0.001: 0.123; net 0.123 × (101 − 100)
  assert.equal(x.size, 0.123);
  assert.equal(x.netAmount, 0.123);
  assert.throws(() => detector({ lots: { "bybit:perp": 0.002 } }), /power of ten/);
  assert.throws(() => detector({ lots: { "okx:spot": 0.001 } }), /unknown lot key/);
});
