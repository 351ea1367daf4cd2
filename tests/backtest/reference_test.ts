/**
 * Cross-checks the engine against an independent, deliberately naive simulation of sma_cross on
 * one asset (plain means recomputed every bar, all-in at the next open, costs applied by hand).
 */
import assert from "node:assert/strict";
import { runBacktest } from "../../lib/engine/engine.ts";
import type { AssetSeries } from "../../lib/engine/feed.ts";
import { smaCross } from "../../strategies/sma_cross.ts";

const DAY = 86_400_000;

function walk(n: number, seed: number): AssetSeries {
  let x = seed >>> 0;
  const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
  const s = {
    asset: "x",
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let p = 100;
  for (let i = 0; i < n; i++) {
    const o = p * (1 + (rnd() - 0.5) * 0.01);
    p = o * (1 + (rnd() - 0.5) * 0.06);
    s.ts[i] = Date.UTC(2020, 0, 1) + i * DAY;
    s.open[i] = o;
    s.close[i] = p;
    s.high[i] = Math.max(o, p) * (1 + rnd() * 0.01);
    s.low[i] = Math.min(o, p) * (1 - rnd() * 0.01);
  }
  return s;
}

/** Naive simulation: returns the equity at every close and the number of round trips. */
function simulate(
  s: AssetSeries,
  o: { fast: number; slow: number; allowShort: boolean; rate: number; bps: number },
): { equity: number[]; trades: number } {
  const n = s.ts.length;
  const sma = (t: number, k: number) => {
    let sum = 0;
    for (let j = t - k + 1; j <= t; j++) sum += s.close[j];
    return sum / k;
  };
  let cash = 100_000, units = 0, trades = 0;
  let target: number | undefined; // +1, 0, -1 decided at the previous close
  const equity: number[] = [];
  const exit = (ref: number) => {
    if (units > 0) {
      const price = ref * (1 - o.bps / 1e4);
      cash += units * price - units * price * o.rate;
    } else if (units < 0) {
      const price = ref * (1 + o.bps / 1e4);
      cash -= -units * price + -units * price * o.rate;
    }
    if (units !== 0) trades++;
    units = 0;
  };
  for (let t = 0; t < n; t++) {
    if (target !== undefined) {
      const want = target;
      target = undefined;
      const cur = Math.sign(units);
      if (want !== cur) {
        exit(s.open[t]);
        if (want !== 0) {
          const price = s.open[t] * (1 + want * o.bps / 1e4);
          const u = cash / (price * (1 + o.rate));
          units = want * u;
          cash += want > 0 ? -(u * price + u * price * o.rate) : u * price - u * price * o.rate;
        }
      }
    }
    equity.push(cash + units * s.close[t]);
    if (t >= o.slow) {
      const f0 = sma(t - 1, o.fast), s0 = sma(t - 1, o.slow);
      const f1 = sma(t, o.fast), s1 = sma(t, o.slow);
      if (f0 < s0 && f1 > s1) target = 1;
      else if (f0 > s0 && f1 < s1) target = o.allowShort ? -1 : 0;
    }
  }
  exit(s.close[n - 1]);
  equity[n - 1] = cash;
  return { equity, trades };
}

Deno.test("the engine's sma_cross equity matches an independent naive simulation", () => {
  for (const seed of [1, 2, 3]) {
    for (const allowShort of [false, true]) {
      const s = walk(1500, seed);
      const o = { fast: 5, slow: 20, allowShort, rate: 0.001, bps: 5 };
      const ref = simulate(s, o);
      const r = runBacktest({
        series: [s],
        interval: "1d",
        strategies: [smaCross.create({ fast: o.fast, slow: o.slow, allow_short: o.allowShort })],
        capital: 100_000,
        commission: o.rate,
        slippageBps: o.bps,
      });
      const what = `seed ${seed} allowShort ${allowShort}`;
      assert.ok(ref.trades > 20, `${what}: the fixture trades (${ref.trades})`);
      assert.equal(r.trades.length, ref.trades, what);
      assert.equal(r.equity.equity.length, ref.equity.length);
      for (let i = 0; i < ref.equity.length; i++) {
        const a = r.equity.equity[i], b = ref.equity[i];
        assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${what}: bar ${i}: ${a} vs ${b}`);
      }
    }
  }
});
