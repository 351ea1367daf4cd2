/**
 * Macro collection: FRED `series/observations` for every indicator (through a name map users can
 * extend), or — without `FRED_API_KEY` — VIX from CBOE's public history CSV, parsed by the
 * importer's CSV parser. Indicators that need FRED are then skipped with a clear message.
 *
 * Every value is stored with its vintage (the fetch time). A value that differs from the stored
 * one becomes a new revision (the store keeps both). FRED's `"."` (no value) is recorded as a
 * `missing_value` quality issue. Incremental: when the window is already covered, only a short
 * tail (`revisionDays`) is fetched again, to pick up late values and revisions.
 * @module
 */
import type { CboeClient } from "../clients/cboe/client.ts";
import type { FredClient } from "../clients/fred/client.ts";
import { fredSeriesId } from "../clients/fred/series.ts";
import type { MacroObservation } from "../core/candle.ts";
import {
  DATE_RANGE_TEXT,
  dateRangeProblem,
  DAY_MS,
  floorToInterval,
  isoDate,
} from "../core/time.ts";
import { getLogger } from "../log/logger.ts";
import { parseCsvText } from "../storage/csv/parse.ts";
import type { QualityIssue, RunItem, RunRecord, Store } from "../storage/store.ts";
import { closeInterruptedRuns, type CollectProgress } from "./collector.ts";
import { runOutcome } from "./run_outcome.ts";

/** Where to get a FRED key. */
export const FRED_KEY_HELP = "set FRED_API_KEY (free: https://fredaccount.stlouisfed.org/apikeys)";

/** Options for {@link collectMacro}. */
export interface MacroCollectOptions {
  indicators: readonly string[];
  days: number;
  nowMs: number;
  /** Present when FRED_API_KEY is set. */
  fred?: FredClient;
  cboe?: CboeClient;
  /** User name → FRED id pairs (merged over the built-in map). */
  seriesMap?: Readonly<Record<string, string>>;
  /** Days re-fetched at the end of an already covered series (default 14). */
  revisionDays?: number;
  signal?: AbortSignal;
  onProgress?: (p: CollectProgress) => void;
  params?: Record<string, unknown>;
  /** Removes configured secrets from an error text before it is stored, logged or reported. */
  redact?: (text: string) => string;
}

/** One indicator's outcome. */
export interface MacroItemReport extends RunItem {
  indicator: string;
  seriesId?: string;
  fetchedFrom?: number;
  inserted: number;
  revised: number;
  unchanged: number;
  missingValues: number;
  issues: number;
}

/** The outcome of a macro run. */
export interface MacroReport {
  runId: number;
  status: RunRecord["status"];
  rowsWritten: number;
  items: MacroItemReport[];
  error?: string;
}

/** Typical spacing of observations (median gap), at least one day. */
export function cadenceMs(obs: readonly MacroObservation[]): number {
  if (obs.length < 2) return DAY_MS;
  const gaps = obs.slice(1).map((o, i) => o.ts - obs[i].ts).sort((a, b) => a - b);
  return Math.max(DAY_MS, gaps[Math.floor(gaps.length / 2)]);
}

/**
 * A macro series is stale when its newest observation is older than three cadences plus two
 * days (daily: 5 days, covering weekends and holidays; monthly: about 3 months, covering the
 * publication lag).
 */
export function macroStaleAfterMs(cadence: number): number {
  return 3 * cadence + 2 * DAY_MS;
}

/** One run's shared state: what every indicator step reads, and the interruption reason. */
interface MacroRun {
  readonly store: Store;
  readonly o: MacroCollectOptions;
  readonly runId: number;
  readonly windowStart: number;
  readonly log: ReturnType<typeof getLogger>;
  /** CBOE's one CSV, fetched once for the run. */
  cboeCsv?: Promise<{ csv: string; endpoint: string }>;
  interrupted?: string;
}

/** What one fetch step gives: the observations and the quality issues found in them. */
interface Fetched {
  observations: MacroObservation[];
  quality: QualityIssue[];
}

/** Runs one macro collection (see the module doc). */
export async function collectMacro(store: Store, o: MacroCollectOptions): Promise<MacroReport> {
  const windowStart = floorToInterval(o.nowMs - o.days * DAY_MS, "1d");
  const runId = await store.startRun("macro", {
    indicators: o.indicators,
    days: o.days,
    from: isoDate(windowStart),
    fred: o.fred !== undefined,
    ...o.params,
  });
  await closeInterruptedRuns(store, "macro", runId);
  const run: MacroRun = { store, o, runId, windowStart, log: getLogger("macro") };
  const items: MacroItemReport[] = [];
  for (const [index, raw] of o.indicators.entries()) {
    items.push(await collectIndicator(run, raw.toUpperCase(), index));
  }
  await recordMacroStaleness(store, runId, items, o.nowMs);
  const { status, rowsWritten, error } = runOutcome(items, run.interrupted);
  await store.finishRun(runId, {
    status,
    rowsWritten,
    error,
    items: items.map((i) => ({
      source: i.source,
      subject: i.subject,
      status: i.status,
      rowsWritten: i.rowsWritten,
      error: i.error,
    })),
  });
  return { runId, status, rowsWritten, items, error };
}

/** Fetches, validates and stores one indicator; never throws (a failure is the item's status). */
async function collectIndicator(
  run: MacroRun,
  name: string,
  index: number,
): Promise<MacroItemReport> {
  const { o } = run;
  const source = o.fred ? "fred" : "cboe";
  const item: MacroItemReport = {
    source,
    subject: name,
    indicator: name,
    status: "success",
    rowsWritten: 0,
    inserted: 0,
    revised: 0,
    unchanged: 0,
    missingValues: 0,
    issues: 0,
  };
  if (o.signal?.aborted) {
    run.interrupted ??= reasonOf(o.signal);
    return { ...item, status: "skipped", error: `not attempted: ${run.interrupted}` };
  }
  o.onProgress?.({ type: "item", index, total: o.indicators.length, label: name });
  try {
    const fetched = o.fred
      ? await fetchFred(run, o.fred, item)
      : name === "VIX" && o.cboe
      ? await fetchCboeVix(run, o.cboe, item)
      : undefined;
    if (!fetched) return skipWithoutFred(run, item);
    await storeFetched(run, item, fetched);
  } catch (e) {
    await recordFailure(run, item, e);
  }
  return item;
}

/** FRED `series/observations` from the incremental start; `"."` values become issues. */
async function fetchFred(run: MacroRun, fred: FredClient, item: MacroItemReport): Promise<Fetched> {
  const name = item.indicator;
  const id = fredSeriesId(name, run.o.seriesMap);
  item.seriesId = id;
  const from = await fetchStart(run.store, name, "fred", run.windowStart, run.o.revisionDays ?? 14);
  item.fetchedFrom = from;
  const r = await fred.observations(id, { start: from });
  const quality = r.issues.map((i): QualityIssue => ({
    source: item.source,
    subject: name,
    kind: i.kind,
    ts: i.ts,
    field: i.field,
    detail: `${id}: ${i.detail}`,
    location: i.location,
  }));
  item.missingValues = r.issues.filter((i) => i.kind === "missing_value").length;
  // The date bound of every other entry point (CSV import, date flags): a payload dated in year
  // 0024 is kept out of the store, which could otherwise never re-import its own export.
  const observations = r.observations.filter((o) => {
    const problem = dateRangeProblem(o.ts);
    if (problem) {
      quality.push({
        source: item.source,
        subject: name,
        kind: "out_of_range",
        ts: o.ts,
        field: "date",
        detail: `${id}: ${
          isoDate(o.ts)
        } is out of range: ${problem} (accepted: ${DATE_RANGE_TEXT})`,
        location: `fred /series/observations?series_id=${id}`,
      });
    }
    return !problem;
  });
  return { observations, quality };
}

/** VIX from CBOE's history CSV (fetched once per run), parsed by the importer's CSV parser. */
async function fetchCboeVix(
  run: MacroRun,
  cboe: CboeClient,
  item: MacroItemReport,
): Promise<Fetched> {
  item.seriesId = "VIX_History.csv";
  run.cboeCsv ??= cboe.vixHistory();
  const { csv, endpoint } = await run.cboeCsv;
  const parsed = parseCsvText(csv, {
    file: "VIX_History.csv",
    series: "VIX",
    source: "cboe",
    skipBadRows: true,
  });
  item.fetchedFrom = run.windowStart;
  const quality: QualityIssue[] = [];
  for (const i of parsed.issues) {
    if (i.ts !== undefined && i.ts < run.windowStart) continue;
    quality.push({
      ...i,
      source: item.source,
      subject: item.indicator,
      location: i.location ?? endpoint,
    });
  }
  return { observations: parsed.observations.filter((x) => x.ts >= run.windowStart), quality };
}

/** An indicator only FRED serves, with no key: skipped, with where to get one. */
function skipWithoutFred(run: MacroRun, item: MacroItemReport): MacroItemReport {
  const name = item.indicator;
  item.status = "skipped";
  item.error = run.o.cboe && name !== "VIX"
    ? `${name} needs FRED: ${FRED_KEY_HELP} (without a key only VIX is collected, from CBOE)`
    : `${name} needs FRED: ${FRED_KEY_HELP}`;
  run.log.warn("skipped", { indicator: name, reason: item.error });
  run.o.onProgress?.({ type: "note", label: name, message: item.error });
  return item;
}

/** Stores the values with this run's vintage and their issues, in one transaction. */
async function storeFetched(run: MacroRun, item: MacroItemReport, f: Fetched): Promise<void> {
  const { store } = run;
  const r = await store.transaction(async () => {
    const res = await store.upsertMacro(item.indicator, item.source, f.observations, run.o.nowMs);
    if (f.quality.length) await store.recordQualityIssues(f.quality, run.runId);
    return res;
  });
  item.inserted = r.inserted;
  item.revised = r.revised;
  item.unchanged = r.unchanged;
  item.rowsWritten = r.inserted + r.revised;
  item.issues = f.quality.length;
  run.log.info("collected", { indicator: item.indicator, source: item.source, ...r });
}

/** Marks the item failed (or interrupted), redacted; an invalid payload is a quality issue. */
async function recordFailure(run: MacroRun, item: MacroItemReport, e: unknown): Promise<void> {
  const { o } = run;
  item.status = "failed";
  if (o.signal?.aborted) {
    run.interrupted ??= reasonOf(o.signal);
    item.error = `interrupted: ${run.interrupted}`;
    return;
  }
  item.error = o.redact ? o.redact((e as Error).message) : (e as Error).message;
  run.log.warn("collection failed", { indicator: item.indicator, error: item.error });
  if (!/invalid payload/.test(item.error)) return;
  await run.store.recordQualityIssues([{
    source: item.source,
    subject: item.indicator,
    kind: "invalid_payload",
    field: /field ([^:\s]+)/.exec(item.error)?.[1],
    detail: item.error,
    location: (e as { where?: string }).where,
  }], run.runId);
}

function reasonOf(signal: AbortSignal): string {
  return String((signal.reason as Error)?.message ?? signal.reason);
}

/**
 * Where to start fetching: the window start when the stored series does not reach back to it,
 * else `revisionDays` before the newest stored observation.
 */
async function fetchStart(
  store: Store,
  series: string,
  source: string,
  windowStart: number,
  revisionDays: number,
): Promise<number> {
  const stored = await store.getMacro(series, { source, from: windowStart - 400 * DAY_MS });
  if (stored.length === 0) return windowStart;
  const cadence = cadenceMs(stored);
  const first = stored[0].ts;
  if (first > windowStart + cadence + 3 * DAY_MS) return windowStart;
  return Math.max(windowStart, stored[stored.length - 1].ts - revisionDays * DAY_MS);
}

async function recordMacroStaleness(
  store: Store,
  runId: number,
  items: readonly MacroItemReport[],
  nowMs: number,
): Promise<void> {
  const issues: QualityIssue[] = [];
  for (const i of items) {
    if (i.status === "skipped") continue;
    const obs = await store.getMacro(i.indicator, { source: i.source });
    if (obs.length === 0) continue;
    const last = obs[obs.length - 1].ts;
    const limit = macroStaleAfterMs(cadenceMs(obs.slice(-30)));
    if (nowMs - last > limit) {
      issues.push({
        source: i.source,
        subject: i.indicator,
        kind: "stale",
        ts: last,
        detail: `newest observation is ${isoDate(last)}, ${
          Math.floor((nowMs - last) / DAY_MS)
        } days before this run`,
      });
    }
  }
  if (issues.length) await store.recordQualityIssues(issues, runId);
}
