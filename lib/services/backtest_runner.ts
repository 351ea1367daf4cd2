/**
 * Runs a backtest end to end: loads bars from the store (or one CSV file) and the macro series
 * the strategies read, checks the range and the data-quality ledger for gaps, runs the pure
 * engine, stores the run, and writes the report files. Every output names the source of each
 * series, and generated data is never mixed with real data unless the job allows it.
 * @module
 */
import type { Candle } from "../core/candle.ts";
import { DataError, DataGapError } from "../core/errors.ts";
import { type SeriesSource, seriesSource } from "../core/provenance.ts";
import type { Strategy } from "../core/strategy.ts";
import { type Interval, isoDate, isoTime } from "../core/time.ts";
import {
  type BacktestOptions,
  type BacktestResult,
  runBacktest,
  type SignalPipeline,
} from "../engine/engine.ts";
import { dataChecksum } from "../engine/manifest.ts";
import type { Market } from "../engine/market.ts";
import type { AssetSeries, MacroInput } from "../engine/feed.ts";
import { equityCsv, tradesCsv } from "../report/csv.ts";
import { renderHtml } from "../report/html.ts";
import { type ResultJson, resultToJson, stringifyResult } from "../report/json.ts";
import type { StrategyDefinition } from "../signals/define.ts";
import {
  checkLookahead,
  engineRun,
  type LookaheadReport,
  samplePoints,
} from "../signals/lookahead.ts";
import type { Params } from "../signals/params.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import { parseCsvText } from "../storage/csv/parse.ts";
import { readCsvFile } from "../storage/csv/read_file.ts";
import type { QualityIssue, Store } from "../storage/store.ts";
import { loadRunData, planRunData, type RunDataPlan } from "./run_data.ts";

/** What to backtest and how. Times are UTC ms, both ends inclusive. */
export interface BacktestJob extends
  Pick<
    BacktestOptions,
    | "capital"
    | "commission"
    | "commissionFixed"
    | "slippageBps"
    | "fill"
    | "units"
    | "closeAtEnd"
    | "periodsPerYear"
    | "riskFree"
  > {
  /** Where strategy names are looked up (the shipped ones: `STRATEGIES` of `strategies/mod.ts`). */
  registry: StrategyRegistry;
  /** Strategies by registry name with parameter overrides (merged over their defaults). */
  strategies: readonly { name: string; params?: unknown }[];
  /** Combines several strategies' signals (required when there is more than one). */
  pipeline?: SignalPipeline;
  /** The pipeline's settings, recorded in the manifest so that the config hash covers them. */
  pipelineParams?: Readonly<Record<string, unknown>>;
  /** Assets to load from the store (database mode). */
  symbols?: readonly string[];
  /** A CSV file to backtest instead of the store (CSV mode). */
  dataFile?: string;
  /** CSV mode: the asset id (default: guessed from the file name or its symbol column). */
  asset?: string;
  /** First bar time to use (UTC ms; default: the first stored). */
  start?: number;
  /** Last bar time to use (UTC ms; default: the last stored). */
  end?: number;
  /** Bar interval in database mode (default `1d`); a CSV file's is inferred. */
  interval?: Interval;
  /** Price source to read in database mode (default: the preferred one per asset). */
  source?: string;
  /** Macro source to read (default: the preferred one per series). */
  macroSource?: string;
  /** Run on generated (sample) and real data together, with a warning, instead of refusing. */
  allowMixedSources?: boolean;
  /** Fail on gaps inside the range instead of warning. */
  strict?: boolean;
  /** Directory to write result.json, trades.csv, equity.csv and report.html into. */
  outDir?: string;
  /** Store the run in the database (default true in database mode, false in CSV mode). */
  save?: boolean;
  /**
   * Run the lookahead check: re-run on data truncated at `points` sampled decision times and
   * compare the signals. `makePipeline` gives each re-run a fresh pipeline (like `pipeline`).
   */
  lookahead?: { points: number; makePipeline?: () => SignalPipeline };
}

/** IO the runner needs; tests may replace any of it. */
export interface BacktestDeps {
  /** The store (opened lazily: CSV mode only opens it when a strategy needs macro data). */
  store?: () => Store;
  /** Reads a CSV file (`dataFile`). */
  readTextFile?: (path: string) => Promise<string>;
  /** Writes a report file (`outDir`). */
  writeTextFile?: (path: string, text: string) => Promise<void>;
  /** Creates `outDir`. */
  mkdir?: (path: string) => Promise<void>;
  /** Clock for the stored run's `createdAt`. */
  now?: () => number;
}

/** What {@link runBacktestJob} produced. */
export interface BacktestJobOutput {
  result: BacktestResult;
  json: ResultJson;
  warnings: string[];
  /** Id of the stored run, when it was stored. */
  runId?: number;
  /** Files written. */
  written: string[];
  /** Where every series came from: prices (store source or CSV file), then macro. */
  sources: SeriesSource[];
  /** The lookahead check's report, when `job.lookahead` was set. */
  lookahead?: LookaheadReport;
}

/** A strategy resolved from the registry: its definition and complete parameters. */
interface Resolved {
  readonly definition: StrategyDefinition;
  readonly params: Params;
}

/** The run's data, from the store or a CSV file. */
export interface Input {
  readonly market: Market;
  readonly interval: Interval;
  readonly sources: readonly SeriesSource[];
  /** Close-only completions and allowed mixing. */
  readonly warnings: readonly string[];
  /** Recorded gaps per asset (ledger or CSV parser). */
  readonly gaps: Readonly<Record<string, readonly QualityIssue[]>>;
}

function fmtRange(job: BacktestJob): string {
  const a = job.start !== undefined ? isoDate(job.start) : "the first bar";
  const b = job.end !== undefined ? isoDate(job.end) : "the last bar";
  return `between ${a} and ${b}`;
}

function inRange(ts: number, job: BacktestJob): boolean {
  return (job.start === undefined || ts >= job.start) && (job.end === undefined || ts <= job.end);
}

/** Rejects an inconsistent job before any data is read. */
function checkJob(job: BacktestJob): void {
  if (job.start !== undefined && job.end !== undefined && job.start > job.end) {
    throw new RangeError(
      `Cannot backtest: start ${isoTime(job.start)} is after end ${isoTime(job.end)}`,
    );
  }
  if (job.strategies.length === 0) throw new RangeError("Cannot backtest: no strategy given");
  if (job.strategies.length > 1 && !job.pipeline) {
    throw new RangeError(
      "Cannot backtest several strategies without a pipeline that combines their signals",
    );
  }
  if ((job.dataFile === undefined) === ((job.symbols?.length ?? 0) === 0)) {
    throw new RangeError("Cannot backtest: give either symbols (database) or a CSV file");
  }
}

/** Looks the strategies up and validates their parameters (unknown names and bad values throw). */
function resolveStrategies(job: BacktestJob): Resolved[] {
  return job.strategies.map((s) => {
    const definition = job.registry.get(s.name);
    return { definition, params: definition.params(s.params ?? {}) };
  });
}

/** The macro series `strategies` read, in first-use order. */
function macroNames(strategies: readonly Strategy[]): string[] {
  return [...new Set(strategies.flatMap((s) => s.macroSeries))];
}

/** Gaps of the ledger for the series `plan` reads. */
async function ledgerGaps(store: Store, plan: RunDataPlan) {
  const out: Record<string, QualityIssue[]> = {};
  for (const p of plan.prices) {
    out[p.asset] =
      (await store.listQualityIssues({ subject: p.asset, source: p.source, kind: "gap" }))
        .filter((g) => g.interval === undefined || g.interval === plan.interval);
  }
  return out;
}

/** Database mode: bars of `job.symbols` in the range, and the macro series, from the store. */
async function loadFromStore(
  job: BacktestJob,
  store: Store,
  strategies: readonly Strategy[],
): Promise<Input> {
  const plan = await planRunData(store, {
    purpose: "backtest",
    assets: job.symbols ?? [],
    interval: job.interval ?? "1d",
    source: job.source,
    macroSeries: macroNames(strategies),
    macroSource: job.macroSource,
    allowMixedSources: job.allowMixedSources,
  });
  const data = await loadRunData(store, plan, { from: job.start, to: job.end, macroTo: job.end });
  for (const p of plan.prices) {
    if (data.market.seriesOf(p.asset).ts.length > 0) continue;
    throw new DataError(
      `no bars for ${p.asset} (${p.source} ${plan.interval}) ${fmtRange(job)}: stored data covers ${
        isoDate(p.summary.firstTs)
      } to ${isoDate(p.summary.lastTs)}`,
    );
  }
  return {
    market: data.market,
    interval: plan.interval,
    sources: plan.sources,
    warnings: [...data.closeOnly, ...plan.warnings],
    gaps: await ledgerGaps(store, plan),
  };
}

/** Reads and parses the job's CSV file; its bars in the range. */
async function readCsv(job: BacktestJob, read: (p: string) => Promise<string>) {
  const file = job.dataFile!;
  let text: string;
  try {
    text = await read(file);
  } catch (e) {
    throw new DataError(`cannot read the file: ${(e as Error).message}`, file);
  }
  const parsed = parseCsvText(text, { file, asset: job.asset, skipBadRows: false });
  if (parsed.kind !== "candles") {
    throw new DataError(
      `this is a ${parsed.format} macro series file (${parsed.subject}), not price bars`,
      file,
    );
  }
  const candles: Candle[] = parsed.candles.filter((c) => inRange(c.ts, job));
  if (candles.length === 0) {
    const all = parsed.candles;
    throw new DataError(
      `no bars ${fmtRange(job)}${
        all.length
          ? `: the file covers ${isoDate(all[0].ts)} to ${isoDate(all[all.length - 1].ts)}`
          : ""
      }`,
      file,
    );
  }
  return { file, parsed, candles };
}

/** CSV mode: bars from the file; macro series (if any strategy reads one) from the store. */
async function loadFromCsv(
  job: BacktestJob,
  deps: BacktestDeps,
  strategies: readonly Strategy[],
): Promise<Input> {
  const csv = await readCsv(job, deps.readTextFile ?? ((p: string) => readCsvFile(p)));
  const asset = csv.parsed.subject;
  const fileSource = seriesSource("price", asset, csv.parsed.source, csv.file);
  const macroSeries = macroNames(strategies);
  if (macroSeries.length > 0 && !deps.store) {
    throw new DataError(
      `strategy needs macro series ${macroSeries.join(", ")}, which come from the database`,
    );
  }
  // Without macro series the store is never opened: CSV mode needs no database.
  const store = macroSeries.length > 0 ? deps.store!() : undefined;
  const plan = await planRunData(store, {
    purpose: "backtest",
    assets: [],
    interval: csv.parsed.interval,
    macroSeries,
    macroSource: job.macroSource,
    allowMixedSources: job.allowMixedSources,
    otherSources: [fileSource],
  });
  const data = await loadRunData(store, plan, { macroTo: job.end }, [
    { asset, candles: csv.candles, label: csv.file },
  ]);
  return {
    market: data.market,
    interval: csv.parsed.interval,
    sources: plan.sources,
    warnings: [...data.closeOnly, ...plan.warnings],
    gaps: { [asset]: csv.parsed.issues.filter((i) => i.kind === "gap") },
  };
}

/**
 * Gaps inside the range (from the ledger or the CSV parser) and a late start, as warnings; with
 * `--strict` a gap fails the job.
 */
function rangeWarnings(job: BacktestJob, input: Input): string[] {
  const warnings: string[] = [];
  const gapLines: string[] = [];
  const gapRanges: { from: number; to: number }[] = [];
  for (const s of input.market.series) {
    const first = s.ts[0], last = s.ts[s.ts.length - 1];
    for (const g of input.gaps[s.asset] ?? []) {
      if (g.ts === undefined) continue;
      const end = g.tsEnd ?? g.ts;
      if (g.ts <= last && end > first) {
        gapLines.push(`${s.asset}: ${g.detail}`);
        gapRanges.push({ from: g.ts, to: end });
      }
    }
    if (job.start !== undefined && first > job.start) {
      warnings.push(`${s.asset}: data starts ${isoTime(first)}, after the requested start`);
    }
  }
  if (gapLines.length > 0) {
    const msg = `${gapLines.length} gap(s) inside the range: ${gapLines.join("; ")}`;
    if (job.strict) throw new DataGapError(`Cannot backtest with --strict: ${msg}`, gapRanges);
    warnings.push(msg);
  }
  return warnings;
}

/** The engine's cost, fill and metric settings of the job. */
function engineSettings(job: RunSettings) {
  return {
    capital: job.capital,
    commission: job.commission,
    commissionFixed: job.commissionFixed,
    slippageBps: job.slippageBps,
    fill: job.fill,
    units: job.units,
    closeAtEnd: job.closeAtEnd,
    periodsPerYear: job.periodsPerYear,
    riskFree: job.riskFree,
  };
}

/** `{asset: source}` and `{series: source}` (a CSV file's path for its asset), for the manifest. */
function sourceMaps(sources: readonly SeriesSource[]) {
  const of = (kind: SeriesSource["kind"]) =>
    Object.fromEntries(
      sources.filter((s) => s.kind === kind).map((s) => [s.name, s.file ?? s.source]),
    );
  return { prices: of("price"), macro: of("macro") };
}

/**
 * The serialisable data of one run — what the engine reads and where each series came from —
 * with its checksum computed once (`node:crypto` SHA-256). An optimiser ships it to its workers
 * once and runs every trial over it with {@link backtestOnInput}.
 */
export interface RunInput {
  /** Bar interval of every series. */
  readonly interval: Interval;
  /** One series per asset, in the run's asset order. */
  readonly series: readonly AssetSeries[];
  /** Macro series the strategies read. */
  readonly macro: readonly MacroInput[];
  /** Where each series came from (provenance). */
  readonly sources: readonly SeriesSource[];
  /** `dataChecksum(series, macro)` (manifest.ts). */
  readonly dataChecksum: string;
}

/** The engine and manifest settings of a job: everything but its data and strategies. */
export type RunSettings = Pick<
  BacktestJob,
  | "capital"
  | "commission"
  | "commissionFixed"
  | "slippageBps"
  | "fill"
  | "units"
  | "closeAtEnd"
  | "periodsPerYear"
  | "riskFree"
  | "start"
  | "end"
  | "pipeline"
  | "pipelineParams"
>;

/** The {@link RunInput} of a loaded input. */
export function runInputOf(input: Input): RunInput {
  const { series, macro } = input.market;
  return {
    interval: input.interval,
    series,
    macro,
    sources: input.sources,
    dataChecksum: dataChecksum(series, macro),
  };
}

/**
 * Runs the engine over a loaded input exactly as `deno task backtest` does (the CLI's
 * {@link runBacktestJob} calls this); the manifest records the sources and the range.
 * `seriesValidated`: the caller has checked `input.series` with `validateSeries` since it last
 * changed (the optimiser does, once per dataset), so the engine skips that pass.
 */
export function backtestOnInput(
  job: RunSettings,
  strategies: readonly Strategy[],
  input: RunInput,
  seriesValidated = false,
): BacktestResult {
  const maps = sourceMaps(input.sources);
  return runBacktest({
    ...engineSettings(job),
    series: input.series,
    // The service checksums its dataset once (node:crypto SHA-256); the engine then skips it.
    dataChecksum: input.dataChecksum,
    seriesValidated,
    interval: input.interval,
    macro: input.macro,
    strategies,
    pipeline: job.pipeline,
    pipelineParams: job.pipelineParams,
    manifestParams: {
      sources: maps.prices,
      ...(Object.keys(maps.macro).length ? { macroSources: maps.macro } : {}),
      start: job.start !== undefined ? isoTime(job.start) : null,
      end: job.end !== undefined ? isoTime(job.end) : null,
    },
  });
}

/** `--check-lookahead`: re-runs on the market truncated at sampled points (lookahead.ts). */
function lookaheadCheck(
  job: BacktestJob,
  resolved: readonly Resolved[],
  strategies: readonly Strategy[],
  market: Market,
) {
  const warmup = Math.max(0, ...strategies.map((s) => s.warmup));
  return checkLookahead({
    market,
    points: samplePoints(market.decisionTimes(), job.lookahead!.points, warmup),
    run: engineRun({
      ...engineSettings(job),
      makeStrategies: () => resolved.map((r) => r.definition.create(r.params)),
      makePipeline: job.lookahead!.makePipeline,
    }),
  });
}

/** What storing a run reads of its result (a worker sends this back, not the whole result). */
export type RunSummary = Pick<
  BacktestResult,
  "assets" | "startTs" | "endTs" | "manifest" | "metrics"
>;

/** Stores the run (configuration, sources, metrics) when the job asks for it. */
export async function saveRun(
  job: Pick<BacktestJob, "save" | "dataFile">,
  deps: BacktestDeps,
  resolved: readonly { readonly definition: { readonly name: string } }[],
  result: RunSummary,
): Promise<number | undefined> {
  if (!(job.save ?? job.dataFile === undefined)) return undefined;
  const store = deps.store?.();
  if (!store) return undefined;
  return await store.saveBacktestRun({
    createdAt: (deps.now ?? Date.now)(),
    strategy: resolved.map((r) => r.definition.name).join(","),
    assets: [...result.assets],
    startTs: result.startTs,
    endTs: result.endTs,
    // The manifest's parameters include the sources of every series (`sources`, `macroSources`).
    params: result.manifest.parameters as Record<string, unknown>,
    configHash: result.manifest.configHash,
    dataChecksum: result.manifest.dataChecksum,
    engineVersion: result.manifest.engineVersion,
    metrics: { ...result.metrics },
  });
}

/** Writes result.json, trades.csv, equity.csv and report.html into `job.outDir`. */
async function writeReports(
  job: BacktestJob,
  deps: BacktestDeps,
  out: { result: BacktestResult; json: ResultJson; market: Market; warnings: string[] },
): Promise<string[]> {
  if (job.outDir === undefined) return [];
  const dir = job.outDir.replace(/\/+$/, "");
  await (deps.mkdir ?? ((p: string) => Deno.mkdir(p, { recursive: true })))(dir);
  const write = deps.writeTextFile ?? ((p: string, t: string) => Deno.writeTextFile(p, t));
  // The report gets the result with the sources of its series attached (`sources`).
  const report = { ...out.result, sources: out.json.sources };
  const files: [string, string][] = [
    ["result.json", stringifyResult(out.json) + "\n"],
    ["trades.csv", tradesCsv(out.result.trades)],
    ["equity.csv", equityCsv(out.result.equity)],
    [
      "report.html",
      renderHtml(report, {
        prices: out.market.series.map((s) => ({ asset: s.asset, ts: s.ts, close: s.close })),
        warnings: out.warnings,
      }),
    ],
  ];
  const written: string[] = [];
  for (const [name, text] of files) {
    await write(`${dir}/${name}`, text);
    written.push(`${dir}/${name}`);
  }
  return written;
}

/**
 * Loads a job's data from the store or its CSV file, as `deno task backtest` does: range and gap
 * checks (`strict`), provenance, close-only completion; returns it with the warnings to show.
 */
export async function loadBacktestInput(
  job: BacktestJob,
  deps: BacktestDeps,
  strategies: readonly Strategy[],
): Promise<{ input: Input; warnings: string[] }> {
  checkJob(job);
  let input: Input;
  if (job.dataFile !== undefined) input = await loadFromCsv(job, deps, strategies);
  else {
    if (!deps.store) throw new RangeError("Cannot backtest over the database: no store given");
    input = await loadFromStore(job, deps.store(), strategies);
  }
  return { input, warnings: [...rangeWarnings(job, input), ...input.warnings] };
}

/** Runs the job; throws DataError / DataGapError / RangeError with a clear reason on bad input. */
export async function runBacktestJob(
  job: BacktestJob,
  deps: BacktestDeps = {},
): Promise<BacktestJobOutput> {
  checkJob(job);
  // Validate the strategies before touching any data.
  const resolved = resolveStrategies(job);
  const strategies = resolved.map((r) => r.definition.create(r.params));
  const { input, warnings } = await loadBacktestInput(job, deps, strategies);
  const result = backtestOnInput(job, strategies, runInputOf(input));
  const json = resultToJson(result, { warnings, sources: input.sources });
  const lookahead = job.lookahead
    ? lookaheadCheck(job, resolved, strategies, input.market)
    : undefined;
  const runId = await saveRun(job, deps, resolved, result);
  const written = await writeReports(job, deps, { result, json, market: input.market, warnings });
  return { result, json, warnings, runId, written, sources: [...input.sources], lookahead };
}
