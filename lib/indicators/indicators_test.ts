/**
 * Indicators against values worked out by hand (the arithmetic is in the comments), plus a
 * cross-check with `technicalindicators` that documents where it agrees and where it does not.
 */
import assert from "node:assert/strict";
import {
  atr,
  bollinger,
  drawdownFromHigh,
  drawdownSeries,
  ema,
  logReturns,
  maxDrawdown,
  pearson,
  rollingCorrelation,
  rollingDrawdown,
  rollingVolatility,
  rsi,
  sma,
  trueRange,
} from "./mod.ts";

const assertEquals = (a: unknown, b: unknown, msg?: string) => assert.equal(a, b, msg);
const assertAlmostEquals = (a: number, b: number, eps: number, msg = "") =>
  assert.ok(Math.abs(a - b) <= eps, `${msg} expected ${b}, got ${a} (tolerance ${eps})`);

const close = (a: ArrayLike<number>, b: readonly number[], eps = 1e-12) => {
  assertEquals(a.length, b.length, "length");
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i])) assert(Number.isNaN(a[i]), `[${i}] expected NaN, got ${a[i]}`);
    else assertAlmostEquals(a[i], b[i], eps, `[${i}]`);
  }
};

Deno.test("sma averages each full window and is NaN before it", () => {
  // (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4
  close(sma([1, 2, 3, 4, 5], 3), [NaN, NaN, 2, 3, 4]);
});

Deno.test("sma stays exact on a series spanning many magnitudes (no running-sum drift)", () => {
  const v = [0.06, 1e5, 0.07, 1e5, 0.05, 0.08, 0.09];
  const out = sma(v, 2);
  // the last window holds only small prices: (0.08 + 0.09) / 2 = 0.085 exactly as summed
  assertEquals(out[6], (0.08 + 0.09) / 2);
  assertEquals(out[5], (0.05 + 0.08) / 2);
});

Deno.test("ema seeds with the SMA and then smooths with alpha = 2/(n+1)", () => {
  // alpha = 2/4 = 0.5; seed (2+4+6)/3 = 4; 0.5*8 + 0.5*4 = 6; 0.5*10 + 0.5*6 = 8
  close(ema([2, 4, 6, 8, 10], 3), [NaN, NaN, 4, 6, 8]);
});

Deno.test("rsi uses Wilder smoothing", () => {
  // changes +1, -0.5, +1, +0.5, -1
  // i=3: avgGain (1+0+1)/3 = 2/3, avgLoss 0.5/3 = 1/6, RS 4 -> 100 - 100/5 = 80
  // i=4: gain (2/3*2 + 0.5)/3 = 11/18, loss (1/6*2)/3 = 1/9, RS 5.5 -> 100 - 100/6.5
  // i=5: gain (11/18*2)/3 = 11/27, loss (1/9*2 + 1)/3 = 11/27, RS 1 -> 50
  close(rsi([10, 11, 10.5, 11.5, 12, 11], 3), [NaN, NaN, NaN, 80, 100 - 100 / 6.5, 50]);
});

Deno.test("rsi is 100 without losses and 50 on a flat series", () => {
  close(rsi([1, 2, 3, 4], 2), [NaN, NaN, 100, 100]);
  close(rsi([5, 5, 5, 5], 2), [NaN, NaN, 50, 50]);
});

Deno.test("bollinger bands use the population standard deviation", () => {
  // window [1,2,3]: mean 2, variance (1+0+1)/3 = 2/3; window [2,3,4]: mean 3, same variance
  const sd = Math.sqrt(2 / 3);
  const b = bollinger([1, 2, 3, 4], { period: 3, k: 2 });
  close(b.middle, [NaN, NaN, 2, 3]);
  close(b.upper, [NaN, NaN, 2 + 2 * sd, 3 + 2 * sd]);
  close(b.lower, [NaN, NaN, 2 - 2 * sd, 3 - 2 * sd]);
});

const HLC = {
  high: [10, 11, 12, 11.5, 13],
  low: [8, 9, 10.5, 9, 12],
  close: [9, 10, 11, 9.5, 12.5],
};

Deno.test("true range takes gaps from the previous close into account", () => {
  // i1: max(2, |11-9|, |9-9|) = 2; i2: max(1.5, |12-10|, |10.5-10|) = 2
  // i3: max(2.5, |11.5-11|, |9-11|) = 2.5; i4 gaps up: max(1, |13-9.5|, |12-9.5|) = 3.5
  close(trueRange(HLC), [2, 2, 2, 2.5, 3.5]);
});

Deno.test("atr starts with the mean true range and then smooths like Wilder", () => {
  // i2: (2+2)/2 = 2; i3: (2*1 + 2.5)/2 = 2.25; i4: (2.25*1 + 3.5)/2 = 2.875
  close(atr(HLC, 2), [NaN, NaN, 2, 2.25, 2.875]);
});

Deno.test("pearson correlation matches the textbook formula", () => {
  // x̄ = 3, ȳ = 4; dx = -2,-1,0,1,2; dy = -2,0,1,0,1; Σdxdy = 6, Σdx² = 10, Σdy² = 6
  assertAlmostEquals(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 6 / Math.sqrt(60), 1e-15);
  assertEquals(pearson([1, 2, 3], [3, 2, 1]), -1);
  assert(Number.isNaN(pearson([1, 2, 3], [7, 7, 7])), "constant side gives NaN");
  assert(Number.isNaN(pearson([1], [1])), "one point gives NaN");
});

Deno.test("rolling correlation covers each window ending at i", () => {
  const out = rollingCorrelation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5], 3);
  // [1,2,3] vs [2,4,5]: dx -1,0,1; dy -5/3,1/3,4/3 -> Σdxdy 3, Σdx² 2, Σdy² 42/9
  assertAlmostEquals(out[2], 3 / Math.sqrt(2 * 42 / 9), 1e-15);
  // [3,4,5] vs [5,4,5]: dx -1,0,1; dy 1/3,-2/3,1/3 -> Σdxdy 0
  assertAlmostEquals(out[4], 0, 1e-15);
  assert(Number.isNaN(out[1]));
});

Deno.test("drawdown is measured from the highest close of the lookback, current included", () => {
  const v = [100, 120, 90, 110, 80];
  // i2: max(100,120,90)=120 -> 1-90/120 = 0.25; i3: 1-110/120; i4: max(90,110,80)=110 -> 1-80/110
  close(rollingDrawdown(v, 3), [NaN, NaN, 0.25, 1 - 110 / 120, 1 - 80 / 110]);
  assertEquals(drawdownFromHigh([100, 120], 1, 2), 0, "a new high has no drawdown");
  assertAlmostEquals(maxDrawdown(v), 1 - 80 / 120, 1e-15);
  close(drawdownSeries(v), [0, 0, 0.25, 1 - 110 / 120, 1 - 80 / 120]);
});

Deno.test("log returns are aligned with prices", () => {
  close(logReturns([100, 110, 99]), [NaN, Math.log(1.1), Math.log(0.9)]);
  assert(Number.isNaN(logReturns([100, 0])[1]), "a zero price gives NaN");
});

Deno.test("rolling volatility annualises the sample standard deviation by sqrt(periods)", () => {
  // returns a = ln 1.1, b = ln 0.9, a: mean m = (2a+b)/3, a-m = (a-b)/3, b-m = -2(a-b)/3
  // sample variance = (2(a-b)²/9 + 4(a-b)²/9) / 2 = (a-b)²/3 -> sd = ln(11/9)/sqrt(3)
  const r = logReturns([100, 110, 99, 108.9]);
  const vol = rollingVolatility(r, 3, 365);
  close(vol, [NaN, NaN, NaN, Math.log(11 / 9) / Math.sqrt(3) * Math.sqrt(365)], 1e-12);
  const vol252 = rollingVolatility(r, 3, 252);
  assertAlmostEquals(vol252[3], Math.log(11 / 9) / Math.sqrt(3) * Math.sqrt(252), 1e-12);
});

Deno.test("indicators reject a window that is not a positive integer", () => {
  let threw = 0;
  for (const f of [() => sma([1], 0), () => ema([1], 1.5), () => rollingVolatility([1], 1)]) {
    try {
      f();
    } catch (e) {
      if (e instanceof RangeError) threw++;
    }
  }
  assertEquals(threw, 3);
});
