/**
 * VIX correlation strategy against correlations computed by hand in the test (not with the
 * library's `pearson`).
 */
import assert from "node:assert/strict";
import { Market } from "../../lib/engine/market.ts";
import { dailyBars, dailyObs, day, obsOn } from "./fixtures.ts";
import { evaluateStrategy } from "../../lib/signals/evaluation.ts";
import { vixCorrelation } from "../../strategies/vix_correlation.ts";

/** Textbook Pearson correlation, written out independently of lib/indicators. */
function r(x: number[], y: number[]): number {
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
const lr = (a: number[]) => a.slice(1).map((v, i) => Math.log(v / a[i]));

// 2024-01-01 is a Monday. VIX on weekdays only; BTC every day.
const VIX_DATES = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"];
const VIX = [20, 22, 21, 24, 23];
const BTC = [100, 95, 98, 90, 93, 94, 96]; // Jan 1 .. Jan 7
const params = {
  lookback_days: 4,
  risk_management: { max_position_size: 1, stop_loss_pct: 0.05, take_profit_pct: 0.1 },
};

function history(btc = dailyBars("2024-01-01", BTC)) {
  return Market.fromData({
    interval: "1d",
    assets: ["bitcoin"],
    bars: { bitcoin: btc },
    macro: { VIX: obsOn(VIX_DATES, VIX) },
  });
}

Deno.test("vix_correlation goes long when crypto returns correlate strongly negatively with VIX", () => {
  const expected = r(lr(BTC.slice(0, 5)), lr(VIX));
  assert.ok(expected < -0.6, `fixture must be strongly negative, got ${expected}`);
  const s = vixCorrelation.create(params);
  // --at 2024-01-05: the close of the bar dated Jan 5 = Jan 6 00:00; VIX of Jan 5 just published
  const [e] = evaluateStrategy(s, history().contextAt(day("2024-01-06")));
  assert.equal(e.fired, true, e.reason);
  assert.equal(e.signal!.direction, "long");
  assert.ok(Math.abs((e.inputs.correlation as number) - expected) < 1e-12);
  assert.equal(e.inputs.vix, 23);
  assert.equal(e.inputs.vix_date, "2024-01-05");
  assert.equal(e.inputs.window_start, "2024-01-01");
  // confidence = 0.5 + 0.5 * (strong_negative - r) / (1 + strong_negative), strong_negative = -0.6
  assert.ok(Math.abs(e.signal!.confidence - (0.5 + 0.5 * (-0.6 - expected) / 0.4)) < 1e-12);
  assert.equal(e.signal!.size, 0.02);
  assert.equal(e.signal!.stopLoss, 0.05);
  assert.equal(e.signal!.takeProfit, 0.1);
});

Deno.test("vix_correlation does not see the VIX close of the day it is evaluated in", () => {
  const s = vixCorrelation.create(params);
  // At Jan 5 00:00 (close of the Jan 4 bar) only 4 VIX closes are public: not enough for 4 intervals.
  const [e] = evaluateStrategy(s, history().contextAt(day("2024-01-05")));
  assert.equal(e.fired, false);
  assert.match(e.reason, /insufficient VIX history: 4 of 5/);
});

Deno.test("vix_correlation keeps the Friday window over the weekend", () => {
  const s = vixCorrelation.create(params);
  const fri = evaluateStrategy(s, history().contextAt(day("2024-01-06")))[0];
  const sun = evaluateStrategy(s, history().contextAt(day("2024-01-08")))[0];
  assert.equal(sun.inputs.correlation, fri.inputs.correlation);
  assert.equal(sun.inputs.price, 96, "price is the latest close, Sunday's");
});

Deno.test("vix_correlation goes short above strong_positive with the mirrored confidence", () => {
  const btc = [100, 104, 102, 110, 108];
  const expected = r(lr(btc), lr(VIX));
  assert.ok(expected > 0.6, `fixture must be strongly positive, got ${expected}`);
  const s = vixCorrelation.create(params);
  const [e] = evaluateStrategy(
    s,
    history(dailyBars("2024-01-01", btc)).contextAt(day("2024-01-06")),
  );
  assert.equal(e.signal!.direction, "short");
  assert.ok(Math.abs(e.signal!.confidence - (0.5 + 0.5 * (expected - 0.6) / 0.4)) < 1e-12);
});

Deno.test("vix_correlation exits when the correlation comes back inside the thresholds", () => {
  const dates = [...VIX_DATES, "2024-01-08"];
  const vix = [...VIX, 30];
  const btc = [100, 95, 98, 90, 93, 94, 96, 99]; // Jan 1 .. Jan 8: BTC rises with VIX on Jan 8
  const prev = r(lr(btc.slice(0, 5)), lr(vix.slice(0, 5)));
  const cur = r(lr([95, 98, 90, 93, 99]), lr(vix.slice(1)));
  assert.ok(prev < -0.6 && cur > -0.6 && cur < 0.6, `fixture: prev ${prev}, cur ${cur}`);
  const h = Market.fromData({
    interval: "1d",
    assets: ["bitcoin"],
    bars: { bitcoin: dailyBars("2024-01-01", btc) },
    macro: { VIX: obsOn(dates, vix) },
  });
  const [e] = evaluateStrategy(vixCorrelation.create(params), h.contextAt(day("2024-01-09")));
  assert.equal(e.signal?.direction, "flat", e.reason);
  assert.ok(Math.abs((e.inputs.correlation as number) - cur) < 1e-12);
  assert.ok(Math.abs((e.inputs.previous_correlation as number) - prev) < 1e-12);
});

Deno.test("vix_correlation reports a missing close on a VIX date instead of guessing", () => {
  const bars = dailyBars("2024-01-01", BTC).filter((b) => b.ts !== day("2024-01-03"));
  const [e] = evaluateStrategy(
    vixCorrelation.create(params),
    history(bars).contextAt(day("2024-01-06")),
  );
  assert.equal(e.fired, false);
  assert.equal(e.inputs.missing_date, "2024-01-03");
});

Deno.test("vix_correlation rejects bad parameters with the key path", () => {
  assert.throws(
    () => vixCorrelation.create({ correlation_thresholds: { strong_negative: 0.5 } }),
    /vix_correlation.*correlation_thresholds\.strong_negative/,
  );
  assert.throws(() => vixCorrelation.create({ lookbak_days: 3 }), /lookbak_days/);
});

Deno.test("vix_correlation defaults are the seed's", () => {
  const p = vixCorrelation.create().params as Record<string, unknown>;
  assert.deepEqual(p.correlation_thresholds, { strong_negative: -0.6, strong_positive: 0.6 });
  assert.equal(p.lookback_days, 30);
  assert.equal(p.position_size, 0.02);
});

/**
 * Closes and VIX values whose daily log changes are ln 2 times the integer steps `u` and `v`,
 * so the true correlation of the returns is exactly corr(u, v) (correlation ignores the scale).
 */
function powersOfTwo(u: number[], v: number[]) {
  const closes = [100], vix = [20];
  for (const k of u) closes.push(closes.at(-1)! * 2 ** k);
  for (const k of v) vix.push(vix.at(-1)! * 2 ** k);
  return { closes, vix };
}

/** corr(u, v)² and its sign, in exact integer arithmetic: [n²·Sxy² / (n²Sxx · n²Syy), sign]. */
function exactCorrelationSquared(u: number[], v: number[]): [number, number, number] {
  const n = u.length, su = u.reduce((a, b) => a + b), sv = v.reduce((a, b) => a + b);
  const du = u.map((x) => n * x - su), dv = v.map((x) => n * x - sv);
  const sxy = du.reduce((a, x, i) => a + x * dv[i], 0);
  const sxx = du.reduce((a, x) => a + x * x, 0), syy = dv.reduce((a, x) => a + x * x, 0);
  return [sxy * sxy, sxx * syy, Math.sign(sxy)];
}

for (
  const [threshold, u, v] of [
    [-0.6, [-2, -1, 1, 2], [2, -1, 1, -2]],
    [0.6, [-2, -1, 1, 2], [-2, 1, -1, 2]],
  ] as const
) {
  Deno.test(`vix_correlation: a correlation of exactly ${threshold} does not fire; beyond it does`, () => {
    // Independently: 25 Sxy² = 9 Sxx Syy with the threshold's sign, i.e. r = ±3/5 exactly.
    const [num, den, sign] = exactCorrelationSquared([...u], [...v]);
    assert.equal(25 * num, 9 * den);
    assert.equal(sign, Math.sign(threshold));
    const { closes, vix } = powersOfTwo([...u], [...v]);
    const h = Market.fromData({
      interval: "1d",
      assets: ["bitcoin"],
      bars: { bitcoin: dailyBars("2024-01-01", closes) },
      macro: { VIX: dailyObs("2024-01-01", vix) },
    });
    const ctx = h.contextAt(day("2024-01-06")); // all five closes and VIX values are visible
    const at = (thresholds: { strong_negative: number; strong_positive: number }) =>
      evaluateStrategy(
        vixCorrelation.create({ ...params, correlation_thresholds: thresholds }),
        ctx,
      )[0];
    const e = at({ strong_negative: -0.6, strong_positive: 0.6 });
    assert.ok(Math.abs((e.inputs.correlation as number) - threshold) < 1e-15);
    assert.equal(e.fired, false, `on the threshold: ${e.reason}`);
    assert.match(e.reason, /inside \[-0\.6, 0\.6\]/);
    // The same data with the threshold moved 1e-9 towards zero: now it is beyond, and fires.
    const inner = threshold < 0
      ? at({ strong_negative: -0.6 + 1e-9, strong_positive: 0.6 })
      : at({ strong_negative: -0.6, strong_positive: 0.6 - 1e-9 });
    assert.equal(inner.signal?.direction, threshold < 0 ? "long" : "short");
  });
}
