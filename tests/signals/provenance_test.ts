/**
 * Provenance: every result names the source of each series it used, and generated (sample) data
 * never mixes silently with real data — in backtests (database and CSV mode) and in `signals`.
 * The "real" series here are stored under real sources (`coingecko`, `cboe`, `csv`) beside the
 * generated sample market, as after `deno task demo` followed by `deno task import`.
 */
import assert from "node:assert/strict";
import type { Candle } from "../../lib/core/candle.ts";
import { DAY_MS, parseUtcDate } from "../../lib/core/time.ts";
import { runBacktestJob } from "../../lib/services/backtest_runner.ts";
import { loadSampleMarket } from "../../lib/services/sample_loader.ts";
import { runSignals } from "../../lib/services/signal_runner.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import type { Store } from "../../lib/storage/store.ts";
import { STRATEGIES } from "../../strategies/mod.ts";

const LIMITS = {
  maxPositionSize: 0.1,
  maxDailyTrades: 10,
  maxPortfolioRisk: 0.5,
  defaultStopLoss: 0.05,
  defaultTakeProfit: 0.1,
};
const START = "2023-01-01", END = "2023-06-30";

/** Close-only daily bars (as CoinGecko gives them) over the sample's range. */
function realBars(from: string, days: number, base: number): Candle[] {
  const t0 = parseUtcDate(from);
  return Array.from({ length: days }, (_, i) => ({
    ts: t0 + i * DAY_MS,
    open: NaN,
    high: NaN,
    low: NaN,
    close: base * (1 + 0.1 * Math.sin(i / 9)),
    volume: NaN,
  }));
}

/** The sample market plus, optionally, real bitcoin prices and a real VIX history. */
async function storeWith(real: { bitcoin?: boolean; vix?: boolean }): Promise<Store> {
  const store = SqliteStore.open(":memory:");
  await loadSampleMarket(store, { start: START, end: END });
  if (real.bitcoin) {
    await store.upsertCandles(
      { source: "coingecko", asset: "bitcoin", interval: "1d" },
      realBars(START, 181, 20_000),
    );
  }
  if (real.vix) {
    const vix = realBars(START, 181, 20).map((b) => ({ ts: b.ts, value: b.close }));
    await store.upsertMacro("VIX", "cboe", vix, 0);
  }
  return store;
}

const job = {
  registry: STRATEGIES,
  strategies: [{ name: "buy_hold" }],
  symbols: ["bitcoin", "ethereum"],
  capital: 1000,
};

Deno.test("backtest refuses real bitcoin beside generated ethereum, in one line naming both", async () => {
  const store = await storeWith({ bitcoin: true });
  try {
    await assert.rejects(
      () => runBacktestJob(job, { store: () => store }),
      (e: Error) => {
        assert.match(
          e.message,
          /^Cannot backtest: generated and real data mixed: ethereum prices from sample \(generated\); real: bitcoin prices from coingecko \(.*--allow-mixed-sources\)$/,
        );
        assert.ok(!e.message.includes("\n"), "one line");
        return true;
      },
    );
    assert.equal((await store.listBacktestRuns()).length, 0, "nothing stored");
  } finally {
    store.close();
  }
});

Deno.test("with allowMixedSources the run goes ahead, warns, and names every source", async () => {
  const store = await storeWith({ bitcoin: true });
  try {
    const files: Record<string, string> = {};
    const out = await runBacktestJob({ ...job, allowMixedSources: true, outDir: "x" }, {
      store: () => store,
      mkdir: () => Promise.resolve(),
      writeTextFile: (path, text) => Promise.resolve(void (files[path] = text)),
    });
    const expected = [
      { kind: "price", name: "bitcoin", source: "coingecko", generated: false },
      { kind: "price", name: "ethereum", source: "sample", generated: true },
    ];
    assert.deepEqual(out.sources, expected);
    assert.deepEqual(out.json.sources, expected);
    const warning = out.warnings.find((w) => /generated and real data mixed/.test(w));
    assert.ok(warning, out.warnings.join("\n"));
    assert.match(warning, /--allow-mixed-sources/);
    assert.ok(out.json.warnings.includes(warning));
    const written = JSON.parse(files["x/result.json"]);
    assert.deepEqual(written.sources, expected);
    assert.ok(written.warnings.includes(warning));
    // the stored run carries the sources of its series
    const [run] = await store.listBacktestRuns();
    assert.equal(run.id, out.runId);
    assert.deepEqual(run.params.sources, { bitcoin: "coingecko", ethereum: "sample" });
  } finally {
    store.close();
  }
});

Deno.test("naming the sample as the source reads both assets from it: nothing mixes", async () => {
  const store = await storeWith({ bitcoin: true });
  try {
    const out = await runBacktestJob({ ...job, source: "sample" }, { store: () => store });
    assert.deepEqual(out.sources.map((s) => [s.name, s.source, s.generated]), [
      ["bitcoin", "sample", true],
      ["ethereum", "sample", true],
    ]);
    assert.ok(!out.warnings.some((w) => /mixed/.test(w)));
  } finally {
    store.close();
  }
});

Deno.test("a macro series counts too: sample prices with a real VIX are refused", async () => {
  const store = await storeWith({ vix: true });
  const vixJob = { ...job, strategies: [{ name: "vix_correlation" }], symbols: ["bitcoin"] };
  try {
    await assert.rejects(
      () => runBacktestJob(vixJob, { store: () => store }),
      /generated and real data mixed: bitcoin prices from sample \(generated\); real: VIX from cboe/,
    );
    const out = await runBacktestJob({ ...vixJob, macroSource: "sample" }, { store: () => store });
    assert.deepEqual(out.json.sources, [
      { kind: "price", name: "bitcoin", source: "sample", generated: true },
      { kind: "macro", name: "VIX", source: "sample", generated: true },
    ]);
    assert.deepEqual(out.result.manifest.parameters.macroSources, { VIX: "sample" });
  } finally {
    store.close();
  }
});

Deno.test("backtest --data: a real CSV file beside the sample's VIX is refused", async () => {
  const store = await storeWith({});
  const rows = ["date,open,high,low,close,volume"];
  for (let i = 0; i < 60; i++) {
    const d = new Date(parseUtcDate(START) + i * DAY_MS).toISOString().slice(0, 10);
    rows.push(`${d},100,101,99,100,1`);
  }
  const deps = { store: () => store, readTextFile: () => Promise.resolve(rows.join("\n")) };
  const csvJob = {
    registry: STRATEGIES,
    strategies: [{ name: "vix_correlation" }],
    dataFile: "btc.csv",
    asset: "bitcoin",
    capital: 1000,
  };
  try {
    await assert.rejects(
      () => runBacktestJob(csvJob, deps),
      /generated and real data mixed: VIX from sample \(generated\); real: bitcoin prices from btc\.csv \(csv\)/,
    );
    const out = await runBacktestJob({ ...csvJob, allowMixedSources: true }, deps);
    assert.deepEqual(out.json.sources[0], {
      kind: "price",
      name: "bitcoin",
      source: "csv",
      generated: false,
      file: "btc.csv",
    });
  } finally {
    store.close();
  }
});

Deno.test("signals refuses a real VIX beside generated prices, and names every source", async () => {
  const store = await storeWith({ vix: true });
  const at = parseUtcDate("2023-06-01");
  const options = {
    registry: STRATEGIES,
    strategies: ["vix_correlation"],
    assets: ["bitcoin"],
    at,
    wallClock: at + DAY_MS,
    limits: LIMITS,
    save: false,
  };
  try {
    await assert.rejects(
      () => runSignals(store, options),
      /^DataError: Cannot run signals: generated and real data mixed: bitcoin prices from sample \(generated\); real: VIX from cboe/,
    );
    const mixed = await runSignals(store, { ...options, allowMixedSources: true });
    assert.deepEqual(mixed.sources.map((s) => [s.kind, s.name, s.source, s.generated]), [
      ["price", "bitcoin", "sample", true],
      ["macro", "VIX", "cboe", false],
    ]);
    assert.equal(mixed.warnings.length, 1);
    assert.match(mixed.warnings[0], /generated and real data mixed/);
    // the freshness table names the one source each series was read from
    assert.deepEqual(mixed.data.map((d) => [d.name, d.source]), [["bitcoin", "sample"], [
      "VIX",
      "cboe",
    ]]);
    const sample = await runSignals(store, { ...options, macroSource: "sample" });
    assert.deepEqual(sample.warnings, []);
    assert.ok(sample.sources.every((s) => s.generated));
  } finally {
    store.close();
  }
});
