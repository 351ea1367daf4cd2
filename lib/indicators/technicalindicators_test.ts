/**
 * Cross-check with the `technicalindicators` npm package. It agrees with our EMA, Bollinger
 * Bands and ATR to rounding error, and with our SMA on well-scaled data; it does NOT agree on
 * two points, which is why mts computes every indicator itself:
 * - its SMA keeps a running sum, so a window that follows much larger values drifts;
 * - its RSI is rounded to two decimals.
 */
import assert from "node:assert/strict";
import * as ti from "technicalindicators";
import { atr, bollinger, ema, rsi, sma } from "./mod.ts";

/** A deterministic random walk spanning about two orders of magnitude. */
function walk(n: number) {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const close: number[] = [], high: number[] = [], low: number[] = [];
  let x = 0.07;
  for (let i = 0; i < n; i++) {
    x *= Math.exp((rnd() - 0.48) * 0.15);
    close.push(x);
    high.push(x * (1 + rnd() * 0.05));
    low.push(x * (1 - rnd() * 0.05));
  }
  return { close, high, low };
}

/** Largest relative difference, aligning their output (full windows only) with our tail. */
function maxRelDiff(ours: Float64Array, theirs: readonly number[]): number {
  const off = ours.length - theirs.length;
  let worst = 0;
  for (let i = 0; i < theirs.length; i++) {
    const a = ours[i + off];
    worst = Math.max(worst, Math.abs(a - theirs[i]) / Math.abs(a));
  }
  return worst;
}

const { close, high, low } = walk(400);

Deno.test("technicalindicators agrees with our EMA, Bollinger Bands and ATR", () => {
  assert.ok(maxRelDiff(ema(close, 20), ti.EMA.calculate({ period: 20, values: close })) < 1e-12);
  const ours = bollinger(close, { period: 20, k: 2 });
  const theirs = ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: close });
  assert.ok(maxRelDiff(ours.upper, theirs.map((b) => b.upper)) < 1e-12);
  assert.ok(maxRelDiff(ours.lower, theirs.map((b) => b.lower)) < 1e-12);
  const a = ti.ATR.calculate({ period: 14, high, low, close });
  assert.ok(maxRelDiff(atr({ high, low, close }, 14), a) < 1e-12);
});

Deno.test("technicalindicators SMA drifts after large values; ours does not", () => {
  assert.ok(maxRelDiff(sma(close, 20), ti.SMA.calculate({ period: 20, values: close })) < 1e-12);
  const v = [...Array(50).fill(1e9), ...Array(50).fill(0.001)];
  const theirs = ti.SMA.calculate({ period: 10, values: v }).at(-1)!;
  const ours = sma(v, 10).at(-1)!;
  assert.ok(Math.abs(ours - 0.001) < 1e-15, `ours ${ours}`);
  assert.ok(Math.abs(theirs - 0.001) / 0.001 > 1e-6, `running-sum drift expected: ${theirs}`);
});

Deno.test("technicalindicators RSI is rounded to two decimals; ours is exact Wilder", () => {
  const theirs = ti.RSI.calculate({ period: 14, values: close });
  const ours = rsi(close, 14).slice(14);
  assert.equal(theirs.length, ours.length);
  for (let i = 0; i < ours.length; i++) {
    assert.equal(theirs[i], Math.round(ours[i] * 100) / 100, `RSI at ${i}`);
  }
  assert.ok(ours.some((v, i) => v !== theirs[i]), "ours keeps full precision");
});
