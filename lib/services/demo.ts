/**
 * The demo: load the sample market into the configured database (idempotent) and describe what
 * is there, section by section. Later capabilities add their own section (signals, backtest, …)
 * by appending a {@link DemoSection} to {@link DEMO_SECTIONS}; the `demo` task prints every
 * section in order, as text on a terminal or as JSON.
 * @module
 */
import { fmtNum, formatTable } from "../cli/table.ts";
import type { ResolvedConfig } from "../config/config.ts";
import { DAY_MS, isoDate } from "../core/time.ts";
import { SAMPLE_ASSETS, SAMPLE_MACRO } from "../sample/market.ts";
import type { Store } from "../storage/store.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import type { DemoContext, DemoSection, DemoSectionResult } from "./demo_section.ts";
import { backtestSection, signalsSection } from "./demo_strategies.ts";
import { loadSampleMarket, SAMPLE_SOURCE, type SampleLoadResult } from "./sample_loader.ts";
import { describeStore } from "../storage/open_store.ts";

export type { DemoContext, DemoSection, DemoSectionResult } from "./demo_section.ts";

/** The whole demo's output. */
export interface DemoReport {
  label: string;
  database: string;
  sample: SampleLoadResult;
  sections: ({ id: string; title: string } & DemoSectionResult)[];
}

const GENERATED = "generated sample data";

/** Stored price and macro series with ranges, row counts and last values. */
export const storedDataSection: DemoSection = {
  id: "data",
  title: "Stored series",
  async run({ store }) {
    const candles = [];
    for (const s of await store.listSeries()) {
      const [last] = await store.getCandles(s, { from: s.lastTs });
      candles.push({
        source: s.source,
        asset: s.asset,
        interval: s.interval,
        rows: s.count,
        first: isoDate(s.firstTs),
        last: isoDate(s.lastTs),
        lastClose: last?.close,
        generated: s.source === SAMPLE_SOURCE,
      });
    }
    const macro = [];
    for (const m of await store.listMacroSeries()) {
      const [last] = await store.getMacro(m.series, { source: m.source, from: m.lastTs });
      macro.push({
        series: m.series,
        source: m.source,
        rows: m.count,
        first: isoDate(m.firstTs),
        last: isoDate(m.lastTs),
        lastValue: last?.value,
        generated: m.source === SAMPLE_SOURCE,
      });
    }
    const src = (r: { source: string; generated: boolean }) =>
      r.generated ? `${r.source} (${GENERATED})` : r.source;
    const text = [
      "Prices",
      formatTable(candles, [
        { header: "asset", value: (r) => r.asset },
        { header: "source", value: src },
        { header: "interval", value: (r) => r.interval },
        { header: "rows", value: (r) => fmtNum(r.rows, 0), align: "right" },
        { header: "first", value: (r) => r.first },
        { header: "last", value: (r) => r.last },
        { header: "last close", value: (r) => fmtNum(r.lastClose), align: "right" },
      ]),
      "",
      "Macro",
      formatTable(macro, [
        { header: "series", value: (r) => r.series },
        { header: "source", value: src },
        { header: "rows", value: (r) => fmtNum(r.rows, 0), align: "right" },
        { header: "first", value: (r) => r.first },
        { header: "last", value: (r) => r.last },
        { header: "last value", value: (r) => fmtNum(r.lastValue), align: "right" },
      ]),
    ].join("\n");
    return { text, data: { candles, macro } };
  },
};

/** Daily closes of the sample assets, VIX and DXY over the last `--days` days. */
export const recentSection: DemoSection = {
  id: "recent",
  title: "Recent closes of the sample market",
  async run({ store, days, sample }) {
    const from = sample.end - (days - 1) * DAY_MS;
    const cols: Record<string, Map<number, number>> = {};
    for (const asset of SAMPLE_ASSETS) {
      const rows = await store.getCandles(
        { source: SAMPLE_SOURCE, asset, interval: "1d" },
        { from, to: sample.end },
      );
      cols[asset] = new Map(rows.map((c) => [c.ts, c.close]));
    }
    for (const series of SAMPLE_MACRO) {
      const rows = await store.getMacro(series, { source: SAMPLE_SOURCE, from, to: sample.end });
      cols[series] = new Map(rows.map((o) => [o.ts, o.value]));
    }
    const names = Object.keys(cols);
    const rows = [];
    for (let t = from; t <= sample.end; t += DAY_MS) {
      const row: Record<string, number | string | undefined> = { date: isoDate(t) };
      for (const n of names) row[n] = cols[n].get(t);
      rows.push(row);
    }
    const change: Record<string, number | undefined> = {};
    for (const n of names) {
      const vals = [...cols[n].entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
      change[n] = vals.length > 1 ? vals[vals.length - 1] / vals[0] - 1 : undefined;
    }
    const text = formatTable(rows, [
      { header: "date", value: (r) => r.date as string },
      ...names.map((n) => ({
        header: n,
        value: (r: Record<string, unknown>) => fmtNum(r[n] as number | undefined),
        align: "right" as const,
      })),
    ]) + "\n" +
      `change over the window: ${
        names.map((n) =>
          `${n} ${change[n] === undefined ? "-" : `${(change[n]! * 100).toFixed(1)}%`}`
        ).join(", ")
      } (VIX and DXY publish on weekdays only; "-" = no observation)`;
    return { text, data: { from: isoDate(from), to: isoDate(sample.end), rows, change } };
  },
};

/** Recorded data-quality issues per series and kind. */
export const qualitySection: DemoSection = {
  id: "quality",
  title: "Data-quality issues",
  async run({ store }) {
    const issues = await store.listQualityIssues();
    const counts = new Map<string, { source: string; subject: string; kind: string; n: number }>();
    for (const i of issues) {
      const k = `${i.source}\u0000${i.subject}\u0000${i.kind}`;
      const c = counts.get(k) ?? { source: i.source, subject: i.subject, kind: i.kind, n: 0 };
      c.n++;
      counts.set(k, c);
    }
    const rows = [...counts.values()];
    const text = rows.length === 0
      ? "none recorded (the sample market is generated without defects; `deno task import` records the defects of real files)"
      : formatTable(rows, [
        { header: "subject", value: (r) => r.subject },
        { header: "source", value: (r) => r.source },
        { header: "kind", value: (r) => r.kind },
        { header: "count", value: (r) => fmtNum(r.n, 0), align: "right" },
      ]);
    return { text, data: { total: issues.length, byKind: rows } };
  },
};

/** Sections in the order the demo shows them. Append new capabilities here. */
export const DEMO_SECTIONS: DemoSection[] = [
  storedDataSection,
  recentSection,
  qualitySection,
  signalsSection,
  backtestSection,
];

/** Loads the sample market and runs every section. */
export async function runDemo(
  store: Store,
  config: ResolvedConfig,
  options: { days: number; registry: StrategyRegistry; sections?: readonly DemoSection[] },
): Promise<DemoReport> {
  const sample = await loadSampleMarket(store);
  const ctx: DemoContext = {
    store,
    config,
    registry: options.registry,
    days: options.days,
    sample,
  };
  const sections = [];
  for (const s of options.sections ?? DEMO_SECTIONS) {
    sections.push({ id: s.id, title: s.title, ...(await s.run(ctx)) });
  }
  return { label: sample.label, database: describeStore(config), sample, sections };
}

/** Renders a demo report as terminal text. */
export function formatDemo(report: DemoReport): string {
  const loaded = report.sample.inserted > 0
    ? `loaded ${fmtNum(report.sample.inserted, 0)} rows of the sample market`
    : "sample market already loaded; nothing changed";
  const out = [
    `mts demo — ${report.label}`,
    `database: ${report.database} (${loaded})`,
  ];
  for (const s of report.sections) out.push("", `== ${s.title} ==`, s.text);
  return out.join("\n");
}
