import assert from "node:assert/strict";
import type { Trade } from "../core/order.ts";
import {
  annualReturn,
  annualVolatility,
  calmarRatio,
  computeMetrics,
  maxDrawdown,
  sharpeRatio,
  sortinoRatio,
} from "./metrics.ts";

const close = (actual: number, expected: number, tol = 1e-9) =>
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `expected ${expected}, got ${actual}`,
  );

// r = [0.1, -0.05, 0.02, NaN, -0.01]; the NaN is ignored, so n = 4.
// mean = (0.1 - 0.05 + 0.02 - 0.01) / 4 = 0.06 / 4 = 0.015
// deviations 0.085, -0.065, 0.005, -0.025; squares 0.007225 + 0.004225 + 0.000025 + 0.000625
//   = 0.0121; sample variance = 0.0121 / 3; std = sqrt(0.0121 / 3) = 0.0635085...
const R = [0.1, -0.05, 0.02, NaN, -0.01];
const MEAN = 0.015;
const STD = Math.sqrt(0.0121 / 3);

Deno.test("sharpeRatio is mean / sample std times sqrt(periods), ignoring NaN", () => {
  close(sharpeRatio(R), MEAN / STD * Math.sqrt(365));
  close(sharpeRatio(R), 4.512379665756626); // numpy: r.mean() / r.std(ddof=1) * sqrt(365)
  close(sharpeRatio(R, { periodsPerYear: 252 }), MEAN / STD * Math.sqrt(252));
});

Deno.test("sharpeRatio subtracts the annual risk-free rate converted per period", () => {
  const rf = Math.pow(1.05, 1 / 365) - 1; // 5% a year, compounded per period
  close(sharpeRatio(R, { riskFree: 0.05 }), (MEAN - rf) / STD * Math.sqrt(365));
});

Deno.test("sortinoRatio divides by the root mean square of the negative returns over all periods", () => {
  // min(r, 0)^2 = 0, 0.0025, 0, 0.0001 -> mean over all 4 periods = 0.0026 / 4 = 0.00065
  const downside = Math.sqrt(0.00065);
  close(sortinoRatio(R), MEAN * 365 / (downside * Math.sqrt(365)));
  close(sortinoRatio(R), 11.24038050273005);
});

Deno.test("annualReturn compounds the returns to a year of periods", () => {
  // 1.1 * 0.95 * 1.02 * 0.99 = 1.045 * 1.02 * 0.99 = 1.0659 * 0.99 = 1.055241
  close(annualReturn(R), Math.pow(1.055241, 365 / 4) - 1);
  close(annualReturn(R, { periodsPerYear: 252 }), Math.pow(1.055241, 252 / 4) - 1);
});

Deno.test("annualVolatility is the sample std times sqrt(periods)", () => {
  close(annualVolatility(R), STD * Math.sqrt(365));
  close(annualVolatility(R, { periodsPerYear: 12 }), STD * Math.sqrt(12));
});

Deno.test("maxDrawdown is the deepest fall from a running peak, as a positive fraction", () => {
  // wealth 1.1, 1.045, 1.0659, 1.055241: peak 1.1, deepest point 1.045 -> 1 - 1.045 / 1.1 = 0.05
  close(maxDrawdown(R), 0.05);
  // a loss on the first period counts from the starting wealth 1
  close(maxDrawdown([-0.2, 0.1]), 0.2);
  assert.equal(maxDrawdown([0.01, 0.02]), 0);
});

Deno.test("calmarRatio is annual return over max drawdown", () => {
  close(calmarRatio(R), (Math.pow(1.055241, 365 / 4) - 1) / 0.05);
});

Deno.test("ratio functions return NaN when there is nothing to measure", () => {
  assert.ok(Number.isNaN(sharpeRatio([])));
  assert.ok(Number.isNaN(sharpeRatio([0.01])));
  assert.ok(Number.isNaN(annualReturn([NaN])));
  assert.ok(Number.isNaN(sharpeRatio([0, 0, 0])));
});

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function trade(pnl: number, returnPct: number, days: number): Trade {
  return {
    asset: "x",
    side: "long",
    entryTs: T0,
    entryPrice: 1,
    exitTs: T0 + days * DAY,
    exitPrice: 1,
    size: 1,
    pnl,
    returnPct,
    fees: 0,
    exitReason: "signal",
  };
}

Deno.test("computeMetrics derives returns, drawdowns and trade statistics from the run", () => {
  // capital 100, equity at four daily closes: 110, 99, 121, 121
  const m = computeMetrics({
    capital: 100,
    ts: [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY],
    equity: [110, 99, 121, 121],
    startTs: T0,
    endTs: T0 + 4 * DAY,
    trades: [trade(10, 0.1, 1), trade(-5, -0.05, 3), trade(20, 0.2, 2)],
    fees: 1.5,
    exposedBars: 3,
    buyHoldReturn: 0.3,
    periodsPerYear: 365,
  });
  // returns: 110/100-1 = 0.1, 99/110-1 = -0.1, 121/99-1 = 0.2222.., 121/121-1 = 0
  const r = [0.1, -0.1, 121 / 99 - 1, 0];
  close(m.totalReturn, 0.21);
  close(m.cagr, Math.pow(1.21, 1 / (4 / 365.25)) - 1);
  close(m.annualReturn, Math.pow(1.21, 365 / 4) - 1);
  close(m.sharpe, sharpeRatio(r));
  close(m.avgPeriodReturn, (0.1 - 0.1 + 121 / 99 - 1 + 0) / 4);
  // drawdown: peak 110 on day 0, 99 on day 1 (1 - 99/110 = 0.1), back above on day 2
  close(m.maxDrawdown, 0.1);
  close(m.avgDrawdown, 0.1);
  close(m.maxDrawdownDurationDays, 2);
  assert.equal(m.numTrades, 3);
  close(m.winRate, 2 / 3);
  close(m.bestTrade, 0.2);
  close(m.worstTrade, -0.05);
  close(m.avgTrade, (0.1 - 0.05 + 0.2) / 3);
  close(m.avgTradeDurationDays, 2);
  close(m.maxTradeDurationDays, 3);
  close(m.profitFactor, 30 / 5);
  close(m.expectancy, 25 / 3);
  // pnl mean 8.333..; deviations 1.667, -13.333, 11.667; sample var = (2.7778 + 177.7778 +
  // 136.1111) / 2 = 158.3333
  close(
    m.sqn,
    Math.sqrt(3) * (25 / 3) /
      Math.sqrt(((10 - 25 / 3) ** 2 + (-5 - 25 / 3) ** 2 + (20 - 25 / 3) ** 2) / 2),
  );
  close(m.sqn, 1.1470786693528088, 1e-6);
  close(m.exposure, 0.75);
  close(m.fees, 1.5);
  close(m.finalEquity, 121);
  close(m.peakEquity, 121);
  close(m.buyHoldReturn, 0.3);
});

Deno.test("computeMetrics counts an unrecovered drawdown up to the last point", () => {
  const m = computeMetrics({
    capital: 100,
    ts: [T0, T0 + DAY, T0 + 2 * DAY],
    equity: [90, 80, 95],
    startTs: T0,
    endTs: T0 + 3 * DAY,
    trades: [],
    fees: 0,
    exposedBars: 0,
    buyHoldReturn: 0,
    periodsPerYear: 365,
  });
  // the starting capital is the peak; never recovered: from day 0 to day 2
  close(m.maxDrawdown, 0.2);
  close(m.maxDrawdownDurationDays, 2);
  close(m.avgDrawdown, 0.2);
  assert.equal(m.numTrades, 0);
  assert.ok(Number.isNaN(m.winRate));
  assert.ok(Number.isNaN(m.profitFactor));
});

Deno.test("drawdown figures equal a plain computation without skipped divisions, on random curves", () => {
  const DAY = 86_400_000;
  let x = 97531;
  const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let c = 0; c < 60; c++) {
    const n = 50 + Math.floor(rnd() * 3000), capital = 1000;
    const ts: number[] = [], eq: number[] = [];
    let e = capital;
    // steps of several sizes, flat stretches (ties with the peak) and a few curves near zero
    const vol = [0.001, 0.02, 0.2][c % 3], drift = c % 7 === 0 ? -0.01 : 0;
    for (let i = 0; i < n; i++) {
      if (rnd() > 0.2) e *= 1 + drift + (rnd() - 0.5) * vol;
      ts.push(i * DAY);
      eq.push(e);
    }
    // the plain definitions: every division done
    let peak = capital, w = 1, wPeak = 1, mdd = 0, prev = capital, peakTs = ts[0];
    let inDd = false, depth = 0, sum = 0, count = 0, maxDur = 0, peakEquity = capital;
    for (let i = 0; i < n; i++) {
      w *= 1 + (eq[i] / prev - 1);
      prev = eq[i];
      if (w > wPeak) wPeak = w;
      mdd = Math.max(mdd, 1 - w / wPeak);
      if (eq[i] >= peak) {
        if (inDd) {
          maxDur = Math.max(maxDur, ts[i] - peakTs);
          sum += depth;
          count++;
          inDd = false;
          depth = 0;
        }
        peak = eq[i];
        peakTs = ts[i];
      } else {
        inDd = true;
        depth = Math.max(depth, 1 - eq[i] / peak);
      }
      peakEquity = Math.max(peakEquity, eq[i]);
    }
    if (inDd) {
      maxDur = Math.max(maxDur, ts[n - 1] - peakTs);
      sum += depth;
      count++;
    }
    const m = computeMetrics({
      capital,
      ts,
      equity: eq,
      startTs: 0,
      endTs: n * DAY,
      trades: [],
      fees: 0,
      exposedBars: n,
      buyHoldReturn: 0,
      periodsPerYear: 365,
    });
    const at = `curve ${c} (${n} points, vol ${vol})`;
    assert.ok(Object.is(m.maxDrawdown, mdd), `${at}: maxDrawdown ${m.maxDrawdown} vs ${mdd}`);
    assert.ok(Object.is(m.avgDrawdown, count > 0 ? sum / count : 0), `${at}: avgDrawdown`);
    assert.equal(m.maxDrawdownDurationDays, maxDur / DAY, `${at}: duration`);
    assert.equal(m.peakEquity, peakEquity, at);
  }
});
