/**
 * An optimisation result as JSON (`--json`, `result.json`), as CSV (`trials.csv`: one row per
 * trial, its parameters then every metric) and as report files under `--out`.
 * @module
 */
import { canonicalJson } from "../engine/hash.ts";
import { METRIC_NAMES } from "../research/objective.ts";
import type { OptimizeResult, TrialRow } from "./optimizer.ts";
import { renderOptimizeHtml } from "./optimize_html.ts";

/** The conventions every statistic uses, recorded in every result. */
export const CONVENTIONS = {
  sharpe: "per period: mean / sample standard deviation (divisor T - 1) of per-bar returns " +
    "net of the per-period risk-free rate, not annualised",
  skewness: "population moment ratio m3 / m2^1.5",
  kurtosis: "population moment ratio m4 / m2^2, non-excess (normal = 3)",
  trialSharpeVariance: "sample variance (divisor N - 1) of the N trials' per-period Sharpe ratios",
  trials: "N counts the trials with a finite per-period Sharpe ratio",
  benchmarkSharpe: 0,
  pbo: "CSCV over the eligible trials' per-bar returns; first T mod S rows dropped; Sharpe " +
    "(sample sd) per block set; ties in-sample go to the lowest trial; OOS ranks averaged on " +
    "ties; omega = rank / (N + 1); overfit when logit <= 0",
  ranking: "eligible trials (>= --min-trades, objective a number) best first; equal " +
    "objectives keep trial order",
} as const;

/** One trial as JSON. */
function trialJson(t: TrialRow) {
  return {
    id: t.id,
    params: t.params,
    metrics: t.metrics,
    trades: t.trades,
    configHash: t.configHash,
    ...(t.rank !== undefined ? { rank: t.rank } : {}),
    ...(t.excluded !== undefined ? { excluded: t.excluded } : {}),
  };
}

/** The whole result as the JSON document `--json` prints. */
export function optimizeJson(r: OptimizeResult) {
  return {
    strategy: r.strategy,
    assets: r.assets,
    interval: r.interval,
    start: r.start,
    end: r.end,
    capital: r.capital,
    objective: r.objective,
    minTrades: r.minTrades,
    search: r.search,
    constraints: r.constraints,
    dataChecksum: r.dataChecksum,
    datasetHash: r.datasetHash,
    resumedTrials: r.resumedTrials,
    trials: r.trials.map(trialJson),
    best: r.best
      ? {
        id: r.best.id,
        params: r.best.params,
        metrics: r.best.metrics,
        configHash: r.best.configHash,
      }
      : null,
    statistics: r.statistics,
    walkForward: r.walkForward,
    conventions: CONVENTIONS,
    warnings: r.warnings,
  };
}

/** JSON text with non-finite numbers as `null`. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  );
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = typeof v === "string" ? v : canonicalJson(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Every trial as CSV: id, rank, excluded, each parameter, every metric, config hash. */
export function trialsCsv(r: OptimizeResult): string {
  const names = [...new Set(r.trials.flatMap((t) => Object.keys(t.params)))];
  const header = ["id", "rank", "excluded", ...names, ...METRIC_NAMES, "configHash"];
  const lines = [header.join(",")];
  for (const t of r.trials) {
    lines.push(
      [
        t.id,
        t.rank,
        t.excluded,
        ...names.map((n) => t.params[n]),
        ...METRIC_NAMES.map((m) => t.metrics[m]),
        t.configHash,
      ].map(csvCell).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

/** Writes result.json, trials.csv and report.html into `dir`; returns the paths. */
export async function writeOptimizeReports(
  r: OptimizeResult,
  dir: string,
  io: {
    mkdir?: (p: string) => Promise<void>;
    writeTextFile?: (p: string, t: string) => Promise<void>;
  } = {},
): Promise<string[]> {
  const d = dir.replace(/\/+$/, "");
  await (io.mkdir ?? ((p: string) => Deno.mkdir(p, { recursive: true })))(d);
  const write = io.writeTextFile ?? ((p: string, t: string) => Deno.writeTextFile(p, t));
  const files: [string, string][] = [
    ["result.json", stringifyJson(optimizeJson(r)) + "\n"],
    ["trials.csv", trialsCsv(r)],
    ["report.html", renderOptimizeHtml(r)],
  ];
  const out: string[] = [];
  for (const [name, text] of files) {
    await write(`${d}/${name}`, text);
    out.push(`${d}/${name}`);
  }
  return out;
}
