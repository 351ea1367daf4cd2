import assert from "node:assert/strict";
import { resolveConfig } from "../config/config.ts";
import { SqliteStore } from "../storage/sqlite_store.ts";
import { STRATEGIES } from "../../strategies/mod.ts";
import { DEMO_SECTIONS, type DemoSection, formatDemo, runDemo } from "./demo.ts";

const dataDir = await Deno.makeTempDir({ prefix: "mts-demo-" });
const config = resolveConfig({ DATA_DIR: dataDir });

Deno.test("the demo loads the sample market and describes it, labelled as generated", async () => {
  const store = SqliteStore.open(":memory:");
  const report = await runDemo(store, config, { days: 5, registry: STRATEGIES });
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

  const again = await runDemo(store, config, { days: 5, registry: STRATEGIES });
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
  const report = await runDemo(store, config, {
    days: 3,
    registry: STRATEGIES,
    sections: [...DEMO_SECTIONS, extra],
  });
  assert.deepEqual(report.sections.at(-1), {
    id: "signals",
    title: "Signals",
    text: "last 3 days",
    data: { seed: 42 },
  });
  store.close();
});

Deno.test("after a real VIX is imported, the demo still reads the sample's and labels each series by its source", async () => {
  const store = SqliteStore.open(":memory:");
  // A real VIX history (cboe) over the sample's dates, with values the sample never has.
  const real = Array.from({ length: 40 }, (_, i) => ({
    ts: Date.UTC(2024, 11, 31) - i * 86_400_000,
    value: 99.5,
  })).reverse();
  await store.upsertMacro("VIX", "cboe", real, 0);
  const report = await runDemo(store, config, { days: 3, registry: STRATEGIES });
  const stored = report.sections[0].data as {
    macro: { series: string; source: string; generated: boolean }[];
  };
  assert.deepEqual(
    stored.macro.filter((m) => m.series === "VIX").map((m) => [m.source, m.generated]),
    [["cboe", false], ["sample", true]],
  );
  const signals = report.sections[3].data as {
    sources: { name: string; source: string; generated: boolean }[];
    evaluations: { inputs: Record<string, unknown> }[];
  };
  assert.deepEqual(signals.sources.find((s) => s.name === "VIX"), {
    kind: "macro",
    name: "VIX",
    source: "sample",
    generated: true,
  });
  const [sampleVix] = await store.getMacro("VIX", {
    source: "sample",
    from: Date.UTC(2024, 11, 31),
  });
  for (const e of signals.evaluations) assert.equal(e.inputs.vix, sampleVix.value);
  assert.match(report.sections[3].text, /VIX from sample \(generated\)/);
  assert.doesNotMatch(report.sections[3].text, /cboe/);
  const runs = report.sections[4].data as { sources: { name: string; source: string }[] }[];
  for (const r of runs) assert.ok(r.sources.every((s) => s.source === "sample"));
  assert.match(report.sections[4].text, /data: bitcoin prices from sample \(generated\)/);
  store.close();
});
