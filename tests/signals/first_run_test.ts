/**
 * `signals` for a first-time user: right after `demo` the data is the generated sample market,
 * which ends in the past. Without `--at` the runner evaluates at the sample's last day and says
 * so; on real data that is stale, the one-line error ends with the hint to use `--at`.
 */
import assert from "node:assert/strict";
import { DAY_MS, parseUtcDate } from "../../lib/core/time.ts";
import { loadSampleMarket } from "../../lib/services/sample_loader.ts";
import { runSignals } from "../../lib/services/signal_runner.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { STRATEGIES } from "../../strategies/mod.ts";
import { syntheticMarket } from "./fixtures.ts";
import { ROOT, taskEnv } from "./task_helpers.ts";

const LIMITS = {
  maxPositionSize: 0.1,
  maxDailyTrades: 10,
  maxPortfolioRisk: 0.5,
  defaultStopLoss: 0.05,
  defaultTakeProfit: 0.1,
};
const options = {
  registry: STRATEGIES,
  strategies: ["vix_correlation", "mean_reversion"],
  limits: LIMITS,
  save: false,
};

Deno.test("without --at, signals on the sample market decides at its last day and says so", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    await loadSampleMarket(store, { start: "2024-06-01", end: "2024-12-31" });
    const r = await runSignals(store, { ...options, wallClock: Date.UTC(2026, 1, 15, 9) });
    // the close of the bar dated 2024-12-31
    assert.equal(r.now, parseUtcDate("2025-01-01"));
    assert.match(r.note ?? "", /generated sample market, which ends 2024-12-31/);
    assert.match(r.note ?? "", /--at/);
    assert.deepEqual(r.assets, ["bitcoin", "ethereum", "binancecoin"]);
    assert.equal(r.evaluations.length, 2 * 3);
    assert.ok(r.data.every((d) => d.ok));
    // --at still means exactly that day
    const at = await runSignals(store, {
      ...options,
      at: parseUtcDate("2024-12-20"),
      wallClock: Date.UTC(2026, 1, 15),
    });
    assert.equal(at.now, parseUtcDate("2024-12-21"));
    assert.equal(at.note, undefined);
  } finally {
    store.close();
  }
});

Deno.test("stale real data fails in one line that ends with the hint to use --at", async () => {
  const m = syntheticMarket({ start: "2024-01-01", days: 200, assets: ["bitcoin"], seed: 5 });
  const store = SqliteStore.open(":memory:");
  try {
    await store.upsertCandles({ source: "csv", asset: "bitcoin", interval: "1d" }, m.bars.bitcoin);
    await store.upsertMacro("VIX", "cboe", m.vix, 0);
    await assert.rejects(
      () =>
        runSignals(store, {
          ...options,
          assets: ["bitcoin"],
          wallClock: m.bars.bitcoin[199].ts + 400 * DAY_MS,
        }),
      (e: Error) => {
        assert.match(e.message, /bitcoin \(csv 1d\) is stale/);
        assert.match(e.message, /; to evaluate a past day, use --at YYYY-MM-DD$/);
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  } finally {
    store.close();
  }
});

Deno.test("first steps: demo, then signals gives a result; real bitcoin beside the sample is refused", async () => {
  const t = taskEnv();
  try {
    const demo = await t.run("demo", ["--json"]);
    assert.equal(demo.code, 0, demo.stderr);
    const r = await t.run("signals", ["--no-save"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Signals at 2025-01-01T00:00:00Z \(close of the 1d bar dated 2024-12-31\)/,
    );
    assert.match(
      r.stdout,
      /\nNote: the prices are the generated sample market, which ends 2024-12-31/,
    );
    assert.match(r.stdout, /\nData: bitcoin prices from sample \(generated\), .*VIX from sample/);
    const json = JSON.parse((await t.run("signals", ["--no-save", "--json"])).stdout);
    assert.equal(json.now, "2025-01-01T00:00:00Z");
    assert.ok(json.sources.every((s: { generated: boolean }) => s.generated));
    assert.match(json.note, /sample market/);

    // Import real bitcoin prices (a CoinGecko export) beside the sample: a backtest of bitcoin
    // and ethereum would mix real and generated prices and is refused, in one line.
    const rows = ["snapped_at,price,market_cap,total_volume"];
    for (let i = 1; i <= 365; i++) {
      const d = new Date(Date.UTC(2023, 0, 1) + i * DAY_MS).toISOString().slice(0, 10);
      rows.push(`${d} 00:00:00 UTC,${(20000 + 50 * i).toFixed(2)},0,0`);
    }
    Deno.writeTextFileSync(`${ROOT}${t.dir}/btc-usd-max.csv`, rows.join("\n") + "\n");
    const imp = await t.run("import", ["--file", `${t.dir}/btc-usd-max.csv`]);
    assert.equal(imp.code, 0, imp.stderr);
    const args = [
      "--symbols",
      "bitcoin",
      "ethereum",
      "--start",
      "2023-01-01",
      "--end",
      "2023-12-31",
    ];
    const refused = await t.run("backtest", args);
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, "");
    // (Deno's own warning about a missing .env file is not ours to count.)
    const lines = refused.stderr.trim().split("\n").filter((l) => !/^Warning .*--env-file/.test(l));
    assert.equal(lines.length, 1, refused.stderr);
    assert.match(
      lines[0],
      /^mts backtest: Cannot backtest: generated and real data mixed: ethereum prices from sample \(generated\); real: bitcoin prices from coingecko/,
    );
    const allowed = await t.run("backtest", [...args, "--allow-mixed-sources", "--no-save"]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stderr, /warning: generated and real data mixed/);
    assert.match(
      allowed.stdout,
      /\nData: bitcoin prices from coingecko, ethereum prices from sample \(generated\)\n/,
    );
  } finally {
    t.cleanup();
  }
});
