/**
 * Fill rules at their boundaries (docs/backtesting.md, "Fill rules"): a price exactly touched by
 * the bar's low or high fills (`<=` / `>=`, not `<` / `>`), and slippage applies to stop-loss
 * exits but never to take-profit exits. Every expected number is worked out in the comments.
 */
import assert from "node:assert/strict";
import { bars, DAY, FLAT, near, type Row, run, T0 } from "../../tests/helpers/engine.ts";

/** Bar 1 after a flat decision bar; the order is placed at decision 0. */
const onBar1 = (row: Row) => bars("btc", [FLAT, row, FLAT]);

Deno.test("limit and stop entries fill when the bar's low or high exactly touches their price", () => {
  // Buy limit 95, bar 1 [100,101,95,98]: opens above, low 95 <= 95 → fills at 95, intrabar
  // (stamped with the close time T0 + 2 days); units 100000 / 95.
  const buyLimit = run([onBar1([100, 101, 95, 98])], {
    0: [{ orderType: "limit", orderPrice: 95 }],
  }, { closeAtEnd: "none" });
  assert.equal(buyLimit.fills.length, 1, "a buy limit touched by the low fills");
  assert.equal(buyLimit.fills[0].price, 95);
  assert.equal(buyLimit.fills[0].ts, T0 + 2 * DAY);
  near(buyLimit.fills[0].qty, 100_000 / 95, "buy limit units");

  // Sell limit 105 (a short entry), bar 1 [100,105,99,102]: high 105 >= 105 → 105.
  const sellLimit = run([onBar1([100, 105, 99, 102])], {
    0: [{ direction: "short", orderType: "limit", orderPrice: 105 }],
  }, { closeAtEnd: "none" });
  assert.equal(sellLimit.fills.length, 1, "a sell limit touched by the high fills");
  assert.equal(sellLimit.fills[0].price, 105);
  assert.equal(sellLimit.fills[0].side, "sell");

  // Buy stop 105, bar 1 [100,105,99,102]: high 105 >= 105 → 105.
  const buyStop = run([onBar1([100, 105, 99, 102])], {
    0: [{ orderType: "stop", orderPrice: 105 }],
  }, { closeAtEnd: "none" });
  assert.equal(buyStop.fills.length, 1, "a buy stop touched by the high fills");
  assert.equal(buyStop.fills[0].price, 105);

  // Sell stop 95 (a short entry), bar 1 [100,101,95,97]: low 95 <= 95 → 95.
  const sellStop = run([onBar1([100, 101, 95, 97])], {
    0: [{ direction: "short", orderType: "stop", orderPrice: 95 }],
  }, { closeAtEnd: "none" });
  assert.equal(sellStop.fills.length, 1, "a sell stop touched by the low fills");
  assert.equal(sellStop.fills[0].price, 95);
  assert.equal(sellStop.fills[0].side, "sell");
});

Deno.test("a limit the bar misses by a cent stays pending; one the bar opens on fills at the open", () => {
  // Low 95.01 > 95: not reached, nothing fills (the boundary is the price itself).
  const missed = run([onBar1([100, 101, 95.01, 98])], {
    0: [{ orderType: "limit", orderPrice: 95 }],
  }, { closeAtEnd: "none" });
  assert.deepEqual(missed.fills, []);
  // Open exactly 95 <= 95: fills at the open, stamped with the open time T0 + 1 day.
  const atOpen = run([onBar1([95, 97, 94, 96])], {
    0: [{ orderType: "limit", orderPrice: 95 }],
  }, { closeAtEnd: "none" });
  assert.equal(atOpen.fills[0].price, 95);
  assert.equal(atOpen.fills[0].ts, T0 + DAY);
});

/** Market entry at bar 1's open (100), bar 1 stays inside [99, 101]; bar 2 is `row`. */
function protectedRun(direction: "long" | "short", row: Row, slippageBps = 0) {
  const series = bars("btc", [FLAT, [100, 101, 99, 100], row, FLAT]);
  return run([series], { 0: [{ direction, stopLoss: 0.05, takeProfit: 0.1 }] }, { slippageBps });
}

Deno.test("a long's stop-loss and take-profit fire when the low or high exactly touches them", () => {
  // Long 1000 units at 100: SL = 100 × 0.95 = 95, TP = 100 × 1.1 = 110 (rounded to 12
  // significant digits, so binary 110.00000000000001 does not escape a high of 110).
  const sl = protectedRun("long", [100, 101, 95, 97]);
  assert.equal(sl.trades[0].exitReason, "stop_loss", "low 95 touches the stop");
  assert.equal(sl.trades[0].exitPrice, 95);
  assert.equal(sl.trades[0].exitTs, T0 + 3 * DAY, "intrabar: the bar's close time");
  near(sl.trades[0].pnl, -5_000, "1000 × (95 − 100)");

  const tp = protectedRun("long", [100, 110, 99, 105]);
  assert.equal(tp.trades[0].exitReason, "take_profit", "high 110 touches the take-profit");
  assert.equal(tp.trades[0].exitPrice, 110);
  near(tp.trades[0].pnl, 10_000, "1000 × (110 − 100)");
});

Deno.test("a short's stop-loss and take-profit fire when the high or low exactly touches them", () => {
  // Short 1000 units at 100: SL = 100 × 1.05 = 105 (above), TP = 100 × 0.9 = 90 (below).
  const sl = protectedRun("short", [100, 105, 99, 101]);
  assert.equal(sl.trades[0].exitReason, "stop_loss", "high 105 touches the stop");
  assert.equal(sl.trades[0].exitPrice, 105);
  near(sl.trades[0].pnl, -5_000, "−1000 × (105 − 100)");

  const tp = protectedRun("short", [100, 101, 90, 95]);
  assert.equal(tp.trades[0].exitReason, "take_profit", "low 90 touches the take-profit");
  assert.equal(tp.trades[0].exitPrice, 90);
  near(tp.trades[0].pnl, 10_000, "−1000 × (90 − 100)");
});

Deno.test("a take-profit exit gets its level without slippage; a stop-loss exit slips", () => {
  // 10 bps. Long market entry at bar 1's open slips: 100 × 1.001 = 100.1; units =
  // 100000 / 100.1. TP = 100.1 × 1.1 = 110.11, SL = 100.1 × 0.95 = 95.095.
  const units = 100_000 / 100.1;
  // Bar 2 [101,111,100,105] reaches the TP: a limit order, filled at exactly 110.11.
  const tp = protectedRun("long", [101, 111, 100, 105], 10);
  const tpFill = tp.fills[1];
  assert.equal(tpFill.role, "take_profit");
  near(tpFill.price, 110.11, "take-profit fill price");
  near(tpFill.referencePrice, 110.11, "take-profit reference");
  assert.equal(tpFill.slippage, 0, "no slippage on a take-profit");
  near(tp.trades[0].pnl, units * (110.11 - 100.1), "pnl = units × (110.11 − 100.1) = 10000");
  near(tp.trades[0].pnl, 10_000, "pnl");

  // Bar 2 [101,102,95,96] reaches the SL 95.095: a stop order, sold at 95.095 × 0.999.
  const sl = protectedRun("long", [101, 102, 95, 96], 10);
  const slFill = sl.fills[1];
  assert.equal(slFill.role, "stop_loss");
  near(slFill.price, 95.095 * 0.999, "stop-loss fill slips against the seller");
  near(slFill.slippage, units * 95.095 * 0.001, "slippage cost = units × 95.095 × 10 bps");

  // Gaps: a bar opening at 112 (above the TP) fills the TP at the open, still unslipped; a bar
  // opening at 90 (below the SL) fills the SL at 90 × 0.999.
  const tpGap = protectedRun("long", [112, 113, 111, 112], 10);
  near(tpGap.fills[1].price, 112, "take-profit gap fill at the open, no slippage");
  assert.equal(tpGap.fills[1].ts, T0 + 2 * DAY);
  const slGap = protectedRun("long", [90, 91, 89, 90], 10);
  near(slGap.fills[1].price, 90 * 0.999, "stop-loss gap fill at the open, slipped");

  // A short's take-profit is a buy limit: entry 100 × 0.999 = 99.9, TP = 99.9 × 0.9 = 89.91;
  // bar 2 [100,101,89,95] reaches it and the cover fills at exactly 89.91.
  const shortTp = protectedRun("short", [100, 101, 89, 95], 10);
  assert.equal(shortTp.fills[1].role, "take_profit");
  near(shortTp.fills[1].price, 89.91, "short take-profit fill price");
  assert.equal(shortTp.fills[1].slippage, 0);
});
