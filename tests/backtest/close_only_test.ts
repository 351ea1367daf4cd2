/**
 * Close-only bars (CoinGecko snapshots): each bar opens at the previous close and spans open and
 * close, so a stop-loss crossed by the close-to-close move fills at its level instead of at the
 * next close (the cause of a −35% "worst trade" under a 5–8% stop on CoinGecko BTC data).
 */
import assert from "node:assert/strict";
import type { Candle } from "../../lib/core/candle.ts";
import type { Signal } from "../../lib/core/signal.ts";
import type { Strategy, StrategyContext } from "../../lib/core/strategy.ts";
import { runBacktest } from "../../lib/engine/engine.ts";
import { completeCloseOnly, seriesFromCandles } from "../../lib/engine/feed.ts";
import { Market } from "../../lib/engine/market.ts";
import { closeOnlyWarning } from "../../lib/services/run_data.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 2, 8);

const closeOnly = (closes: number[]): Candle[] =>
  closes.map((close, i) => ({
    ts: T0 + i * DAY,
    open: NaN,
    high: NaN,
    low: NaN,
    close,
    volume: 0,
  }));

Deno.test("a close-only bar opens at the previous close and spans open and close", () => {
  const out = completeCloseOnly(closeOnly([8041, 7921, 5142]));
  assert.deepEqual(out.candles.map((c) => [c.open, c.high, c.low, c.close]), [
    [8041, 8041, 8041, 8041], // first bar: nothing before it
    [8041, 8041, 7921, 7921],
    [7921, 7921, 5142, 5142],
  ]);
  assert.equal(out.completed, 3);
  const warning = closeOnlyWarning("bitcoin", "coingecko", out.completed, 3);
  assert.match(warning, /3 of 3 bars have only a close/);
  assert.match(warning, /previous close/);
});

Deno.test("full OHLC bars are left as they are", () => {
  const c: Candle = { ts: T0, open: 10, high: 12, low: 9, close: 11, volume: 1 };
  const out = completeCloseOnly([c]);
  assert.equal(out.candles[0], c);
  assert.equal(out.completed, 0);
});

Deno.test("every runner's market completes close-only bars the same way (signals too)", () => {
  // The signals task and the backtest both build their data through Market.fromData.
  const m = Market.fromData({
    interval: "1d",
    assets: ["bitcoin"],
    bars: { bitcoin: closeOnly([8041, 7921, 5142]) },
    macro: {},
  });
  assert.deepEqual(m.completedBars, { bitcoin: 3 });
  const bars = m.contextAt(T0 + 3 * DAY).bars("bitcoin");
  assert.deepEqual([bars.open(2), bars.high(2), bars.low(2), bars.close(2)], [
    7921,
    7921,
    5142,
    5142,
  ]);
});

Deno.test("on close-only bars a stop-loss crossed between two closes fills at its level", () => {
  // Closes 8041, 7921, 7906, 5142. Long decided at the first close: fills at bar 1's open =
  // 8041 (the deciding close). SL 8% → 8041 × 0.92 = 7397.72. Bar 2 spans 7921 → 7906: not
  // reached. Bar 3 spans 7906 → 5142: crosses 7397.72 → out at the level, −8%, not at 5142
  // (−36%), which is what open = high = low = close gave.
  const { candles } = completeCloseOnly(closeOnly([8041, 7921, 7906, 5142]));
  let done = false;
  const once: Strategy = {
    name: "once",
    params: {},
    warmup: 0,
    macroSeries: [],
    onBar(ctx: StrategyContext): readonly Signal[] {
      if (done) return [];
      done = true;
      return [{
        ts: ctx.now,
        asset: "bitcoin",
        direction: "long",
        confidence: 1,
        size: 1,
        strategy: "once",
        reason: "test",
        stopLoss: 0.08,
      }];
    },
  };
  const r = runBacktest({
    series: [seriesFromCandles("bitcoin", candles)],
    interval: "1d",
    strategies: [once],
    capital: 10_000,
  });
  assert.equal(r.trades.length, 1);
  const t = r.trades[0];
  assert.equal(t.entryPrice, 8041);
  assert.equal(t.exitReason, "stop_loss");
  assert.ok(Math.abs(t.exitPrice - 7397.72) < 1e-9, `exit ${t.exitPrice}`);
  assert.ok(Math.abs(t.returnPct + 0.08) < 1e-9, `return ${t.returnPct}`);
});
