import assert from "node:assert/strict";
import { resolveConfig } from "../config/config.ts";
import { SqliteStore } from "../storage/sqlite_store.ts";
import { DEMO_SECTIONS, type DemoSection, formatDemo, runDemo } from "./demo.ts";

const dataDir = await Deno.makeTempDir({ prefix: "mts-demo-" });
const config = resolveConfig({ DATA_DIR: dataDir });

Deno.test("the demo loads the sample market and describes it, labelled as generated", async () => {
  const store = SqliteStore.open(":memory:");
  const report = await runDemo(store, config, { days: 5 });
  assert.match(report.label, /generated sample data/);
  assert.equal(report.sample.inserted, 3 * 2192 + 2 * 1566);
  assert.deepEqual(report.sections.map((s) => s.id), [
    "data",
    "recent",
    "quality",
    "signals",
    "backtests",
  ]);
  const data = report.sections[0].data as {
    candles: { asset: string; rows: number; lastClose: number }[];
  };
  assert.deepEqual(data.candles.map((c) => [c.asset, c.rows]), [
    ["binancecoin", 2192],
    ["bitcoin", 2192],
    ["ethereum", 2192],
  ]);
  const btc = await store.getCandles({ source: "sample", asset: "bitcoin", interval: "1d" });
  assert.equal(data.candles[1].lastClose, btc[btc.length - 1].close);
  const recent = report.sections[1].data as { rows: unknown[] };
  assert.equal(recent.rows.length, 5);
  const text = formatDemo(report);
  assert.match(text, /^mts demo — generated sample data/);
  assert.match(text, /sample \(generated sample data\)/);
  assert.match(text, /== Data-quality issues ==\nnone recorded/);

  // Signals: every enabled strategy evaluated every sample asset, fired or not, with inputs.
  const signals = report.sections[3].data as {
    at: string;
    evaluations: { strategy: string; asset: string; inputs: Record<string, unknown> }[];
  };
  assert.equal(signals.at, "2024-12-31");
  assert.equal(signals.evaluations.length, 2 * 3);
  for (const e of signals.evaluations) assert.equal(typeof e.inputs.vix, "number");

  // Backtests: each strategy and the aggregate; buy-and-hold is the market itself less costs.
  const runs = report.sections[4].data as {
    strategy: string;
    totalReturn: number;
    buyHoldReturn: number;
    numTrades: number;
    report?: string;
  }[];
  assert.deepEqual(runs.map((r) => r.strategy), [
    "buy_hold",
    "sma_cross",
    "vix_correlation",
    "mean_reversion",
    "aggregate",
  ]);
  const bh = runs[0];
  assert.equal(bh.numTrades, 2);
  // Entry at the second bar's open and two commissions cost a little against the reference.
  assert.ok(Math.abs(bh.totalReturn - bh.buyHoldReturn) / (1 + bh.buyHoldReturn) < 0.05);
  assert.ok((await Deno.stat(runs[4].report!)).isFile);
  assert.equal((await store.listBacktestRuns()).length, 5);

  const again = await runDemo(store, config, { days: 5 });
  assert.equal(again.sample.inserted, 0);
  assert.match(formatDemo(again), /already loaded; nothing changed/);
  store.close();
});

Deno.test("later capabilities append their own demo sections", async () => {
  const store = SqliteStore.open(":memory:");
  const extra: DemoSection = {
    id: "signals",
    title: "Signals",
    run: ({ days, sample }) =>
      Promise.resolve({ text: `last ${days} days`, data: { seed: sample.seed } }),
  };
  const report = await runDemo(store, config, { days: 3, sections: [...DEMO_SECTIONS, extra] });
  assert.deepEqual(report.sections.at(-1), {
    id: "signals",
    title: "Signals",
    text: "last 3 days",
    data: { seed: 42 },
  });
  store.close();
});
