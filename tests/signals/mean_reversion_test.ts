/**
 * Mean reversion strategy on hand-built series. Lookback 3, thresholds VIX 25 / drawdown 10%,
 * exit below 5% drawdown or VIX 20, time stop after 3 bars. Bars are daily from 2024-01-01;
 * the decision at bar j happens at its close (the next day 00:00) and sees VIX dated <= day j.
 */
import assert from "node:assert/strict";
import { DAY_MS } from "../../lib/core/time.ts";
import { Market } from "../../lib/engine/market.ts";
import { dailyBars, dailyObs, day } from "./fixtures.ts";
import { evaluateStrategy } from "../../lib/signals/evaluation.ts";
import { meanReversion } from "../../strategies/mean_reversion.ts";

const params = {
  lookback_days: 3,
  exit: { drawdown_below: 0.05, vix_below: 20, max_holding_days: 3 },
  risk_management: { max_position_size: 1, stop_loss_pct: 0.08, take_profit_pct: 0.15 },
};

/** Evaluations at the close of each bar. */
function run(closes: number[], vix: number[], overrides: unknown = params) {
  const h = Market.fromData({
    interval: "1d",
    assets: ["bitcoin"],
    bars: { bitcoin: dailyBars("2024-01-01", closes) },
    macro: { VIX: dailyObs("2024-01-01", vix) },
  });
  const s = meanReversion.create(overrides);
  return closes.map((_, j) =>
    evaluateStrategy(s, h.contextAt(day("2024-01-01") + (j + 1) * DAY_MS))[0]
  );
}

Deno.test("mean_reversion buys a VIX spike with a deep drawdown, sized by VIX", () => {
  const e = run([100, 100, 100, 88, 85, 86], [15, 15, 15, 30, 40, 35]);
  assert.equal(e[2].fired, false);
  // bar 3: high max(100,100,88) = 100, drawdown 1 - 88/100 = 0.12 > 0.10, VIX 30 > 25
  const s3 = e[3].signal!;
  assert.equal(s3.direction, "long");
  assert.ok(Math.abs((e[3].inputs.drawdown as number) - 0.12) < 1e-12);
  assert.equal(e[3].inputs.vix, 30);
  // size 0.025 * min(30/25, 2) = 0.03; confidence 0.5 + 0.25*(5/25) + 0.25*(0.02/0.1) = 0.6
  assert.ok(Math.abs(s3.size - 0.03) < 1e-12);
  assert.ok(Math.abs(s3.confidence - 0.6) < 1e-12);
  assert.equal(s3.stopLoss, 0.08);
  // bar 4: drawdown 1 - 85/100 = 0.15, VIX 40: size 0.025 * 1.6 = 0.04,
  // confidence 0.5 + 0.25*(15/25) + 0.25*(0.05/0.1) = 0.775
  assert.ok(Math.abs(e[4].signal!.size - 0.04) < 1e-12);
  assert.ok(Math.abs(e[4].signal!.confidence - 0.775) < 1e-12);
  // bar 5: high max(88,85,86) = 88, drawdown 1 - 86/88 = 0.0227 < 0.05: recovered -> exit
  assert.equal(e[5].signal!.direction, "flat");
  assert.match(e[5].reason, /recovered/);
});

Deno.test("mean_reversion caps the VIX multiplier and the strategy's max position size", () => {
  // VIX 100 -> multiplier min(4, 2) = 2 -> 0.05; with max_position_size 0.04 -> 0.04
  const e = run([100, 100, 100, 80], [15, 15, 15, 100], {
    ...params,
    risk_management: { max_position_size: 0.04, stop_loss_pct: 0.08, take_profit_pct: 0.15 },
  });
  assert.equal(e[3].inputs.size_multiplier, 2);
  assert.equal(e[3].signal!.size, 0.04);
});

Deno.test("mean_reversion holds while no exit condition holds, then stops out on time", () => {
  const e = run([100, 100, 100, 88, 85, 80, 76, 72], [15, 15, 15, 30, 40, 24, 23, 22]);
  assert.equal(e[3].signal!.direction, "long");
  assert.equal(e[4].signal!.direction, "long");
  // bar 5: drawdown 1 - 80/88 = 0.091 (no entry, >= 0.05), VIX 24 >= 20: hold
  assert.equal(e[5].fired, false);
  assert.match(e[5].reason, /holding: 1 bar/);
  // bar 6: drawdown 1 - 76/85 = 0.106 but VIX 23 <= 25: no entry; 2 bars since entry: hold
  assert.equal(e[6].fired, false);
  // bar 7: 3 bars since the last entry (bar 4) = max_holding_days -> time stop
  assert.equal(e[7].signal!.direction, "flat");
  assert.match(e[7].reason, /time stop/);
});

Deno.test("mean_reversion exits when VIX normalises", () => {
  const e = run([100, 100, 100, 88, 85, 80], [15, 15, 15, 30, 40, 19]);
  // bar 5: drawdown 1 - 80/88 = 0.091 >= 0.05 but VIX 19 < 20
  assert.equal(e[5].signal!.direction, "flat");
  assert.match(e[5].reason, /VIX 19.00 normalised/);
});

Deno.test("mean_reversion decides at the close of day D with VIX of D, never of D+1", () => {
  // VIX jumps on day 4 only; the drawdown is there from day 3.
  const e = run([100, 100, 100, 88, 88], [15, 15, 15, 15, 30]);
  assert.equal(e[3].fired, false, "day 3 sees VIX 15 (day 4's 30 is published at day 5 00:00)");
  assert.equal(e[3].inputs.vix, 15);
  assert.equal(e[4].signal?.direction, "long");
});

Deno.test("mean_reversion explains why it did not fire", () => {
  const e = run([100, 100, 100, 99], [15, 15, 15, 30]);
  assert.equal(e[3].fired, false);
  assert.match(e[3].reason, /drawdown 1\.0% <= 10\.0%/);
  assert.equal(e[3].inputs.vix, 30);
  assert.match(run([100], [15])[0].reason, /insufficient bitcoin history: 1 of 3/);
});

Deno.test("mean_reversion defaults are the seed's", () => {
  const p = meanReversion.create().params as Record<string, unknown>;
  assert.equal(p.vix_spike_threshold, 25);
  assert.equal(p.drawdown_threshold, 0.1);
  assert.equal(p.lookback_days, 14);
  assert.equal(p.position_size, 0.025);
});

Deno.test("mean_reversion's rolling high spans exactly lookback_days closes, the current one included", () => {
  // lookback 3 at bar 3: closes [100, 95, 88] -> high 100 (the oldest in the window), drawdown
  // 0.12. A 4-close window would see 120 (drawdown 0.267); a 2-close window only 95 (0.074).
  const e = run([120, 100, 95, 88], [15, 15, 15, 30]);
  assert.ok(Math.abs((e[3].inputs.drawdown as number) - 0.12) < 1e-12);
  assert.equal(e[3].inputs.rolling_high, 100);
  assert.equal(e[3].signal?.direction, "long");
  // a new high at the current close: drawdown 0, no entry
  const up = run([100, 90, 80, 130], [15, 15, 15, 30]);
  assert.equal(up[3].inputs.drawdown, 0);
  assert.equal(up[3].fired, false);
});
