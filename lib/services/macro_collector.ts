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
import { DAY_MS, floorToInterval, isoDate } from "../core/time.ts";
import { getLogger } from "../log/logger.ts";
import { parseCsvText } from "../storage/csv/parse.ts";
import type { QualityIssue, RunItem, RunRecord, Store } from "../storage/store.ts";
import { closeInterruptedRuns, type CollectProgress } from "./collector.ts";

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

/** Runs one macro collection (see the module doc). */
export async function collectMacro(store: Store, o: MacroCollectOptions): Promise<MacroReport> {
  const log = getLogger("macro");
  const windowStart = floorToInterval(o.nowMs - o.days * DAY_MS, "1d");
  const runId = await store.startRun("macro", {
    indicators: o.indicators,
    days: o.days,
    from: isoDate(windowStart),
    fred: o.fred !== undefined,
    ...o.params,
  });
  await closeInterruptedRuns(store, "macro", runId);
  const items: MacroItemReport[] = [];
  let interrupted: string | undefined;
  let cboeCsv: Promise<{ csv: string; endpoint: string }> | undefined;

  for (const [index, raw] of o.indicators.entries()) {
    const name = raw.toUpperCase();
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
      interrupted ??= reasonOf(o.signal);
      items.push({ ...item, status: "skipped", error: `not attempted: ${interrupted}` });
      continue;
    }
    o.onProgress?.({ type: "item", index, total: o.indicators.length, label: name });
    try {
      let observations: MacroObservation[];
      const quality: QualityIssue[] = [];
      if (o.fred) {
        const id = fredSeriesId(name, o.seriesMap);
        item.seriesId = id;
        const from = await fetchStart(store, name, "fred", windowStart, o.revisionDays ?? 14);
        item.fetchedFrom = from;
        const r = await o.fred.observations(id, { start: from });
        observations = r.observations;
        for (const i of r.issues) {
          quality.push({
            source,
            subject: name,
            kind: i.kind,
            ts: i.ts,
            field: i.field,
            detail: `${id}: ${i.detail}`,
            location: i.location,
          });
        }
        item.missingValues = r.issues.filter((i) => i.kind === "missing_value").length;
      } else if (name === "VIX" && o.cboe) {
        item.seriesId = "VIX_History.csv";
        cboeCsv ??= o.cboe.vixHistory();
        const { csv, endpoint } = await cboeCsv;
        const parsed = parseCsvText(csv, {
          file: "VIX_History.csv",
          series: "VIX",
          source: "cboe",
          skipBadRows: true,
        });
        item.fetchedFrom = windowStart;
        observations = parsed.observations.filter((x) => x.ts >= windowStart);
        for (const i of parsed.issues) {
          if (i.ts !== undefined && i.ts < windowStart) continue;
          quality.push({ ...i, source, subject: name, location: i.location ?? endpoint });
        }
      } else {
        item.status = "skipped";
        item.error = o.cboe && name !== "VIX"
          ? `${name} needs FRED: ${FRED_KEY_HELP} (without a key only VIX is collected, from CBOE)`
          : `${name} needs FRED: ${FRED_KEY_HELP}`;
        log.warn("skipped", { indicator: name, reason: item.error });
        o.onProgress?.({ type: "note", label: name, message: item.error });
        items.push(item);
        continue;
      }
      const vintage = o.nowMs;
      const r = await store.transaction(async () => {
        const res = await store.upsertMacro(name, source, observations, vintage);
        if (quality.length) await store.recordQualityIssues(quality, runId);
        return res;
      });
      item.inserted = r.inserted;
      item.revised = r.revised;
      item.unchanged = r.unchanged;
      item.rowsWritten = r.inserted + r.revised;
      item.issues = quality.length;
      log.info("collected", { indicator: name, source, ...r });
    } catch (e) {
      item.status = "failed";
      if (o.signal?.aborted) {
        interrupted ??= reasonOf(o.signal);
        item.error = `interrupted: ${interrupted}`;
      } else {
        item.error = o.redact ? o.redact((e as Error).message) : (e as Error).message;
        log.warn("collection failed", { indicator: name, error: item.error });
        if (/invalid payload/.test(item.error)) {
          await store.recordQualityIssues([{
            source,
            subject: name,
            kind: "invalid_payload",
            field: /field ([^:\s]+)/.exec(item.error)?.[1],
            detail: item.error,
            location: (e as { where?: string }).where,
          }], runId);
        }
      }
    }
    items.push(item);
  }

  await recordMacroStaleness(store, runId, items, o.nowMs);
  const failed = items.filter((i) => i.status === "failed").length;
  const attempted = items.filter((i) => i.status !== "skipped").length;
  const rowsWritten = items.reduce((n, i) => n + i.rowsWritten, 0);
  const status: RunRecord["status"] = failed === 0 && !interrupted
    ? "success"
    : (failed === attempted && failed > 0) || (interrupted && rowsWritten === 0)
    ? "failed"
    : "partial";
  const error = interrupted
    ? `interrupted: ${interrupted}`
    : failed
    ? `${failed} of ${items.length} failed: ${
      items.filter((i) => i.status === "failed").map((i) => i.indicator).join(", ")
    }`
    : undefined;
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
