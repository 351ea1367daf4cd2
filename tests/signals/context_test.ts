/** Point-in-time views: bars by close time, macro by publication time, truncation. */
import assert from "node:assert/strict";
import { DAY_MS, HOUR_MS } from "../../lib/core/time.ts";
import { dailyBars, day, obsOn } from "./fixtures.ts";
import { z } from "zod";
import type { Strategy } from "../../lib/core/strategy.ts";
import { runBacktest } from "../../lib/engine/engine.ts";
import { publicationTime } from "../../lib/engine/feed.ts";
import { Market } from "../../lib/engine/market.ts";
import { runSignals } from "../../lib/services/signal_runner.ts";
import { defineStrategy } from "../../lib/signals/define.ts";
import { notFired } from "../../lib/signals/evaluation.ts";
import { createRegistry } from "../../lib/signals/registry.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";

const history = (publication?: Record<string, { kind: "lag"; lagMs: number }>) =>
  Market.fromData({
    interval: "1d",
    assets: ["bitcoin"],
    bars: { bitcoin: dailyBars("2024-01-01", [10, 11, 12, 13]) },
    macro: { VIX: obsOn(["2024-01-01", "2024-01-02", "2024-01-03"], [20, 21, 22]) },
    publication,
  });

Deno.test("an observation dated D is published at D+1 00:00 UTC by default", () => {
  assert.equal(publicationTime(day("2024-01-02")), day("2024-01-03"));
  assert.equal(publicationTime(day("2024-01-02") + 15 * HOUR_MS), day("2024-01-03"));
  assert.equal(
    publicationTime(day("2024-01-02"), { kind: "lag", lagMs: 2 * DAY_MS }),
    day("2024-01-04"),
  );
});

Deno.test("a context at the close of day D sees bars up to D and VIX up to D", () => {
  const ctx = history().contextAt(day("2024-01-03")); // close of the bar dated Jan 2
  assert.equal(ctx.bars("bitcoin").length, 2);
  assert.equal(ctx.bars("bitcoin").close(-1), 11);
  const vix = ctx.macro("VIX")!;
  assert.equal(vix.length, 2);
  assert.equal(vix.value(-1), 21);
  assert.equal(vix.availableAt(-1), day("2024-01-03"));
  assert.throws(() => vix.value(2), RangeError, "reading past now throws");
  assert.throws(() => ctx.bars("bitcoin").close(2), RangeError);
  assert.equal(ctx.macro("DXY"), undefined);
  assert.throws(() => ctx.bars("dogecoin"), RangeError);
});

Deno.test("a configured publication lag delays a series", () => {
  const ctx = history({ VIX: { kind: "lag", lagMs: 2 * DAY_MS } }).contextAt(day("2024-01-03"));
  assert.equal(ctx.macro("VIX")!.length, 1);
});

Deno.test("a bar in progress is not visible", () => {
  const ctx = history().contextAt(day("2024-01-03") + 12 * HOUR_MS);
  assert.equal(ctx.bars("bitcoin").length, 2);
});

Deno.test("truncation keeps exactly what existed at the point", () => {
  const t = history().truncate(day("2024-01-03"));
  assert.equal(t.seriesOf("bitcoin").ts.length, 2);
  assert.equal(t.macroOf("VIX")!.ts.length, 2);
  assert.deepEqual(t.decisionTimes(), [day("2024-01-02"), day("2024-01-03")]);
});

Deno.test("market history rejects unsorted bars", () => {
  const bars = dailyBars("2024-01-01", [1, 2]).reverse();
  assert.throws(
    () => Market.fromData({ interval: "1d", assets: ["x"], bars: { x: bars }, macro: {} }),
    /strictly increasing/,
  );
});

/** A strategy that records what it sees at every decision: bars (OHLC) and macro per name. */
function recorder(seen: string[]): Strategy {
  return {
    name: "recorder",
    params: {},
    warmup: 0,
    macroSeries: ["VIX"],
    onBar(ctx) {
      for (const a of ctx.assets) {
        const b = ctx.bars(a);
        const last = b.length ? [b.ts(-1), b.open(-1), b.high(-1), b.low(-1), b.close(-1)] : [];
        seen.push(JSON.stringify([ctx.now, a, b.length, ...last]));
      }
      const v = ctx.macro("VIX");
      seen.push(JSON.stringify([ctx.now, "VIX", v?.length, v?.length ? v.value(-1) : null]));
      return [];
    },
  };
}

Deno.test("the engine and a single decision see the same data through the same feed", () => {
  // Close-only bars (as CoinGecko stores them) and a macro series with a 36 h publication lag.
  const closeOnly = (closes: number[]) =>
    closes.map((close, i) => ({
      ts: day("2024-01-01") + i * DAY_MS,
      open: NaN,
      high: NaN,
      low: NaN,
      close,
      volume: NaN,
    }));
  const market = Market.fromData({
    interval: "1d",
    assets: ["bitcoin", "ethereum"],
    bars: { bitcoin: closeOnly([10, 12, 9, 11, 13]), ethereum: dailyBars("2024-01-02", [5, 6, 7]) },
    macro: { VIX: obsOn(["2024-01-01", "2024-01-02", "2024-01-03"], [20, 21, 22]) },
    publication: { VIX: { kind: "lag", lagMs: 36 * HOUR_MS } },
  });
  const inEngine: string[] = [];
  runBacktest({
    series: market.series,
    interval: market.interval,
    macro: market.macro,
    strategies: [recorder(inEngine)],
    capital: 1,
  });
  const alone: string[] = [];
  const s = recorder(alone);
  for (const t of market.decisionTimes()) s.onBar(market.contextAt(t));
  assert.deepEqual(alone, inEngine);
  // Spot-check against the rules by hand: at the close of Jan 3 (Jan 4 00:00) bitcoin's bar of
  // Jan 3 opens at Jan 2's close 12 and spans 12..9; VIX of Jan 2 is public (Jan 3 12:00), Jan 3's
  // only at Jan 4 12:00.
  const jan4 = day("2024-01-04");
  assert.ok(
    inEngine.includes(JSON.stringify([jan4, "bitcoin", 3, day("2024-01-03"), 12, 12, 9, 9])),
  );
  assert.ok(inEngine.includes(JSON.stringify([jan4, "VIX", 2, 21])));
});

Deno.test("signals reads close-only bars completed exactly as the backtest does", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    const closes = [100, 90, 95];
    await store.upsertCandles(
      { source: "coingecko", asset: "bitcoin", interval: "1d" },
      closes.map((close, i) => ({
        ts: day("2024-01-01") + i * DAY_MS,
        open: NaN,
        high: NaN,
        low: NaN,
        close,
        volume: NaN,
      })),
    );
    const peek = defineStrategy({
      name: "peek_ohlc",
      className: "PeekOhlc",
      description: "reports the newest bar",
      schema: z.strictObject({}),
      defaults: {},
      make: (params) => ({
        name: "peek_ohlc",
        params,
        warmup: 1,
        macroSeries: [],
        onBar: () => [],
        evaluate: (ctx) =>
          ctx.assets.map((asset) => {
            const b = ctx.bars(asset);
            return notFired({ ts: ctx.now, asset, strategy: "peek_ohlc" }, "peek", {
              open: b.open(-1),
              high: b.high(-1),
              low: b.low(-1),
            });
          }),
      }),
    });
    const r = await runSignals(store, {
      registry: createRegistry([peek]),
      strategies: ["peek_ohlc"],
      assets: ["bitcoin"],
      at: day("2024-01-03"),
      wallClock: day("2024-01-04"),
      limits: {
        maxPositionSize: 0.1,
        maxDailyTrades: 10,
        maxPortfolioRisk: 0.5,
        defaultStopLoss: 0,
        defaultTakeProfit: 0,
      },
      save: false,
    });
    // The bar of Jan 3 opens at Jan 2's close (90) and spans 90..95.
    assert.deepEqual(r.evaluations[0].inputs, { open: 90, high: 95, low: 90 });
  } finally {
    store.close();
  }
});
