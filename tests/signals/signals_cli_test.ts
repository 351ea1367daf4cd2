/** The `signals` task's argument helpers and the runner's handling of default assets. */
import assert from "node:assert/strict";
import { DAY_MS } from "../../lib/core/time.ts";
import { runSignals } from "../../lib/services/signal_runner.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { parseParams } from "../../tasks/signals.ts";
import { durationFlag } from "../../lib/cli/flags.ts";
import { syntheticMarket } from "./fixtures.ts";

const LIMITS = {
  maxPositionSize: 0.1,
  maxDailyTrades: 10,
  maxPortfolioRisk: 0.5,
  defaultStopLoss: 0.05,
  defaultTakeProfit: 0.1,
};

Deno.test("durations: units, and a bare 0 (the documented default of --max-price-age)", () => {
  assert.equal(durationFlag("36h", "x"), 36 * 3_600_000);
  assert.equal(durationFlag("2d", "x"), 2 * DAY_MS);
  assert.equal(durationFlag("0", "x"), 0);
  assert.equal(durationFlag("0d", "x"), 0);
  assert.throws(
    () => durationFlag("5", "max-price-age"),
    /--max-price-age: expected a duration such as 36h/,
  );
  assert.throws(() => durationFlag("-1d", "x"), /duration/);
});

Deno.test("--params: keyed by any spelling of the strategy, or plain for a single strategy", () => {
  assert.deepEqual(
    parseParams('{"VixCorrelationStrategy": {"lookback_days": 20}}', [
      "vix_correlation",
      "mean_reversion",
    ]),
    { vix_correlation: { lookback_days: 20 } },
  );
  assert.deepEqual(parseParams('{"lookback_days": 20}', ["mean_reversion"]), {
    mean_reversion: { lookback_days: 20 },
  });
  assert.throws(
    () => parseParams('{"lookback_days": 20}', ["vix_correlation", "mean_reversion"]),
    /keyed by strategy name/,
  );
  assert.throws(
    () => parseParams('{"sma_cross": {}}', ["vix_correlation"]),
    /not among --strategies/,
  );
  assert.throws(() => parseParams("[1]", ["vix_correlation"]), /JSON object/);
});

Deno.test("default assets without stored prices are skipped and reported; named ones must exist", async () => {
  const m = syntheticMarket({ start: "2021-01-04", days: 200, assets: ["bitcoin"], seed: 3 });
  const store = SqliteStore.open(":memory:");
  try {
    await store.upsertCandles(
      { source: "sample", asset: "bitcoin", interval: "1d" },
      m.bars.bitcoin,
    );
    await store.upsertMacro("VIX", "cboe", m.vix, 0);
    const at = m.bars.bitcoin[150].ts;
    const base = {
      strategies: ["mean_reversion"],
      at,
      wallClock: at + DAY_MS,
      limits: LIMITS,
      save: false,
      maxMacroAgeMs: 10 * DAY_MS,
    };
    // mean_reversion.json lists bitcoin, ethereum, binancecoin: only bitcoin is stored
    const r = await runSignals(store, base);
    assert.deepEqual(r.assets, ["bitcoin"]);
    assert.deepEqual(r.skipped.map((x) => x.asset), ["ethereum", "binancecoin"]);
    assert.deepEqual(r.evaluations.map((e) => e.asset), ["bitcoin"]);
    // named with --assets: a missing one is an error
    await assert.rejects(
      () => runSignals(store, { ...base, assets: ["bitcoin", "ethereum"] }),
      /no 1d prices for ethereum/,
    );
    // no default asset stored at all: an error that says so
    await assert.rejects(
      () =>
        runSignals(store, {
          ...base,
          strategies: ["vix_correlation"],
          params: { vix_correlation: { assets: ["solana"] } },
        }),
      /no 1d prices stored for any of the default assets \(solana\)/,
    );
  } finally {
    store.close();
  }
});
