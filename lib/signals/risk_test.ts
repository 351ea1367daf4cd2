/** Each risk rule on hand-built signals and portfolios. */
import assert from "node:assert/strict";
import type { Signal } from "../core/signal.ts";
import { DAY_MS } from "../core/time.ts";
import { type RiskLimits, RiskManager, type RiskSnapshot } from "./risk.ts";

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
