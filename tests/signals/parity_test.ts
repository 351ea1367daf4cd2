/**
 * Parity: the `signals` runner as of date D gives exactly the signals the backtest engine
 * produces at D's close, for the same data, and both equal an independent implementation of the
 * documented rules on the raw rows (`independent_rules.ts`, no mts code); and the aggregation +
 * risk pipeline runs as the engine's stage between signals and orders.
 */
import assert from "node:assert/strict";
import type { Signal } from "../../lib/core/signal.ts";
import { DAY_MS, isoDate } from "../../lib/core/time.ts";
import { runBacktest } from "../../lib/engine/engine.ts";
import { publicationTimes, seriesFromCandles } from "../../lib/engine/feed.ts";
import { runSignals } from "../../lib/services/signal_runner.ts";
import { createSignalPipeline } from "../../lib/signals/pipeline.ts";
import { STRATEGIES as REGISTRY } from "../../strategies/mod.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { syntheticMarket } from "./fixtures.ts";
import { expectedSignals, type RawMarket } from "./independent_rules.ts";

const ASSETS = ["bitcoin", "ethereum"];
const STRATEGIES = ["vix_correlation", "mean_reversion"];
const LIMITS = {
  maxPositionSize: 0.1,
  maxDailyTrades: 10,
  maxPortfolioRisk: 0.5,
  defaultStopLoss: 0.05,
  defaultTakeProfit: 0.1,
};
const m = syntheticMarket({ start: "2021-01-04", days: 500, assets: ASSETS, seed: 11 });
const raw: RawMarket = {
  closes: Object.fromEntries(
    ASSETS.map((a) => [a, new Map(m.bars[a].map((c) => [isoDate(c.ts), c.close]))]),
  ),
  vix: new Map(m.vix.map((o) => [isoDate(o.ts), o.value])),
};

function backtestSignals(pipeline?: ReturnType<typeof createSignalPipeline>) {
  const events: Signal[] = [];
  const result = runBacktest({
    series: ASSETS.map((a) => seriesFromCandles(a, m.bars[a])),
    interval: "1d",
    strategies: STRATEGIES.map((s) => REGISTRY.create(s)),
    capital: 10_000,
    macro: [{
      series: "VIX",
      ts: m.vix.map((o) => o.ts),
      value: m.vix.map((o) => o.value),
      availableAt: publicationTimes(m.vix.map((o) => o.ts)),
    }],
    pipeline,
    onEvent: (e) => {
      if (e.type === "signal") events.push(e.signal);
    },
  });
  return { events, result };
}

const key = (s: Signal) =>
  JSON.stringify([
    s.ts,
    s.asset,
    s.strategy,
    s.direction,
    s.size,
    s.confidence,
    s.stopLoss,
    s.takeProfit,
    s.inputs,
  ]);

Deno.test("the signals runner at D gives exactly the backtest's strategy signals at D", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    for (const a of ASSETS) {
      await store.upsertCandles({ source: "csv", asset: a, interval: "1d" }, m.bars[a]);
    }
    await store.upsertMacro("VIX", "cboe", m.vix, 0);
    const { events } = backtestSignals(); // no pipeline: engine signal events = strategy signals
    const start = m.bars.bitcoin[0].ts;
    let compared = 0;
    for (let d = start + 90 * DAY_MS; d < start + 499 * DAY_MS; d += 7 * DAY_MS) {
      const report = await runSignals(store, {
        registry: REGISTRY,
        strategies: STRATEGIES,
        assets: ASSETS,
        at: d,
        wallClock: d + DAY_MS,
        limits: LIMITS,
        save: false,
        maxMacroAgeMs: 10 * DAY_MS,
      });
      const now = d + DAY_MS;
      const engineAtD = events.filter((s) => s.ts === now).map(key).sort();
      const runnerAtD = report.signals.map(key).sort();
      assert.deepEqual(runnerAtD, engineAtD, `signals at ${isoDate(d)}`);
      const want = expectedSignals(raw, ASSETS, isoDate(d));
      const id = (s: { asset: string; strategy: string }) => `${s.strategy}:${s.asset}`;
      assert.deepEqual(
        report.signals.map(id).sort(),
        want.map(id).sort(),
        `rules at ${isoDate(d)}`,
      );
      for (const w of want) {
        const g = report.signals.find((s) => id(s) === id(w))!;
        assert.equal(g.direction, w.direction, `${id(w)} at ${isoDate(d)}`);
        assert.ok(
          Math.abs(g.size - w.size) < 1e-12 && Math.abs(g.confidence - w.confidence) < 1e-9,
        );
        assert.equal(g.stopLoss, w.stopLoss);
      }
      compared += runnerAtD.length;
    }
    assert.ok(compared > 10, `only ${compared} signals compared`);
  } finally {
    store.close();
  }
});

Deno.test("the aggregation + risk pipeline is the engine's stage between signals and orders", () => {
  const pipeline = createSignalPipeline({ limits: LIMITS });
  const { events, result } = backtestSignals(pipeline);
  assert.ok(events.length > 0);
  assert.ok(events.every((s) => s.strategy === "aggregate"));
  assert.ok(
    events.every((s) => s.direction === "flat" || s.size <= LIMITS.maxPositionSize + 1e-12),
  );
  assert.ok(events.every((s) => s.direction === "flat" || s.stopLoss !== undefined));
  assert.ok(result.trades.length > 0, "the aggregate trades");
});
