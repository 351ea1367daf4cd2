import assert from "node:assert/strict";
import { summariseWalkForward } from "./walk_forward_summary.ts";

Deno.test("the out-of-sample curve compounds each test window's returns from the capital", () => {
  const s = summariseWalkForward([
    // returns +10%, +10%
    {
      params: { fast: 5, slow: 30 },
      trainObjective: 2,
      testObjective: 1,
      testTs: [10, 11],
      testEquity: [110, 121],
      testTrades: 1,
    },
    // return −10% (each window's equity starts again from the capital)
    {
      params: { fast: 5, slow: 50 },
      trainObjective: 1,
      testObjective: NaN,
      testTs: [12],
      testEquity: [90],
      testTrades: 2,
    },
    {
      params: { fast: 10, slow: 50 },
      trainObjective: 3,
      testObjective: -0.5,
      testTs: [13],
      testEquity: [100],
      testTrades: 0,
    },
  ], { capital: 100, periodsPerYear: 365 });
  assert.deepEqual(s.equity.ts, [10, 11, 12, 13]);
  const want = [110, 121, 121 * 0.9, 121 * 0.9];
  s.equity.equity.forEach((e, i) => assert.ok(Math.abs(e - want[i]) < 1e-9, `${i}: ${e}`));
  assert.ok(Math.abs(s.metrics.totalReturn - (1.21 * 0.9 - 1)) < 1e-12);
  assert.equal(s.metrics.numTrades, 3);
  // drawdown: peak 121, then 108.9
  assert.ok(Math.abs(s.metrics.maxDrawdown - 0.1) < 1e-12);
  // efficiency: mean test objective (1 − 0.5) / 2 = 0.25 (NaN left out) over mean train 2
  assert.ok(Math.abs(s.efficiency - 0.25 / 2) < 1e-12);
  assert.deepEqual(s.stability.fast, {
    mode: 5,
    modeCount: 2,
    modeShare: 2 / 3,
    distinct: 2,
    mean: 20 / 3,
    std: Math.sqrt(((5 - 20 / 3) ** 2 * 2 + (10 - 20 / 3) ** 2) / 2),
  });
  assert.equal(s.stability.slow.mode, 50);
});
