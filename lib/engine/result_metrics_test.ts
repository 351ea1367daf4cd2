/**
 * Metrics of whole runs at their edges (docs/backtesting.md, "Metrics"): a trade with PnL exactly
 * 0, the equity curve's drawdown series on falling runs, and the risk-free rate in Sharpe and
 * Sortino. Every expected number is worked out by hand in the comments.
 */
import assert from "node:assert/strict";
import { bars, DAY, FLAT, near, type Row, run } from "../../tests/helpers/engine.ts";

const flatAt = (p: number): Row => [p, p, p, p];

Deno.test("a trade with PnL exactly 0 counts as a trade but not as a win", () => {
  // No costs. k=0 long → bar 1 opens 100: 1000 units. k=1 flat → sold at bar 2's open 100:
  // pnl = 1000 × (100 − 100) = 0. k=2 long → bar 3 opens 100: 1000 units. k=3 flat → sold at
  // bar 4's open 110: pnl = 1000 × 10 = 10000, returnPct 0.1.
  const s = bars("btc", [FLAT, FLAT, FLAT, [100, 110, 100, 110], flatAt(110)]);
  const r = run([s], {
    0: [{}],
    1: [{ direction: "flat", size: 0 }],
    2: [{}],
    3: [{ direction: "flat", size: 0 }],
  });
  assert.deepEqual(r.trades.map((t) => t.pnl), [0, 10_000]);
  assert.equal(r.trades[0].returnPct, 0);
  const m = r.metrics;
  assert.equal(m.numTrades, 2);
  assert.equal(m.winRate, 0.5, "wins are pnl > 0: the zero trade is not a win");
  assert.equal(m.profitFactor, Infinity, "10000 / 0: the zero trade adds to neither side");
  assert.equal(m.expectancy, 5_000, "(0 + 10000) / 2");
  near(m.avgTrade, 0.05, "(0 + 0.1) / 2");
  assert.equal(m.worstTrade, 0);

  // Only the zero trade: no win, no loss → win rate 0 and profit factor 0 / 0 = NaN.
  const only = run([bars("btc", [FLAT, FLAT, FLAT])], {
    0: [{}],
    1: [{ direction: "flat", size: 0 }],
  });
  assert.equal(only.metrics.numTrades, 1);
  assert.equal(only.metrics.winRate, 0);
  assert.ok(Number.isNaN(only.metrics.profitFactor), "profit factor 0 / 0 is NaN");
});

Deno.test("the equity curve's drawdown follows each fall from the running peak and tops at maxDrawdown", () => {
  // Long all equity at bar 1's open 100 (1000 units), no costs. Closes 110, 99, 121, 88, 99:
  // equity 100000 (bar 0), 110000, 99000, 121000, 88000, 99000.
  // Peaks: 100000, 110000, 110000, 121000, 121000, 121000 → drawdown 0, 0, 1 − 99/110 = 0.1,
  // 0, 1 − 88/121 = 3/11, 1 − 99/121 = 2/11. maxDrawdown = 3/11 = 0.272727…
  const s = bars("btc", [
    FLAT,
    [100, 110, 100, 110],
    [110, 110, 99, 99],
    [99, 121, 99, 121],
    [121, 121, 88, 88],
    [88, 99, 88, 99],
  ]);
  const r = run([s], { 0: [{}] });
  const expected = [0, 0, 0.1, 0, 3 / 11, 2 / 11];
  assert.equal(r.equity.drawdown.length, expected.length);
  expected.forEach((dd, k) => near(r.equity.drawdown[k], dd, `drawdown at bar ${k}`));
  near(Math.max(...r.equity.drawdown), r.metrics.maxDrawdown, "series peak = maxDrawdown");
  near(r.metrics.maxDrawdown, 3 / 11, "maxDrawdown");
  // Episodes: 0.1 (bar 1 → recovered at bar 3), 3/11 (bar 3 → never recovered).
  near(r.metrics.avgDrawdown, (0.1 + 3 / 11) / 2, "avgDrawdown");
  near(r.metrics.maxDrawdownDurationDays, 2, "bar 1 → bar 3 and bar 3 → bar 5 are 2 days each");
});

Deno.test("a run that falls from the start measures its drawdown from the starting capital", () => {
  // Fill at the close, 1% commission: k=0 buys at bar 0's close 100, u = 100000 / (100 × 1.01)
  // units, paying u × 1 in commission, so bar 0 already closes below the capital: equity
  // u × 100 = 100000 / 1.01. Closes 90, 80, 85 follow (left open at the end). The capital stays
  // the peak: drawdown 1 − u·p / 100000 = 1 − p / 101 → 1/101, 11/101, 21/101, 16/101;
  // maxDrawdown 21/101, never recovered, so it lasts from bar 0 to the last bar (3 days).
  const s = bars("btc", [FLAT, [100, 100, 90, 90], [90, 90, 80, 80], [80, 85, 80, 85]]);
  const r = run([s], { 0: [{}] }, { fill: "close", commission: 0.01, closeAtEnd: "none" });
  near(r.equity.equity[0], 100_000 / 1.01, "equity at bar 0 after the entry's commission");
  [1, 11, 21, 16].forEach((x, k) => near(r.equity.drawdown[k], x / 101, `drawdown at bar ${k}`));
  near(r.metrics.maxDrawdown, 21 / 101, "maxDrawdown");
  near(Math.max(...r.equity.drawdown), r.metrics.maxDrawdown, "series peak = maxDrawdown");
  near(r.metrics.maxDrawdownDurationDays, 3, "duration to the last point");
  assert.equal(r.equity.ts[3] - r.equity.ts[0], 3 * DAY);
});

Deno.test("the risk-free rate lowers Sharpe and Sortino by the per-period rate, worked by hand", () => {
  // Long 1000 units at 100, no costs; closes 103, 101.97, 107.0685, 108.139185 give per-bar
  // returns r = [0, 0.03, −0.01, 0.05, 0.01] (bar 0 is flat). P = 4 periods a year.
  const s = bars("btc", [
    FLAT,
    [100, 103, 100, 103],
    [103, 103, 101.97, 101.97],
    [101.97, 107.0685, 101.97, 107.0685],
    [107.0685, 108.139185, 107.0685, 108.139185],
  ]);
  const plan = { 0: [{}] };
  // Without a risk-free rate: mean 0.016; deviations −0.016, 0.014, −0.026, 0.034, −0.006;
  // Σ squares = 0.000256 + 0.000196 + 0.000676 + 0.001156 + 0.000036 = 0.00232; sample
  // variance 0.00232 / 4 = 0.00058. Sharpe = 0.016 / √0.00058 × √4 = 1.3287…
  // Downside: only −0.01 is negative → √(0.0001 / 5) = √0.00002; Sortino = 0.016 × 4 /
  // (√0.00002 × √4) = 7.1554…
  const base = run([s], plan, { periodsPerYear: 4 });
  near(base.metrics.sharpe, 0.016 / Math.sqrt(0.00058) * 2, "Sharpe without rf");
  near(base.metrics.sharpe, 1.328728, "Sharpe without rf, decimal", 1e-6);
  near(base.metrics.sortino, 0.016 * 4 / (Math.sqrt(0.00002) * 2), "Sortino without rf");
  near(base.metrics.sortino, 7.155418, "Sortino without rf, decimal", 1e-6);

  // Annual rf = 1.01⁴ − 1 = 0.04060401 → per period (1 + rf)^(1/4) − 1 = 0.01. Excess returns
  // [−0.01, 0.02, −0.02, 0.04, 0]: mean 0.006, same deviations → same std √0.00058.
  // Sharpe = 0.006 / √0.00058 × 2 = 0.4982…; downside: −0.01, −0.02 → √((0.0001 + 0.0004) / 5)
  // = 0.01; Sortino = 0.006 × 4 / (0.01 × 2) = 1.2.
  const rf = run([s], plan, { periodsPerYear: 4, riskFree: 1.01 ** 4 - 1 });
  near(rf.metrics.sharpe, 0.006 / Math.sqrt(0.00058) * 2, "Sharpe with rf");
  near(rf.metrics.sharpe, 0.498273, "Sharpe with rf, decimal", 1e-6);
  near(rf.metrics.sortino, 1.2, "Sortino with rf");
  // The risk-free rate touches only the two excess-return ratios.
  near(rf.metrics.annualVolatility, base.metrics.annualVolatility, "volatility unchanged");
  near(rf.metrics.annualReturn, base.metrics.annualReturn, "annual return unchanged");
});
