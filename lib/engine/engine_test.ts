import assert from "node:assert/strict";
import type { EngineEvent } from "../core/events.ts";
import type { Strategy } from "../core/strategy.ts";
import { runBacktest } from "./engine.ts";
import { bars, DAY, FLAT, near as close, run, T0 } from "../../tests/helpers/engine.ts";

Deno.test("a market order decided at a close fills at the next bar's open", () => {
  const r = run([bars("btc", [FLAT, [101, 105, 99, 104], [106, 107, 105, 106]])], {
    0: [{ direction: "long" }],
    1: [{ direction: "flat", size: 0 }],
  });
  // buy 100000 / 101 units at 101 on day 1; sell them at day 2's open 106
  const units = 100_000 / 101;
  assert.equal(r.trades.length, 1);
  const t = r.trades[0];
  close(t.size, units, "size");
  assert.equal(t.entryPrice, 101);
  assert.equal(t.entryTs, T0 + DAY);
  assert.equal(t.exitPrice, 106);
  assert.equal(t.exitTs, T0 + 2 * DAY);
  close(t.pnl, units * 5, "pnl");
  close(t.returnPct, 5 / 101, "returnPct");
  // equity: day 0 flat 100000; day 1 marked at 104; day 2 all cash
  close(r.equity.equity[0], 100_000);
  close(r.equity.equity[1], units * 104);
  close(r.equity.equity[2], 100_000 + units * 5);
  close(r.metrics.finalEquity, 100_000 + units * 5);
});

Deno.test("with fill close a market order fills at the decision bar's close", () => {
  const r = run([bars("btc", [FLAT, [101, 105, 99, 104], [106, 107, 105, 106]])], {
    0: [{ direction: "long" }],
    1: [{ direction: "flat", size: 0 }],
  }, { fill: "close" });
  // buy 1000 units at day 0's close 100, sell at day 1's close 104
  const t = r.trades[0];
  assert.equal(t.size, 1000);
  assert.equal(t.entryPrice, 100);
  assert.equal(t.entryTs, T0 + DAY); // the close of the bar dated day 0
  assert.equal(t.exitPrice, 104);
  close(r.equity.equity[1], 104_000);
  close(r.metrics.finalEquity, 104_000);
});

Deno.test("commission and slippage are charged per fill against the trader", () => {
  const r = run([bars("btc", [FLAT, [101, 105, 99, 104], [106, 107, 105, 106]])], {
    0: [{ direction: "long" }],
    1: [{ direction: "flat", size: 0 }],
  }, { commission: 0.001, slippageBps: 10 });
  // buy at 101 * 1.001 = 101.101; units so that units * 101.101 * 1.001 = 100000
  const buy = 101.101;
  const units = 100_000 / (buy * 1.001);
  const fee1 = units * buy * 0.001;
  // sell at 106 * 0.999 = 105.894
  const sell = 105.894;
  const fee2 = units * sell * 0.001;
  const [f1, f2] = r.fills;
  close(f1.price, buy, "buy price");
  close(f1.qty, units, "units");
  close(f1.fee, fee1, "fee1");
  close(f1.slippage, units * 0.101, "slippage1");
  close(f2.price, sell, "sell price");
  close(f2.fee, fee2, "fee2");
  const pnl = units * (sell - buy) - fee1 - fee2;
  close(r.trades[0].pnl, pnl, "pnl");
  close(r.trades[0].fees, fee1 + fee2, "trade fees");
  close(r.metrics.fees, fee1 + fee2, "total fees");
  close(r.metrics.finalEquity, 100_000 + pnl, "final");
});

Deno.test("whole units are floored so that notional plus commission fits", () => {
  const r = run([bars("btc", [FLAT, [101, 101, 101, 101], [101, 101, 101, 101]])], {
    0: [{ direction: "long" }],
  }, { capital: 1000, units: "whole", commission: 0.01, commissionFixed: 1, closeAtEnd: "none" });
  // (1000 - 1) / (101 * 1.01) = 999 / 102.01 = 9.79 -> 9 units; cost 909 + 9.09 + 1 = 919.09
  const f = r.fills[0];
  assert.equal(f.qty, 9);
  close(f.fee, 9 * 101 * 0.01 + 1, "fee");
  close(r.metrics.finalEquity, 1000 - 919.09 + 909, "equity = cash 80.91 + 9 * 101");
  assert.equal(r.openPositions.length, 1);
  assert.equal(r.trades.length, 0);
});

Deno.test("an order that cannot buy one whole unit is rejected with a reason", () => {
  const r = run([bars("btc", [FLAT, FLAT])], { 0: [{ direction: "long" }] }, {
    capital: 50,
    units: "whole",
  });
  assert.equal(r.fills.length, 0);
  assert.equal(r.rejections.length, 1);
  assert.equal(r.rejections[0].outcome, "rejected");
  assert.match(r.rejections[0].reason, /whole unit/);
  assert.equal(r.metrics.finalEquity, 50);
});

Deno.test("a buy limit fills at its price when the bar reaches it, at the open when it gaps", () => {
  const series = bars("btc", [FLAT, [100, 101, 96, 98], [97, 98, 94, 96], [96, 96, 96, 96]]);
  const r = run([series], { 0: [{ orderType: "limit", orderPrice: 95 }] }, { closeAtEnd: "none" });
  // day 1 low 96 does not reach 95; day 2 low 94 does -> 100000 / 95 units at 95, intrabar
  assert.equal(r.fills.length, 1);
  assert.equal(r.fills[0].price, 95);
  assert.equal(r.fills[0].ts, T0 + 3 * DAY, "an intrabar fill is stamped at the bar's close");
  close(r.fills[0].qty, 100_000 / 95);

  const gap = bars("btc", [FLAT, [93, 97, 92, 96], FLAT]);
  const g = run([gap], { 0: [{ orderType: "limit", orderPrice: 95 }] }, { closeAtEnd: "none" });
  assert.equal(g.fills[0].price, 93, "opened below the limit: the better open");
  assert.equal(g.fills[0].ts, T0 + DAY);
});

Deno.test("a buy stop fills at its price plus slippage, or at the open when the bar gaps above", () => {
  const series = bars("btc", [FLAT, [100, 104, 99, 103], [103, 106, 102, 105], FLAT]);
  const r = run([series], { 0: [{ orderType: "stop", orderPrice: 105 }] }, {
    slippageBps: 10,
    closeAtEnd: "none",
  });
  // day 1 high 104 < 105; day 2 high 106 reaches it: 105 * 1.001
  close(r.fills[0].price, 105 * 1.001);
  assert.equal(r.fills[0].referencePrice, 105);

  const gap = bars("btc", [FLAT, [107, 108, 106, 107], FLAT]);
  const g = run([gap], { 0: [{ orderType: "stop", orderPrice: 105 }] }, { closeAtEnd: "none" });
  assert.equal(g.fills[0].price, 107);
});

Deno.test("a sell stop-loss fills at the open when the bar gaps through it", () => {
  const series = bars("btc", [FLAT, [100, 101, 99, 100], [90, 92, 88, 91], FLAT]);
  const r = run([series], { 0: [{ stopLoss: 0.05 }] });
  // long 1000 units at 100; stop at 95; day 2 opens at 90 below it -> filled at 90
  const t = r.trades[0];
  assert.equal(t.size, 1000);
  assert.equal(t.exitPrice, 90);
  assert.equal(t.exitReason, "stop_loss");
  assert.equal(t.exitTs, T0 + 2 * DAY, "a fill at the open is stamped at the bar's open");
  close(t.pnl, -10_000);
  close(r.metrics.finalEquity, 90_000);
});

Deno.test("when stop-loss and take-profit both fall inside one bar, the stop-loss is assumed", () => {
  const series = bars("btc", [FLAT, [100, 101, 99, 100], [100, 111, 94, 105], FLAT]);
  const r = run([series], { 0: [{ stopLoss: 0.05, takeProfit: 0.1 }] });
  // SL 95, TP 110, day 2 range 94..111 reaches both
  assert.equal(r.trades.length, 1);
  assert.equal(r.trades[0].exitPrice, 95);
  assert.equal(r.trades[0].exitReason, "stop_loss");
  close(r.metrics.finalEquity, 95_000);
});

Deno.test("a take-profit fills at its level and cancels the stop-loss", () => {
  const events: EngineEvent[] = [];
  const series = bars("btc", [FLAT, [100, 101, 99, 100], [102, 111, 101, 105], [80, 80, 80, 80]]);
  const r = run([series], { 0: [{ stopLoss: 0.05, takeProfit: 0.1 }] }, {
    onEvent: (e) => events.push(e),
  });
  assert.equal(r.trades.length, 1);
  assert.equal(r.trades[0].exitPrice, 110);
  assert.equal(r.trades[0].exitReason, "take_profit");
  close(r.metrics.finalEquity, 110_000, "the later fall to 80 no longer matters");
  const cancelled = events.filter((e) => e.type === "cancel");
  assert.equal(cancelled.length, 1);
  assert.equal(cancelled[0].type === "cancel" && cancelled[0].order.role, "stop_loss");
});

Deno.test("a stop-loss can fire in the bar whose open filled the entry", () => {
  const series = bars("btc", [FLAT, [100, 101, 94, 96], FLAT]);
  const r = run([series], { 0: [{ stopLoss: 0.05 }] });
  assert.equal(r.trades[0].entryPrice, 100);
  assert.equal(r.trades[0].exitPrice, 95);
  assert.equal(r.trades[0].exitTs, T0 + 2 * DAY);
});

Deno.test("a short holds its proceeds as cash and equity subtracts its market value", () => {
  const series = bars("btc", [FLAT, [100, 100, 90, 90], [80, 82, 79, 81]]);
  const r = run([series], {
    0: [{ direction: "short" }],
    1: [{ direction: "flat", size: 0 }],
  });
  // short 1000 at 100: cash 200000; day 1 equity = 200000 - 1000 * 90 = 110000
  close(r.equity.equity[1], 110_000);
  // cover at day 2 open 80: cash 200000 - 80000 = 120000
  const t = r.trades[0];
  assert.equal(t.side, "short");
  close(t.pnl, 20_000);
  close(t.returnPct, 0.2);
  close(r.metrics.finalEquity, 120_000);
});

Deno.test("a short's stop-loss sits above the entry and take-profit below", () => {
  const series = bars("btc", [FLAT, [100, 100, 100, 100], [100, 106, 99, 104], FLAT]);
  const r = run([series], { 0: [{ direction: "short", stopLoss: 0.05, takeProfit: 0.2 }] });
  // short 1000 at 100, SL 105 reached on day 2 (high 106): loss 1000 * 5
  assert.equal(r.trades[0].exitPrice, 105);
  close(r.metrics.finalEquity, 95_000);
});

Deno.test("a reversal exits first and sizes the new side from the equity after the exit", () => {
  const series = bars("btc", [FLAT, [100, 100, 100, 100], [110, 110, 110, 110], FLAT]);
  const r = run([series], { 0: [{ direction: "long" }], 1: [{ direction: "short" }] }, {
    commission: 0.001,
    closeAtEnd: "none",
  });
  // long: units u1 = 100000 / (100 * 1.001), fee1 = u1 * 0.1
  const u1 = 100_000 / 100.1;
  const fee1 = u1 * 100 * 0.001;
  // day 2 open 110: sell u1 at 110, fee2 = u1 * 0.11; cash = 100000 - u1*100 - fee1 + u1*110 - fee2
  const cash = 100_000 - u1 * 100 - fee1 + u1 * 110 - u1 * 110 * 0.001;
  // short from that equity: u2 = cash / (110 * 1.001)
  const u2 = cash / (110 * 1.001);
  assert.equal(r.fills.length, 3);
  assert.equal(r.fills[1].role, "exit");
  assert.equal(r.fills[2].role, "entry");
  assert.equal(r.fills[2].side, "sell");
  close(r.fills[2].qty, u2, "short units");
});

Deno.test("entries are sized after the exits that fill at the same time, across assets", () => {
  const a = bars("a", [FLAT, [100, 100, 100, 100], [120, 120, 120, 120], FLAT]);
  const b = bars("b", [[50, 50, 50, 50], [50, 50, 50, 50], [40, 40, 40, 40], [40, 40, 40, 40]]);
  const r = run([a, b], {
    0: [{ asset: "a", direction: "long" }],
    // decided together: leave a, buy b with all equity; b is listed first on purpose
    1: [{ asset: "b", direction: "long" }, { asset: "a", direction: "flat", size: 0 }],
  }, { closeAtEnd: "none" });
  // a: 1000 units at 100, sold at 120 -> cash 120000; b: 120000 / 40 = 3000 units
  assert.deepEqual(r.fills.map((f) => `${f.asset}:${f.role}`), ["a:entry", "a:exit", "b:entry"]);
  close(r.fills[2].qty, 3000);
  assert.equal(r.rejections.length, 0);
});

Deno.test("an entry that does not fit in the free equity is reduced, with the reason recorded", () => {
  const a = bars("a", [FLAT, FLAT, FLAT, FLAT]);
  const b = bars("b", [FLAT, FLAT, FLAT, FLAT]);
  const r = run([a, b], {
    0: [{ asset: "a", size: 0.6 }],
    1: [{ asset: "b", size: 0.6 }],
  }, { closeAtEnd: "none" });
  // a takes 60000; b asks for 0.6 * 100000 = 60000 but only 40000 is free
  assert.equal(r.rejections.length, 1);
  assert.equal(r.rejections[0].outcome, "reduced");
  close(r.rejections[0].requested, 60_000);
  close(r.rejections[0].granted, 40_000);
  close(r.fills[1].qty, 400);
  assert.ok(r.equity.equity.every((e) => e > 0));
});

Deno.test("an entry with no free equity left is rejected and cash never goes negative", () => {
  const a = bars("a", [FLAT, FLAT, FLAT]);
  const b = bars("b", [FLAT, FLAT, FLAT]);
  const r = run([a, b], { 0: [{ asset: "a" }], 1: [{ asset: "b", size: 0.5 }] }, {
    closeAtEnd: "none",
  });
  assert.equal(r.fills.length, 1);
  assert.equal(r.rejections[0].outcome, "rejected");
  assert.equal(r.openPositions.length, 1);
  close(r.metrics.finalEquity, 100_000);
});

Deno.test("close-at-end last_close closes positions at the last close and counts them", () => {
  const series = bars("btc", [FLAT, [100, 100, 100, 100], [100, 130, 100, 120]]);
  const last = run([series], { 0: [{}] });
  assert.equal(last.trades.length, 1);
  assert.equal(last.trades[0].exitPrice, 120);
  assert.equal(last.trades[0].exitReason, "end of run");
  assert.equal(last.trades[0].exitTs, T0 + 3 * DAY);
  assert.equal(last.metrics.numTrades, 1);
  close(last.metrics.finalEquity, 120_000);

  const none = run([series], { 0: [{}] }, { closeAtEnd: "none" });
  assert.equal(none.trades.length, 0);
  assert.equal(none.metrics.numTrades, 0);
  assert.equal(none.openPositions.length, 1);
  close(none.openPositions[0].unrealizedPnl, 20_000);
  close(none.metrics.finalEquity, 120_000, "valued at the last close");
});

Deno.test("a strategy cannot read a bar after now", () => {
  const seen: { length: number; lastTs: number; now: number }[] = [];
  let error: unknown;
  const peek: Strategy = {
    name: "peek",
    params: {},
    warmup: 0,
    macroSeries: [],
    onBar(ctx) {
      const v = ctx.bars("btc");
      seen.push({ length: v.length, lastTs: v.ts(-1), now: ctx.now });
      if (v.length === 2) {
        try {
          v.close(v.length); // the next bar exists in the data, but not yet at now
        } catch (e) {
          error = e;
        }
      }
      return [];
    },
  };
  runBacktest({
    series: [bars("btc", [FLAT, FLAT, FLAT])],
    interval: "1d",
    strategies: [peek],
    capital: 1,
  });
  assert.deepEqual(seen, [
    { length: 1, lastTs: T0, now: T0 + DAY },
    { length: 2, lastTs: T0 + DAY, now: T0 + 2 * DAY },
    { length: 3, lastTs: T0 + 2 * DAY, now: T0 + 3 * DAY },
  ]);
  assert.ok(error instanceof RangeError, "reading the future throws RangeError");
});

Deno.test("macro observations become visible only once published", () => {
  const lengths: number[] = [];
  const s: Strategy = {
    name: "m",
    params: {},
    warmup: 0,
    macroSeries: ["VIX"],
    onBar(ctx) {
      lengths.push(ctx.macro("VIX")!.length);
      return [];
    },
  };
  runBacktest({
    series: [bars("btc", [FLAT, FLAT, FLAT])],
    interval: "1d",
    strategies: [s],
    capital: 1,
    // observations dated day 0 and day 1, published at the next midnight; day 2 published late
    macro: [{
      series: "VIX",
      ts: [T0, T0 + DAY, T0 + 2 * DAY],
      value: [20, 21, 22],
      availableAt: [T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY + 1],
    }],
  });
  assert.deepEqual(lengths, [1, 2, 2]);
});

Deno.test("the pipeline sees every signal and its output is what trades", () => {
  const calls: { n: number; equity: number }[] = [];
  const r = run([bars("btc", [FLAT, FLAT, FLAT])], { 0: [{ size: 1 }] }, {
    closeAtEnd: "none",
    pipeline: (signals, ctx) => {
      calls.push({ n: signals.length, equity: ctx.equity });
      return signals.map((s) => ({ ...s, size: s.size / 2 }));
    },
  });
  assert.deepEqual(calls.map((c) => c.n), [1, 0, 0], "called at every decision time");
  close(r.fills[0].qty, 500, "half of the equity at 100");
});

Deno.test("an account wiped out by a short is liquidated and stops trading", () => {
  const series = bars("btc", [FLAT, [100, 100, 100, 100], [150, 220, 150, 210], FLAT]);
  const r = run([series], { 0: [{ direction: "short" }], 2: [{ direction: "long" }] });
  // short 1000 at 100; close 210 -> equity 200000 - 210000 < 0 -> covered at 210
  assert.equal(r.trades.length, 1);
  assert.equal(r.trades[0].exitReason, "liquidation");
  close(r.metrics.finalEquity, -10_000);
  assert.equal(r.fills.length, 2, "no trading after the liquidation");
});

Deno.test("the manifest hashes the configuration and checksums the data", () => {
  const s = bars("btc", [FLAT, [100, 101, 99, 100]]);
  const a = run([s], {});
  const b = run([s], {});
  const c = run([s], {}, { commission: 0.001 });
  const d = run([bars("btc", [FLAT, [100, 101, 99, 100.5]])], {});
  assert.match(a.manifest.configHash, /^[0-9a-f]{64}$/);
  assert.equal(a.manifest.configHash, b.manifest.configHash);
  assert.equal(a.manifest.dataChecksum, b.manifest.dataChecksum);
  assert.notEqual(a.manifest.configHash, c.manifest.configHash);
  assert.equal(a.manifest.dataChecksum, c.manifest.dataChecksum);
  assert.notEqual(a.manifest.dataChecksum, d.manifest.dataChecksum);
  assert.equal(a.manifest.engineVersion, "1.0.0");
});

Deno.test("bad series are rejected before the run", () => {
  const s = bars("btc", [FLAT, FLAT]);
  s.ts[1] = s.ts[0];
  assert.throws(() => run([s], {}), /strictly increasing/);
  // A series built by hand (not through seriesFromCandles) is validated again by the engine.
  const t = bars("btc", [FLAT, FLAT]);
  t.high[1] = 99;
  t.low[1] = 101;
  assert.throws(() => run([t], {}), /low <= open/);
  assert.throws(() => bars("btc", [FLAT, [100, 99, 101, 100]]), /low <= open/);
  assert.throws(() => run([bars("btc", [FLAT])], {}, { capital: 0 }), /capital/);
});
