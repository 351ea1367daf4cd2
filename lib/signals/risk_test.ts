/** Each risk rule on hand-built signals and portfolios. */
import assert from "node:assert/strict";
import type { Signal } from "../core/signal.ts";
import { DAY_MS } from "../core/time.ts";
import { type RiskLimits, RiskManager, type RiskSnapshot } from "./risk.ts";
import { bars, FLAT, run } from "../../tests/helpers/engine.ts";

const LIMITS: RiskLimits = {
  maxPositionSize: 0.1,
  maxDailyTrades: 10,
  maxPortfolioRisk: 0.5,
  defaultStopLoss: 0.05,
  defaultTakeProfit: 0.1,
};
const sig = (asset: string, direction: Signal["direction"], size: number, confidence = 0.5) =>
  ({
    ts: 0,
    asset,
    strategy: "aggregate",
    direction,
    size,
    confidence,
    reason: "test",
  }) satisfies Signal;

/** Equity 10,000; positions as signed quantities at the given prices. */
function snapshot(
  positions: Record<string, { qty: number; price: number }> = {},
  now = 10 * DAY_MS,
): RiskSnapshot {
  const assets = ["bitcoin", "ethereum", "solana", ...Object.keys(positions)];
  return {
    now,
    equity: 10_000,
    assets: [...new Set(assets)],
    position: (a) => ({ qty: positions[a]?.qty ?? 0, avgPrice: NaN }),
    price: (a) => positions[a]?.price ?? 100,
  };
}

Deno.test("MAX_POSITION_SIZE caps a target's size", () => {
  const rm = new RiskManager(LIMITS);
  const { signals, actions } = rm.apply([sig("bitcoin", "long", 0.3)], snapshot());
  assert.equal(signals[0].size, 0.1);
  assert.ok(actions.some((a) => a.rule === "MAX_POSITION_SIZE" && a.action === "capped"));
});

Deno.test("DEFAULT_STOP_LOSS and DEFAULT_TAKE_PROFIT fill in only what a signal lacks", () => {
  const rm = new RiskManager(LIMITS);
  const { signals } = rm.apply(
    [{ ...sig("bitcoin", "long", 0.05), stopLoss: 0.02 }, sig("ethereum", "short", 0.05)],
    snapshot(),
  );
  assert.equal(signals[0].stopLoss, 0.02);
  assert.equal(signals[0].takeProfit, 0.1);
  assert.equal(signals[1].stopLoss, 0.05);
  const off = new RiskManager({ ...LIMITS, defaultStopLoss: 0, defaultTakeProfit: 0 });
  const [s] = off.apply([sig("bitcoin", "long", 0.05)], snapshot()).signals;
  assert.equal(s.stopLoss, undefined, "0 disables the default");
  assert.equal(s.takeProfit, undefined);
});

Deno.test("MAX_DAILY_TRADES keeps the most confident opens and resets the next UTC day", () => {
  const rm = new RiskManager({ ...LIMITS, maxDailyTrades: 2 });
  const day1 = snapshot({}, 10 * DAY_MS + 1);
  const first = rm.apply([
    sig("bitcoin", "long", 0.05, 0.9),
    sig("ethereum", "long", 0.05, 0.5),
    sig("solana", "long", 0.05, 0.7),
  ], day1);
  assert.deepEqual(first.signals.map((s) => s.asset), ["bitcoin", "solana"]);
  const rejected = first.actions.filter((a) => a.rule === "MAX_DAILY_TRADES");
  assert.deepEqual(rejected.map((a) => [a.asset, a.action]), [["ethereum", "rejected"]]);
  // same UTC day, later: still full
  const later = rm.apply([sig("ethereum", "long", 0.05)], snapshot({}, 11 * DAY_MS - 1));
  assert.equal(later.signals.length, 0);
  assert.equal(rm.ordersOn(11 * DAY_MS - 1), 2);
  // next day: allowed again
  const next = rm.apply([sig("ethereum", "long", 0.05)], snapshot({}, 11 * DAY_MS));
  assert.equal(next.signals.length, 1);
});

Deno.test("MAX_DAILY_TRADES never blocks an exit; a flip without two orders left becomes an exit", () => {
  const rm = new RiskManager({ ...LIMITS, maxDailyTrades: 1 });
  const held = snapshot({ bitcoin: { qty: 1, price: 100 }, ethereum: { qty: 1, price: 100 } });
  const r = rm.apply([sig("bitcoin", "flat", 0), sig("ethereum", "short", 0.05)], held);
  // the exit uses the only order; the flip (2 orders) is blocked entirely
  assert.deepEqual(r.signals.map((s) => `${s.asset}:${s.direction}`), ["bitcoin:flat"]);
  const rm2 = new RiskManager({ ...LIMITS, maxDailyTrades: 1 });
  const r2 = rm2.apply([sig("ethereum", "short", 0.05)], held);
  assert.equal(r2.signals[0].direction, "flat");
  assert.equal(r2.actions.find((a) => a.rule === "MAX_DAILY_TRADES")?.action, "downgraded");
});

Deno.test("a target in the direction already held places no order and is not counted", () => {
  const rm = new RiskManager({ ...LIMITS, maxDailyTrades: 1 });
  const held = snapshot({ bitcoin: { qty: 1, price: 100 } });
  const r = rm.apply([sig("bitcoin", "long", 0.05), sig("ethereum", "long", 0.05)], held);
  assert.equal(r.signals.length, 2);
  assert.equal(rm.ordersOn(held.now), 1);
});

Deno.test("MAX_PORTFOLIO_RISK shrinks an open to the room left and rejects when none is left", () => {
  const rm = new RiskManager({ ...LIMITS, maxPositionSize: 1 });
  // ethereum: 10 units at 300 = 3,000 = 30% of 10,000 equity -> room 20%
  const held = snapshot({ ethereum: { qty: -10, price: 300 } });
  const r = rm.apply(
    [sig("bitcoin", "long", 0.3, 0.9), sig("solana", "long", 0.1, 0.8)],
    held,
  );
  assert.deepEqual(r.signals.map((s) => [s.asset, s.size]), [["bitcoin", 0.2]]);
  assert.deepEqual(
    r.actions.filter((a) => a.rule === "MAX_PORTFOLIO_RISK").map((a) => [a.asset, a.action]),
    [["bitcoin", "capped"], ["solana", "rejected"]],
  );
});

Deno.test("exits free gross exposure before opens are sized", () => {
  const rm = new RiskManager({ ...LIMITS, maxPositionSize: 1 });
  const held = snapshot({ ethereum: { qty: 10, price: 300 } });
  const r = rm.apply([sig("bitcoin", "long", 0.3), sig("ethereum", "flat", 0)], held);
  assert.deepEqual(r.signals.map((s) => [s.asset, s.direction, s.size]), [
    ["bitcoin", "long", 0.3],
    ["ethereum", "flat", 0],
  ]);
});

Deno.test("the risk manager rejects impossible limits", () => {
  assert.throws(() => new RiskManager({ ...LIMITS, maxPositionSize: 2 }), RangeError);
  assert.throws(() => new RiskManager({ ...LIMITS, maxDailyTrades: 1.5 }), RangeError);
});

Deno.test("MAX_POSITION_SIZE leaves sizes at or under the cap alone and never touches exits", () => {
  const rm = new RiskManager(LIMITS);
  const held = snapshot({ solana: { qty: 1, price: 100 } });
  const { signals, actions } = rm.apply([
    sig("bitcoin", "long", 0.04),
    sig("ethereum", "short", 0.1),
    sig("solana", "flat", 0),
  ], held);
  assert.deepEqual(signals.map((s) => [s.asset, s.direction, s.size]), [
    ["bitcoin", "long", 0.04],
    ["ethereum", "short", 0.1],
    ["solana", "flat", 0],
  ]);
  assert.equal(actions.filter((a) => a.rule === "MAX_POSITION_SIZE").length, 0);
  // the exit gets no default stop-loss / take-profit; the opens get both
  assert.equal(signals[2].stopLoss, undefined);
  assert.equal(signals[2].takeProfit, undefined);
  assert.deepEqual([signals[0].stopLoss, signals[0].takeProfit], [0.05, 0.1]);
  assert.deepEqual([signals[1].stopLoss, signals[1].takeProfit], [0.05, 0.1]);
});

Deno.test("a signal's own take-profit is kept; only the missing stop-loss is defaulted", () => {
  const rm = new RiskManager({ ...LIMITS, defaultStopLoss: 0.03, defaultTakeProfit: 0.2 });
  const { signals, actions } = rm.apply(
    [{ ...sig("bitcoin", "long", 0.05), takeProfit: 0.07 }],
    snapshot(),
  );
  assert.equal(signals[0].stopLoss, 0.03);
  assert.equal(signals[0].takeProfit, 0.07);
  assert.deepEqual(actions.map((a) => a.rule), ["DEFAULT_STOP_LOSS"]);
});

Deno.test("MAX_DAILY_TRADES counts a flip as two orders", () => {
  // 3 orders a day; bitcoin is held long. Flip (2) + ethereum open (1) use all three.
  const rm = new RiskManager({ ...LIMITS, maxDailyTrades: 3 });
  const held = snapshot({ bitcoin: { qty: 1, price: 100 } });
  const r = rm.apply([
    sig("bitcoin", "short", 0.05, 0.9),
    sig("ethereum", "long", 0.05, 0.8),
    sig("solana", "long", 0.05, 0.7),
  ], held);
  assert.deepEqual(r.signals.map((s) => `${s.asset}:${s.direction}`), [
    "bitcoin:short",
    "ethereum:long",
  ]);
  assert.equal(rm.ordersOn(held.now), 3);
  assert.deepEqual(
    r.actions.filter((a) => a.rule === "MAX_DAILY_TRADES").map((a) => [a.asset, a.action]),
    [["solana", "rejected"]],
  );
});

Deno.test("MAX_DAILY_TRADES: exits count toward the limit, and equal confidences keep input order", () => {
  const rm = new RiskManager({ ...LIMITS, maxDailyTrades: 2 });
  const held = snapshot({ solana: { qty: -1, price: 100 } });
  const r = rm.apply([
    sig("bitcoin", "long", 0.05, 0.6),
    sig("ethereum", "long", 0.05, 0.6),
    sig("solana", "flat", 0),
  ], held);
  // the exit takes one order, the first of the two equally confident opens the other
  assert.deepEqual(r.signals.map((s) => s.asset), ["bitcoin", "solana"]);
  // a second batch the same day: no order left, but an exit still passes (and is counted)
  const again = rm.apply([sig("bitcoin", "long", 0.05, 1), sig("solana", "flat", 0)], held);
  assert.deepEqual(again.signals.map((s) => s.asset), ["solana"]);
  assert.equal(rm.ordersOn(held.now), 3);
});

Deno.test("MAX_PORTFOLIO_RISK: a flip does not count the asset's own position; held targets do count", () => {
  const rm = new RiskManager({ ...LIMITS, maxPositionSize: 1 });
  // bitcoin held long 40 x 100 = 40% of equity; flipping it short 30% replaces that exposure
  const flip = rm.apply(
    [sig("bitcoin", "short", 0.3)],
    snapshot({ bitcoin: { qty: 40, price: 100 } }),
  );
  assert.deepEqual(flip.signals.map((s) => [s.direction, s.size]), [["short", 0.3]]);
  assert.equal(flip.actions.filter((a) => a.rule === "MAX_PORTFOLIO_RISK").length, 0);
  // ethereum held long 30% with a long target (hold): its exposure stays, bitcoin gets 20%
  const rm2 = new RiskManager({ ...LIMITS, maxPositionSize: 1 });
  const hold = rm2.apply(
    [sig("ethereum", "long", 0.3), sig("bitcoin", "long", 0.45)],
    snapshot({ ethereum: { qty: 30, price: 100 } }),
  );
  assert.deepEqual(hold.signals.map((s) => [s.asset, s.size]), [["ethereum", 0.3], [
    "bitcoin",
    0.2,
  ]]);
});

Deno.test("MAX_PORTFOLIO_RISK turns a flip with no room left into an exit", () => {
  const rm = new RiskManager({ ...LIMITS, maxPositionSize: 1 });
  // ethereum short 50 x 100 = 50%: the gross limit is used up by others
  const held = snapshot({
    bitcoin: { qty: 10, price: 100 },
    ethereum: { qty: -50, price: 100 },
  });
  const r = rm.apply([sig("bitcoin", "short", 0.1)], held);
  assert.deepEqual(r.signals.map((s) => [s.asset, s.direction, s.size]), [["bitcoin", "flat", 0]]);
  assert.equal(r.signals[0].stopLoss, undefined);
  assert.deepEqual(r.actions.filter((a) => a.rule === "MAX_PORTFOLIO_RISK").map((a) => a.action), [
    "downgraded",
  ]);
  assert.equal(rm.ordersOn(held.now), 1, "the exit is one order");
});

Deno.test("MAX_POSITION_SIZE caps a short's size and keeps it short, for an open and a flip", () => {
  // Cap 10%. A short open asking 30% becomes a 10% short; a flip from long bitcoin to a 25%
  // short also becomes a 10% short (the cap is on the size, whatever the direction).
  const rm = new RiskManager({ ...LIMITS, maxDailyTrades: 10 });
  const held = snapshot({ bitcoin: { qty: 5, price: 100 } });
  const { signals, actions } = rm.apply(
    [sig("ethereum", "short", 0.3), sig("bitcoin", "short", 0.25)],
    held,
  );
  assert.deepEqual(signals.map((s) => [s.asset, s.direction, s.size]), [
    ["ethereum", "short", 0.1],
    ["bitcoin", "short", 0.1],
  ]);
  const capped = actions.filter((a) => a.rule === "MAX_POSITION_SIZE");
  assert.deepEqual(capped.map((a) => [a.asset, a.action, a.detail]), [
    ["ethereum", "capped", "size 30.00% capped to 10.00%"],
    ["bitcoin", "capped", "size 25.00% capped to 10.00%"],
  ]);
  // The capped short still gets its protective levels, as a short: the defaults apply.
  assert.deepEqual([signals[0].stopLoss, signals[0].takeProfit], [0.05, 0.1]);
});

Deno.test("a capped short sizes 10% of equity in the backtest engine", () => {
  // Through the engine with the risk stage as its pipeline: a 100% short target capped to 10%
  // of 100,000 equity at the next open 100 → 10,000 / 100 = 100 units sold short.
  const rm = new RiskManager({ ...LIMITS, defaultStopLoss: 0, defaultTakeProfit: 0 });
  const series = bars("btc", [FLAT, FLAT, FLAT]);
  const r = run([series], { 0: [{ direction: "short", size: 1 }] }, {
    pipeline: (signals, ctx) => rm.apply(signals, ctx).signals,
    closeAtEnd: "none",
  });
  assert.equal(r.fills.length, 1);
  assert.equal(r.fills[0].side, "sell");
  assert.equal(r.fills[0].qty, 100);
  assert.equal(r.openPositions[0].side, "short");
});
