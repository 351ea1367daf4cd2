/**
 * The sample market's promised properties, each checked by an independent computation on the
 * generated data (not on the generator's internal regime schedule).
 */
import assert from "node:assert/strict";
import { candleProblem } from "../core/candle.ts";
import { generateSampleMarket, SAMPLE_ASSETS } from "./market.ts";

const DAY = 86_400_000;
const market = generateSampleMarket();

Deno.test("the sample market is deterministic for a seed and differs between seeds", () => {
  const again = generateSampleMarket({ seed: 42 });
  assert.deepEqual(again, market);
  const other = generateSampleMarket({ seed: 43 });
  assert.notDeepEqual(
    other.candles.bitcoin.map((c) => c.close),
    market.candles.bitcoin.map((c) => c.close),
  );
});

Deno.test("by default it covers 2019-01-01..2024-12-31 daily for three assets, labelled as generated", () => {
  assert.match(market.label, /generated sample data/);
  assert.deepEqual(Object.keys(market.candles), ["bitcoin", "ethereum", "binancecoin"]);
  const days = (Date.UTC(2024, 11, 31) - Date.UTC(2019, 0, 1)) / DAY + 1;
  for (const a of SAMPLE_ASSETS) {
    const cs = market.candles[a];
    assert.equal(cs.length, days, a);
    assert.equal(cs[0].ts, Date.UTC(2019, 0, 1));
    assert.ok(
      cs.every((c, i) => i === 0 || c.ts - cs[i - 1].ts === DAY),
      `${a} has one bar per day`,
    );
  }
});

Deno.test("every candle is consistent OHLC with positive volume and market cap", () => {
  for (const a of SAMPLE_ASSETS) {
    for (const c of market.candles[a]) {
      assert.equal(candleProblem(c), undefined, `${a} ${new Date(c.ts).toISOString()}`);
      assert.ok(c.volume > 0 && c.marketCap! > 0);
    }
    // open = previous close: a continuous 24/7 market
    const cs = market.candles[a];
    assert.ok(cs.every((c, i) => i === 0 || c.open === cs[i - 1].close));
  }
});

Deno.test("VIX and DXY are published on weekdays only, at realistic levels", () => {
  for (const s of ["VIX", "DXY"] as const) {
    const obs = market.macro[s];
    assert.ok(obs.every((o) => ![0, 6].includes(new Date(o.ts).getUTCDay())), `${s} weekdays only`);
    let weekdays = 0;
    for (let t = Date.UTC(2019, 0, 1); t <= Date.UTC(2024, 11, 31); t += DAY) {
      if (![0, 6].includes(new Date(t).getUTCDay())) weekdays++;
    }
    assert.equal(obs.length, weekdays);
  }
  const vix = market.macro.VIX.map((o) => o.value);
  assert.ok(Math.min(...vix) >= 9 && Math.max(...vix) <= 85);
  const median = [...vix].sort((a, b) => a - b)[vix.length >> 1];
  assert.ok(median > 12 && median < 25, `VIX median ${median}`);
  const dxy = market.macro.DXY.map((o) => o.value);
  assert.ok(Math.min(...dxy) > 80 && Math.max(...dxy) < 125);
  const btc = market.candles.bitcoin;
  assert.ok(btc[0].close > 2_000 && btc[0].close < 6_000, `bitcoin starts near 2019 levels`);
  assert.ok(btc[btc.length - 1].close > 40_000 && btc[btc.length - 1].close < 200_000);
});

/** Weekdays on which VIX > 25 while the asset is more than 10% below its highest close of 14 days. */
function stressDays(asset: string): number[] {
  const cs = market.candles[asset];
  const index = new Map(cs.map((c, i) => [c.ts, i]));
  const out: number[] = [];
  for (const o of market.macro.VIX) {
    if (o.value <= 25) continue;
    const i = index.get(o.ts)!;
    let high = 0;
    for (let k = Math.max(0, i - 13); k <= i; k++) high = Math.max(high, cs[k].close);
    if (cs[i].close < 0.9 * high) out.push(o.ts);
  }
  return out;
}

/** Separate episodes: stress days more than 30 days apart start a new one. */
function episodes(days: number[]): number {
  return days.filter((t, i) => i === 0 || t - days[i - 1] > 30 * DAY).length;
}

Deno.test("stress episodes: VIX above 25 while crypto is down more than 10% from its 14-day high", () => {
  for (const a of SAMPLE_ASSETS) {
    const days = stressDays(a);
    assert.ok(episodes(days) >= 5, `${a}: ${episodes(days)} stress episodes`);
  }
  // and calm times exist too: most weekdays have VIX under 25
  const calm = market.macro.VIX.filter((o) => o.value < 25).length;
  assert.ok(calm > market.macro.VIX.length / 2);
});

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** 30-observation correlations of the asset's log returns and VIX log changes, on VIX dates. */
function rollingCorrelations(asset: string): number[] {
  const close = new Map(market.candles[asset].map((c) => [c.ts, c.close]));
  const vix = market.macro.VIX;
  const rc: number[] = [], rv: number[] = [];
  for (let i = 1; i < vix.length; i++) {
    rc.push(Math.log(close.get(vix[i].ts)! / close.get(vix[i - 1].ts)!));
    rv.push(Math.log(vix[i].value / vix[i - 1].value));
  }
  const out: number[] = [];
  for (let i = 30; i <= rc.length; i++) out.push(pearson(rc.slice(i - 30, i), rv.slice(i - 30, i)));
  return out;
}

Deno.test("there are stretches of strongly negative and strongly positive VIX–crypto correlation", () => {
  for (const a of SAMPLE_ASSETS) {
    const corr = rollingCorrelations(a);
    const neg = corr.filter((r) => r < -0.6).length, pos = corr.filter((r) => r > 0.6).length;
    assert.ok(neg >= 60, `${a}: ${neg} windows below -0.6`);
    assert.ok(pos >= 60, `${a}: ${pos} windows above 0.6`);
    // …and the relationship is not one-sided: plenty of windows in between
    assert.ok(corr.filter((r) => Math.abs(r) < 0.5).length > corr.length / 4);
  }
});

Deno.test("other seeds keep the properties (stress, both correlation signs)", () => {
  for (const seed of [1, 2, 3]) {
    const m = generateSampleMarket({ seed, start: "2021-01-01", end: "2022-12-31" });
    const vix = m.macro.VIX;
    const btc = new Map(m.candles.bitcoin.map((c) => [c.ts, c.close]));
    const rc: number[] = [], rv: number[] = [];
    for (let i = 1; i < vix.length; i++) {
      rc.push(Math.log(btc.get(vix[i].ts)! / btc.get(vix[i - 1].ts)!));
      rv.push(Math.log(vix[i].value / vix[i - 1].value));
    }
    const corr: number[] = [];
    for (let i = 30; i <= rc.length; i++) {
      corr.push(pearson(rc.slice(i - 30, i), rv.slice(i - 30, i)));
    }
    assert.ok(corr.some((r) => r < -0.6) && corr.some((r) => r > 0.6), `seed ${seed}`);
    assert.ok(vix.some((o) => o.value > 25), `seed ${seed}`);
  }
});

Deno.test("invalid options are rejected before generating anything", () => {
  assert.throws(() => generateSampleMarket({ start: "2024-02-30" }), RangeError);
  assert.throws(() => generateSampleMarket({ start: "2024-02-01", end: "2024-01-01" }), RangeError);
  assert.throws(() => generateSampleMarket({ seed: 1.5 }), RangeError);
});
