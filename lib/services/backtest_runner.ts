/**
 * Runs a backtest end to end: loads bars from the store (or one CSV file) and the macro series
 * the strategies read, checks the range and the data-quality ledger for gaps, runs the pure
 * engine, stores the run, and writes the report files.
 * @module
 */
import type { Candle, MacroObservation } from "../core/candle.ts";
import { DataError, DataGapError } from "../core/errors.ts";
import { type Interval, isoDate, isoTime } from "../core/time.ts";
import {
  type BacktestOptions,
  type BacktestResult,
  runBacktest,
  type SignalPipeline,
} from "../engine/engine.ts";
import { type AssetSeries, type MacroInput, seriesFromCandles } from "../engine/feed.ts";
import { dataChecksum } from "../engine/manifest.ts";
import { equityCsv, tradesCsv } from "../report/csv.ts";
import { renderHtml } from "../report/html.ts";
import { type ResultJson, resultToJson, stringifyResult } from "../report/json.ts";
import { MarketHistory, publicationTimes } from "../signals/context.ts";
import {
  checkLookahead,
  engineRun,
  type LookaheadReport,
  samplePoints,
} from "../signals/lookahead.ts";
import { resolveStrategyParams } from "../signals/registry.ts";
import { parseCsvText } from "../storage/csv/parse.ts";
import { readCsvFile } from "../storage/csv/read_file.ts";
import { pickSource, type QualityIssue, type Store } from "../storage/store.ts";

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
  start?: number;
  end?: number;
  /** Bar interval in database mode (default `1d`); a CSV file's is inferred. */
  interval?: Interval;
  /** Source to read in database mode (default: {@link pickSource} per asset). */
  source?: string;
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
  readTextFile?: (path: string) => Promise<string>;
  writeTextFile?: (path: string, text: string) => Promise<void>;
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
  /** Where the bars came from, per asset (`source` or the CSV file). */
  sources: Record<string, string>;
  /** The lookahead check's report, when `job.lookahead` was set. */
  lookahead?: LookaheadReport;
}

/** Bars of one asset as loaded, before close-only rows are completed. */
export interface Loaded {
  asset: string;
  source: string;
  candles: Candle[];
  gaps: QualityIssue[];
}

function fmtRange(job: BacktestJob): string {
  const a = job.start !== undefined ? isoDate(job.start) : "the first bar";
  const b = job.end !== undefined ? isoDate(job.end) : "the last bar";
  return `between ${a} and ${b}`;
}

function inRange(ts: number, job: BacktestJob): boolean {
  return (job.start === undefined || ts >= job.start) && (job.end === undefined || ts <= job.end);
}

async function loadFromStore(
  job: BacktestJob,
  store: Store,
  interval: Interval,
): Promise<Loaded[]> {
  const stored = await store.listSeries();
  const out: Loaded[] = [];
  for (const asset of job.symbols ?? []) {
    const mine = stored.filter((s) => s.asset === asset);
    if (mine.length === 0) {
      const known = [...new Set(stored.map((s) => s.asset))];
      throw new DataError(
        `unknown asset "${asset}": the database has ${
          known.length ? known.join(", ") : "no price series (run collect, import or demo first)"
        }`,
      );
    }
    const sameInterval = mine.filter((s) => s.interval === interval);
    if (sameInterval.length === 0) {
      throw new DataError(
        `no ${interval} bars for ${asset}: stored intervals are ${
          [...new Set(mine.map((s) => s.interval))].join(", ")
        } (use --interval)`,
      );
    }
    const sources = sameInterval.map((s) => s.source);
    const source = job.source ?? pickSource(sources)!;
    if (!sources.includes(source)) {
      throw new DataError(
        `no ${interval} bars for ${asset} from source "${source}": stored sources are ${
          sources.join(", ")
        }`,
      );
    }
    const candles = await store.getCandles({ source, asset, interval }, {
      from: job.start,
      to: job.end,
    });
    const summary = sameInterval.find((s) => s.source === source)!;
    if (candles.length === 0) {
      throw new DataError(
        `no bars for ${asset} (${source} ${interval}) ${fmtRange(job)}: stored data covers ${
          isoDate(summary.firstTs)
        } to ${isoDate(summary.lastTs)}`,
      );
    }
    const gaps = (await store.listQualityIssues({ subject: asset, source, kind: "gap" }))
      .filter((g) => g.interval === undefined || g.interval === interval);
    out.push({ asset, source, candles, gaps });
  }
  return out;
}

async function loadFromCsv(
  job: BacktestJob,
  read: (p: string) => Promise<string>,
): Promise<{ loaded: Loaded; interval: Interval }> {
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
  const candles = parsed.candles.filter((c) => inRange(c.ts, job));
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
  return {
    loaded: {
      asset: parsed.subject,
      source: file,
      candles,
      gaps: parsed.issues.filter((i) => i.kind === "gap"),
    },
    interval: parsed.interval,
  };
}

/**
 * Close-only rows (e.g. CoinGecko's 00:00 UTC snapshots, which have no open/high/low) get
 * open = the previous bar's close — the price at the bar's start, for a market that trades around
 * the clock — and high / low = the larger / smaller of that open and the close (the first bar:
 * open = high = low = close). So a market order decided at a close fills at that same price (like
 * `--fill close`), and a stop-loss that the close-to-close move crosses fills at its level, not a
 * day later at the next close. The true intrabar range is wider than this envelope, so stops and
 * limits it would have reached can be missed, and a fill at a level assumes the price moved
 * through it without a jump. Says so in a warning.
 */
export function fillCloseOnly(l: Loaded, warnings: string[]): Candle[] {
  let n = 0;
  let prevClose = NaN;
  const out = l.candles.map((c) => {
    const prev = prevClose;
    prevClose = c.close;
    if (Number.isFinite(c.open) && Number.isFinite(c.high) && Number.isFinite(c.low)) return c;
    n++;
    const open = Number.isFinite(c.open) ? c.open : Number.isFinite(prev) ? prev : c.close;
    const high = Math.max(open, c.close, Number.isFinite(c.high) ? c.high : -Infinity);
    const low = Math.min(open, c.close, Number.isFinite(c.low) ? c.low : Infinity);
    return { ...c, open, high, low };
  });
  if (n > 0) {
    warnings.push(
      `${l.asset}: ${n} of ${out.length} bars have only a close (${l.source}); each such bar opens at the previous close and its high/low span only open and close, so market orders fill at the deciding close and stops fill at their level when the close-to-close move crosses it — the true intrabar range is wider, so some stops/limits that would have triggered are missed`,
    );
  }
  return out;
}

/** Runs the job; throws DataError / DataGapError / RangeError with a clear reason on bad input. */
export async function runBacktestJob(
  job: BacktestJob,
  deps: BacktestDeps = {},
): Promise<BacktestJobOutput> {
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
  // Validate the strategies before touching any data.
  const resolved = job.strategies.map((s) => resolveStrategyParams(s.name, s.params ?? {}));
  const strategies = resolved.map((r) => r.definition.create(r.params));

  const read = deps.readTextFile ?? ((p: string) => readCsvFile(p));
  const warnings: string[] = [];
  let loaded: Loaded[];
  let interval: Interval;
  if (job.dataFile !== undefined) {
    const csv = await loadFromCsv(job, read);
    loaded = [csv.loaded];
    interval = csv.interval;
  } else {
    if (!deps.store) throw new RangeError("Cannot backtest over the database: no store given");
    interval = job.interval ?? "1d";
    loaded = await loadFromStore(job, deps.store(), interval);
  }

  // Gaps inside the range, from the data-quality ledger (or the CSV parser's findings).
  const gapLines: string[] = [];
  const gapRanges: { from: number; to: number }[] = [];
  for (const l of loaded) {
    const first = l.candles[0].ts, last = l.candles[l.candles.length - 1].ts;
    for (const g of l.gaps) {
      if (g.ts === undefined) continue;
      const end = g.tsEnd ?? g.ts;
      if (g.ts <= last && end > first) {
        gapLines.push(`${l.asset}: ${g.detail}`);
        gapRanges.push({ from: g.ts, to: end });
      }
    }
    if (job.start !== undefined && first > job.start) {
      warnings.push(`${l.asset}: data starts ${isoTime(first)}, after the requested start`);
    }
  }
  if (gapLines.length > 0) {
    const msg = `${gapLines.length} gap(s) inside the range: ${gapLines.join("; ")}`;
    if (job.strict) throw new DataGapError(`Cannot backtest with --strict: ${msg}`, gapRanges);
    warnings.push(msg);
  }

  const filled = loaded.map((l) => fillCloseOnly(l, warnings));
  const series: AssetSeries[] = loaded.map((l, i) => seriesFromCandles(l.asset, filled[i]));

  const macroNames = [...new Set(strategies.flatMap((s) => s.macroSeries))];
  const macro: MacroInput[] = [];
  const macroObs: Record<string, MacroObservation[]> = {};
  if (macroNames.length > 0) {
    if (!deps.store) {
      throw new DataError(
        `strategy needs macro series ${macroNames.join(", ")}, which come from the database`,
      );
    }
    const store = deps.store();
    for (const name of macroNames) {
      const obs = await store.getMacro(name, { to: job.end });
      if (obs.length === 0) {
        throw new DataError(
          `strategy needs macro series ${name}, but the database has none (run macro or demo first)`,
        );
      }
      const ts = obs.map((o) => o.ts);
      macroObs[name] = obs;
      macro.push({
        series: name,
        ts,
        value: obs.map((o) => o.value),
        availableAt: publicationTimes(ts),
      });
    }
  }

  const sources = Object.fromEntries(loaded.map((l) => [l.asset, l.source]));
  const result = runBacktest({
    series,
    // The service checksums its dataset once (node:crypto SHA-256); the engine then skips it.
    dataChecksum: dataChecksum(series, macro),
    interval,
    strategies,
    capital: job.capital,
    pipeline: job.pipeline,
    pipelineParams: job.pipelineParams,
    macro,
    commission: job.commission,
    commissionFixed: job.commissionFixed,
    slippageBps: job.slippageBps,
    fill: job.fill,
    units: job.units,
    closeAtEnd: job.closeAtEnd,
    periodsPerYear: job.periodsPerYear,
    riskFree: job.riskFree,
    manifestParams: {
      sources,
      start: job.start !== undefined ? isoTime(job.start) : null,
      end: job.end !== undefined ? isoTime(job.end) : null,
    },
  });
  const json = resultToJson(result, { warnings });

  // --check-lookahead: re-run on data truncated at sampled points (lib/signals/lookahead.ts).
  let lookahead: LookaheadReport | undefined;
  if (job.lookahead) {
    const history = new MarketHistory({
      interval,
      assets: series.map((s) => s.asset),
      bars: Object.fromEntries(loaded.map((l, i) => [l.asset, filled[i]])),
      macro: macroObs,
    });
    const warmup = Math.max(0, ...strategies.map((s) => s.warmup));
    lookahead = checkLookahead({
      history,
      points: samplePoints(history.decisionTimes(), job.lookahead.points, warmup),
      run: engineRun({
        capital: job.capital,
        commission: job.commission,
        commissionFixed: job.commissionFixed,
        slippageBps: job.slippageBps,
        fill: job.fill,
        units: job.units,
        closeAtEnd: job.closeAtEnd,
        makeStrategies: () => resolved.map((r) => r.definition.create(r.params)),
        makePipeline: job.lookahead.makePipeline,
      }),
    });
  }

  let runId: number | undefined;
  if (job.save ?? job.dataFile === undefined) {
    const store = deps.store?.();
    if (store) {
      runId = await store.saveBacktestRun({
        createdAt: (deps.now ?? Date.now)(),
        strategy: resolved.map((r) => r.definition.name).join(","),
        assets: [...result.assets],
        startTs: result.startTs,
        endTs: result.endTs,
        params: result.manifest.parameters as Record<string, unknown>,
        configHash: result.manifest.configHash,
        dataChecksum: result.manifest.dataChecksum,
        engineVersion: result.manifest.engineVersion,
        metrics: { ...result.metrics },
      });
    }
  }

  const written: string[] = [];
  if (job.outDir !== undefined) {
    const dir = job.outDir.replace(/\/+$/, "");
    await (deps.mkdir ?? ((p: string) => Deno.mkdir(p, { recursive: true })))(dir);
    const write = deps.writeTextFile ?? ((p: string, t: string) => Deno.writeTextFile(p, t));
    const files: [string, string][] = [
      ["result.json", stringifyResult(json) + "\n"],
      ["trades.csv", tradesCsv(result.trades)],
      ["equity.csv", equityCsv(result.equity)],
      [
        "report.html",
        renderHtml(result, {
          prices: series.map((s) => ({ asset: s.asset, ts: s.ts, close: s.close })),
          warnings,
        }),
      ],
    ];
    for (const [name, text] of files) {
      await write(`${dir}/${name}`, text);
      written.push(`${dir}/${name}`);
    }
  }
  return { result, json, warnings, runId, written, sources, lookahead };
}
