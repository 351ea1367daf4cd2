/**
 * VIX correlation strategy against correlations computed by hand in the test (not with the
 * library's `pearson`).
 */
import assert from "node:assert/strict";
import { Market } from "../../lib/engine/market.ts";
import { dailyBars, day, obsOn } from "./fixtures.ts";
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
