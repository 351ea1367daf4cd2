/**
 * The lookahead check catches a deliberately leaky strategy and passes every shipped strategy
 * on a synthetic market with VIX stress episodes.
 */
import assert from "node:assert/strict";
import type { Signal } from "../../lib/core/signal.ts";
import type { Strategy } from "../../lib/core/strategy.ts";
import { DAY_MS } from "../../lib/core/time.ts";
import { syntheticMarket } from "./fixtures.ts";
import { Market, type MarketData } from "../../lib/engine/market.ts";
import {
  checkLookahead,
  engineRun,
  replaySignals,
  samplePoints,
} from "../../lib/signals/lookahead.ts";
import { createSignalPipeline } from "../../lib/signals/pipeline.ts";
import { STRATEGIES } from "../../strategies/mod.ts";

const ASSETS = ["bitcoin", "ethereum"];
const m = syntheticMarket({ start: "2021-01-04", days: 400, assets: ASSETS });
const data: MarketData = { interval: "1d", assets: ASSETS, bars: m.bars, macro: { VIX: m.vix } };
const market = Market.fromData(data);
const points = samplePoints(market.decisionTimes(), 12, 60);
const createStrategy = (name: string, overrides?: unknown) => STRATEGIES.create(name, overrides);

/**
 * A leaky strategy in the style of a vectorised backtest: it precomputes from the data it is
 * given, and goes long when the *next* close is higher.
 */
function leaky(m: Market): Strategy {
  const closes = m.seriesOf("bitcoin").close;
  return {
    name: "peek",
    params: {},
    warmup: 0,
    macroSeries: [],
    onBar(ctx): Signal[] {
      const i = ctx.bars("bitcoin").length - 1;
      const next = i + 1 < closes.length ? closes[i + 1] : closes[i];
      return [{
        ts: ctx.now,
        asset: "bitcoin",
        strategy: "peek",
        direction: next > closes[i] ? "long" : "flat",
        confidence: 1,
        size: 0.1,
        reason: "peeks",
      }];
    },
  };
}

Deno.test("samplePoints spreads deterministic points and skips the last time", () => {
  const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.deepEqual(samplePoints(times, 5), [1, 3, 5, 7, 9]);
  assert.deepEqual(samplePoints(times, 100, 8), [8, 9]);
});

Deno.test("the lookahead check catches a strategy that reads the next close", () => {
  const report = checkLookahead({ market, points, run: (m) => replaySignals(m, [leaky(m)]) });
  assert.equal(report.ok, false);
  // at each point the truncated run cannot know the next close, so some point must differ
  assert.ok(report.differences.length > 0);
  for (const d of report.differences) {
    assert.equal(d.ts, d.point, "only the signal at the truncation point can differ");
    assert.deepEqual(d.fields, ["direction"]);
  }
});

Deno.test("the lookahead check catches macro data used before its publication", () => {
  // A feed bug: VIX dated D visible at D 00:00 (publication lag 0), while truncation keeps the
  // declared rule (next UTC midnight).
  const run = (m: Market) => {
    const s = createStrategy("mean_reversion", { lookback_days: 5 });
    const early = m.macro.map((x) => ({ ...x, availableAt: x.ts }));
    const leakyFeed = new Market({ interval: m.interval, series: m.series, macro: early });
    return leakyFeed.decisionTimes().flatMap((t) => s.onBar(leakyFeed.contextAt(t)));
  };
  const dense = samplePoints(market.decisionTimes(), 200, 60);
  const report = checkLookahead({ market, points: dense, run });
  assert.equal(report.ok, false);
});

for (const name of STRATEGIES.names()) {
  Deno.test(`the lookahead check passes the shipped strategy ${name}`, () => {
    const report = checkLookahead({
      market,
      points,
      run: (m) => replaySignals(m, [createStrategy(name)]),
    });
    assert.ok(report.compared > 0 || name === "buy_hold", `${name} produced no signals`);
    assert.deepEqual(report.differences, []);
  });
}

Deno.test("shipped strategies fire on the synthetic market (the check compares real signals)", () => {
  const all = replaySignals(market, [
    createStrategy("vix_correlation"),
    createStrategy("mean_reversion"),
  ]);
  const kinds = new Set(all.map((s) => `${s.strategy}:${s.direction}`));
  assert.ok(kinds.has("vix_correlation:long"), [...kinds].join(","));
  assert.ok(kinds.has("mean_reversion:long"), [...kinds].join(","));
  assert.ok(all.every((s) => s.ts % DAY_MS === 0));
});

Deno.test("the engine-based check (backtest --check-lookahead) catches the leak and passes the aggregate", () => {
  const limits = {
    maxPositionSize: 0.1,
    maxDailyTrades: 10,
    maxPortfolioRisk: 0.5,
    defaultStopLoss: 0.05,
    defaultTakeProfit: 0.1,
  };
  const leak = checkLookahead({
    market,
    points,
    run: engineRun({ capital: 10_000, makeStrategies: (m) => [leaky(m)] }),
  });
  assert.equal(leak.ok, false);
  const shipped = checkLookahead({
    market,
    points,
    run: engineRun({
      capital: 10_000,
      makeStrategies: () => [createStrategy("vix_correlation"), createStrategy("mean_reversion")],
      makePipeline: () => createSignalPipeline({ limits }),
    }),
  });
  assert.ok(shipped.compared > 0);
  assert.deepEqual(shipped.differences, []);
});
