import assert from "node:assert/strict";
import type { Signal } from "../lib/core/signal.ts";
import { runBacktest } from "../lib/engine/engine.ts";
import type { AssetSeries } from "../lib/engine/feed.ts";
import { STRATEGIES } from "./mod.ts";
import { smaCross } from "./sma_cross.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function closes(asset: string, cs: readonly number[]): AssetSeries {
  const f = (x: readonly number[]) => Float64Array.from(x);
  return {
    asset,
    ts: f(cs.map((_, i) => T0 + i * DAY)),
    open: f(cs),
    high: f(cs),
    low: f(cs),
    close: f(cs),
    volume: f(cs.map(() => 0)),
  };
}

/** Final signals of a run, as `index:direction` (index = bar at whose close it was decided). */
function signalsOf(
  series: AssetSeries[],
  params: { fast: number; slow: number; allow_short: boolean },
): string[] {
  const out: string[] = [];
  runBacktest({
    series,
    interval: "1d",
    strategies: [smaCross.create(params)],
    capital: 1000,
    onEvent: (e) => {
      if (e.type === "signal") {
        out.push(`${e.signal.asset}:${sigIndex(e.signal)}:${e.signal.direction}`);
      }
    },
  });
  return out;
}
const sigIndex = (s: Signal) => (s.ts - T0) / DAY - 1;

Deno.test("sma_cross signals only strict crosses of the plain means", () => {
  // fast = 2, slow = 3:
  // i      0   1   2     3     4    5    6      7      8
  // close 10  10  10    13     7    7   12      5      3
  // SMA2   -  10  10  11.5    10    7  9.5    8.5      4
  // SMA3   -   -  10    11    10    9  8.667  8  6.667
  // diff           0  +0.5     0   -2  +0.83 +0.5  -2.67
  // i=3: previous diff is 0, not < 0 -> no cross; i=4,5: touch 0 / from 0 -> no cross
  // i=6: -2 -> +0.83: cross up; i=8: +0.5 -> -2.67: cross down
  const s = [closes("x", [10, 10, 10, 13, 7, 7, 12, 5, 3])];
  assert.deepEqual(signalsOf(s, { fast: 2, slow: 3, allow_short: false }), [
    "x:6:long",
    "x:8:flat",
  ]);
  assert.deepEqual(signalsOf(s, { fast: 2, slow: 3, allow_short: true }), [
    "x:6:long",
    "x:8:short",
  ]);
});

Deno.test("sma_cross goes long with all equity and, with allow_short, short with all of it", () => {
  const s = STRATEGIES.create("SmaCrossStrategy", { fast: 2, slow: 3, allow_short: true });
  const r = runBacktest({
    series: [closes("x", [10, 10, 10, 13, 7, 7, 12, 5, 3, 3])],
    interval: "1d",
    strategies: [s],
    capital: 1000,
    fill: "close",
  });
  // long at close 12 (83.33 units), out at close 3 and short with everything left
  assert.equal(r.fills[0].price, 12);
  assert.ok(Math.abs(r.fills[0].qty - 1000 / 12) < 1e-9);
  assert.equal(r.fills[1].role, "exit");
  assert.equal(r.fills[2].side, "sell");
  assert.ok(Math.abs(r.fills[2].qty - (1000 / 12) * 3 / 3) < 1e-9);
});

/** Independent reference: plain means summed in order at every bar. */
function reference(cs: readonly number[], fast: number, slow: number): string[] {
  const mean = (end: number, n: number) => {
    let s = 0;
    for (let j = end - n + 1; j <= end; j++) s += cs[j];
    return s / n;
  };
  const out: string[] = [];
  for (let t = slow; t < cs.length; t++) {
    const f0 = mean(t - 1, fast), s0 = mean(t - 1, slow), f1 = mean(t, fast), s1 = mean(t, slow);
    if (f0 < s0 && f1 > s1) out.push(`y:${t}:long`);
    else if (f0 > s0 && f1 < s1) out.push(`y:${t}:flat`);
  }
  return out;
}

Deno.test("sma_cross decisions equal the plain definition over a long series with many ties", () => {
  // Prices on a coarse grid make equal means common, which is where rounding could flip a sign.
  let x = 12345;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cs: number[] = [];
  let p = 1000;
  for (let i = 0; i < 20_000; i++) {
    p = Math.max(0.1, p + Math.round((rnd() - 0.5) * 4) * 0.1);
    cs.push(Math.round(p * 10) / 10);
  }
  for (const [fast, slow] of [[2, 3], [3, 7], [10, 30]]) {
    const got = signalsOf([closes("y", cs)], { fast, slow, allow_short: false });
    assert.deepEqual(got, reference(cs, fast, slow), `fast ${fast} slow ${slow}`);
  }
});

Deno.test("sma_cross called once with a whole history still sees the last cross", () => {
  // The signals task calls onBar once with everything up to now.
  const s = smaCross.create({ fast: 2, slow: 3, allow_short: false });
  const series = closes("x", [10, 10, 10, 13, 7, 7, 12]);
  const out: Signal[] = [];
  runBacktest({
    series: [series],
    interval: "1d",
    strategies: [{
      name: "once",
      params: {},
      warmup: 0,
      macroSeries: [],
      onBar(ctx) {
        if (ctx.bars("x").length === 7) out.push(...s.onBar(ctx));
        return [];
      },
    }],
    capital: 1,
  });
  assert.equal(out.length, 1);
  assert.equal(out[0].direction, "long");
});

Deno.test("two sma_cross runs side by side keep their own state; inputs are the plain means bit for bit", () => {
  // Every run is an instance of one class: interleaving two must not mix their means.
  let x = 777;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cs: number[] = [];
  let p = 500;
  for (let i = 0; i < 6_000; i++) {
    p = Math.max(1, p * (1 + (rnd() - 0.5) * 0.04));
    cs.push(p);
  }
  const plain = (end: number, n: number) => {
    let s = 0;
    for (let j = end - n + 1; j <= end; j++) s += cs[j];
    return s / n;
  };
  const runs = [{ fast: 3, slow: 7 }, { fast: 10, slow: 30 }].map((q) => ({
    ...q,
    s: smaCross.create({ ...q, allow_short: false }),
    got: [] as string[],
    inputs: [] as [number, number, number][],
  }));
  runBacktest({
    series: [closes("y", cs)],
    interval: "1d",
    strategies: [{
      name: "both",
      params: {},
      warmup: 0,
      macroSeries: [],
      onBar(ctx) {
        for (const r of runs) {
          for (const sig of r.s.onBar(ctx)) {
            const t = sigIndex(sig);
            r.got.push(`${sig.asset}:${t}:${sig.direction}`);
            r.inputs.push([t, sig.inputs!.sma_fast as number, sig.inputs!.sma_slow as number]);
          }
        }
        return [];
      },
    }],
    capital: 1,
  });
  for (const r of runs) {
    assert.deepEqual(r.got, reference(cs, r.fast, r.slow), `fast ${r.fast} slow ${r.slow}`);
    assert.ok(r.inputs.length > 50, `fast ${r.fast} slow ${r.slow}: the fixture crosses often`);
    for (const [t, f, s] of r.inputs) {
      assert.ok(Object.is(f, plain(t, r.fast)) && Object.is(s, plain(t, r.slow)), `bar ${t}`);
    }
  }
});
