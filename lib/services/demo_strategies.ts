/**
 * Demo sections that exercise the strategies on the sample market: the signals as of the last
 * sample day (every evaluation, fired or not, with its inputs), and a backtest of each strategy
 * and of their aggregate, with a metrics table and an HTML report of the aggregate. Prices and
 * macro series are read from the sample (source `sample`) even when real data was imported
 * beside it, and each section labels its series by the source it actually read.
 * @module
 */
import { fmtNum, fmtPct, formatTable } from "../cli/table.ts";
import { describeSources, type SeriesSource } from "../core/provenance.ts";
import { isoDate } from "../core/time.ts";
import { SAMPLE_ASSETS } from "../sample/market.ts";
import { createSignalPipeline } from "../signals/pipeline.ts";
import { runBacktestJob } from "./backtest_runner.ts";
import type { DemoSection } from "./demo_section.ts";
import { SAMPLE_SOURCE } from "./sample_loader.ts";
import { runSignals } from "./signal_runner.ts";

const DAY = 86_400_000;

async function sampleRange(ctx: Parameters<DemoSection["run"]>[0]) {
  const series = (await ctx.store.listSeries()).filter((s) => s.source === SAMPLE_SOURCE);
  if (series.length === 0) throw new RangeError("Cannot run the demo strategies: no sample data");
  return {
    first: Math.max(...series.map((s) => s.firstTs)),
    last: Math.min(...series.map((s) => s.lastTs)),
  };
}

/** The decision inputs worth a glance (the strategy's own parameters are left out). */
const SHOWN_INPUTS = ["correlation", "vix", "drawdown", "rolling_high", "price"];

function inputsText(inputs: Readonly<Record<string, unknown>>): string {
  return SHOWN_INPUTS.filter((k) => typeof inputs[k] === "number")
    .map((k) => `${k}=${+(inputs[k] as number).toPrecision(4)}`)
    .join(" ");
}

/** The enabled strategies (ENABLED_STRATEGIES) as of the last sample day. */
export const signalsSection: DemoSection = {
  id: "signals",
  title: "Signals on the last sample day",
  async run(ctx) {
    const { last } = await sampleRange(ctx);
    const report = await runSignals(ctx.store, {
      registry: ctx.registry,
      strategies: ctx.config.signals.enabledStrategies,
      assets: [...SAMPLE_ASSETS],
      at: last,
      wallClock: last + DAY,
      source: SAMPLE_SOURCE,
      macroSource: SAMPLE_SOURCE,
      limits: ctx.config.risk,
    });
    const rows = report.evaluations.map((e) => ({
      strategy: e.strategy,
      asset: e.asset,
      result: e.fired
        ? `${e.signal?.direction.toUpperCase()} ${fmtPct(e.signal?.size)}`
        : "no signal",
      inputs: inputsText(e.inputs),
      reason: e.reason,
    }));
    const finals = report.final.map((s) => `${s.asset} ${s.direction} ${fmtPct(s.size)}`);
    const text = [
      `decision at the close of ${isoDate(last)}; data: ${describeSources(report.sources)}`,
      formatTable(rows, [
        { header: "strategy", value: (r) => r.strategy },
        { header: "asset", value: (r) => r.asset },
        { header: "result", value: (r) => r.result },
        { header: "inputs", value: (r) => r.inputs },
      ]),
      `aggregate after risk: ${finals.length ? finals.join(", ") : "no position"}` +
      (report.conflicts.length ? `; ${report.conflicts.length} conflict(s) netted out` : ""),
    ].join("\n");
    return {
      text,
      data: {
        at: isoDate(last),
        sources: report.sources,
        evaluations: report.evaluations,
        final: report.final,
        conflicts: report.conflicts,
      },
    };
  },
};

/** Backtests of every shipped strategy and the aggregate over the whole sample market. */
export const backtestSection: DemoSection = {
  id: "backtests",
  title: "Backtests on the sample market (bitcoin, ethereum; 100,000 capital; 0.1% commission)",
  async run(ctx) {
    const { first, last } = await sampleRange(ctx);
    const runs: { label: string; strategies: string[] }[] = [
      { label: "buy_hold", strategies: ["buy_hold"] },
      { label: "sma_cross", strategies: ["sma_cross"] },
      { label: "vix_correlation", strategies: ["vix_correlation"] },
      { label: "mean_reversion", strategies: ["mean_reversion"] },
      { label: "aggregate", strategies: ["vix_correlation", "mean_reversion"] },
    ];
    const outDir = `${ctx.config.dataDir}/reports/demo`;
    const results = [];
    let sources: readonly SeriesSource[] = [];
    for (const r of runs) {
      const aggregate = r.strategies.length > 1;
      const out = await runBacktestJob({
        registry: ctx.registry,
        strategies: r.strategies.map((name) => ({ name })),
        pipeline: aggregate ? createSignalPipeline({ limits: ctx.config.risk }) : undefined,
        pipelineParams: aggregate ? { aggregateAndRisk: { limits: ctx.config.risk } } : undefined,
        symbols: ["bitcoin", "ethereum"],
        source: SAMPLE_SOURCE,
        macroSource: SAMPLE_SOURCE,
        start: first,
        end: last,
        capital: 100_000,
        commission: 0.001,
        outDir: aggregate ? outDir : undefined,
      }, { store: () => ctx.store });
      const m = out.result.metrics;
      if (out.sources.length > sources.length) sources = out.sources;
      results.push({
        strategy: r.label,
        sources: out.sources,
        runId: out.runId,
        totalReturn: m.totalReturn,
        cagr: m.cagr,
        sharpe: m.sharpe,
        maxDrawdown: m.maxDrawdown,
        numTrades: m.numTrades,
        winRate: m.winRate,
        finalEquity: m.finalEquity,
        buyHoldReturn: m.buyHoldReturn,
        report: aggregate ? `${outDir}/report.html` : undefined,
      });
    }
    const text = [
      `${isoDate(first)} .. ${isoDate(last)}; data: ${
        describeSources(sources)
      }; runs stored in the database`,
      formatTable(results, [
        { header: "strategy", value: (r) => r.strategy },
        { header: "return", value: (r) => fmtPct(r.totalReturn), align: "right" },
        { header: "CAGR", value: (r) => fmtPct(r.cagr), align: "right" },
        { header: "Sharpe", value: (r) => fmtNum(r.sharpe), align: "right" },
        { header: "max DD", value: (r) => fmtPct(r.maxDrawdown), align: "right" },
        { header: "trades", value: (r) => r.numTrades, align: "right" },
        { header: "win rate", value: (r) => fmtPct(r.winRate), align: "right" },
        { header: "final equity", value: (r) => fmtNum(r.finalEquity), align: "right" },
      ]),
      `report of the aggregate: ${outDir}/report.html`,
    ].join("\n");
    return { text, data: results };
  },
};
