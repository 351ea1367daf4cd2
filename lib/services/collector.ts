/**
 * Price collection: for each (source, asset, interval), work out which complete bars of the
 * requested window are missing from the store, fetch only those, validate, and write them with
 * their quality findings in one transaction. The run and each item's outcome are recorded.
 *
 * Incremental rules:
 * - the window is the last `days` worth of complete bars (the bar still forming is never stored);
 * - bars already stored are not fetched again; holes inside the window are fetched (backfill);
 * - bars the source was asked for but does not have, while it has a later bar, are recorded as a
 *   `gap` issue and not asked for again (unless `refetchGaps`); the newest bars, after the last
 *   one the source returned, are only "not published yet" (CoinGecko makes a day's 00:00 point
 *   available some time after midnight) and are asked for again on the next run;
 * - rows are upserted by (source, asset, interval, ts), so nothing is ever duplicated.
 *
 * One asset's failure (network, rate limit, invalid payload) is recorded and the others go on.
 * A crash or kill between assets loses nothing committed: each asset is one transaction.
 * @module
 */
import type { PayloadIssue } from "../clients/issues.ts";
import { floorToInterval, type Interval, intervalMs, isoTime, nextBarTs } from "../core/time.ts";
import { getLogger } from "../log/logger.ts";
import type { QualityIssue, RunItem, RunRecord, RunStore, Store } from "../storage/store.ts";
import type { PriceSource } from "./price_sources.ts";
import { runOutcome } from "./run_outcome.ts";

/** Progress events for a terminal display. */
export type CollectProgress =
  | { type: "item"; index: number; total: number; label: string }
  | { type: "page"; label: string; rows: number }
  | { type: "note"; label: string; message: string };

/** Options for {@link collectPrices}. */
export interface CollectOptions {
  source: PriceSource;
  assets: readonly string[];
  interval: Interval;
  /** How many days of complete bars the window spans. */
  days: number;
  nowMs: number;
  /** Ask again for bars earlier recorded as missing at the source. */
  refetchGaps?: boolean;
  /** Stops between assets (and aborts the request in flight, through the clients). */
  signal?: AbortSignal;
  onProgress?: (p: CollectProgress) => void;
  /** Recorded with the run. */
  params?: Record<string, unknown>;
  task?: string;
  /** Removes configured secrets from an error text before it is stored, logged or reported. */
  redact?: (text: string) => string;
}

/** One item's outcome, with more detail than the stored {@link RunItem}. */
export interface CollectItemReport extends RunItem {
  asset: string;
  requests: number;
  fetchedFrom?: number;
  fetchedTo?: number;
  inserted: number;
  updated: number;
  missingBefore: number;
  missingAfter: number;
  /** Of `missingAfter`: the newest bars, not returned yet, asked for again next run. */
  pending: number;
  issues: number;
  via?: string;
}

/** The outcome of a collection run. */
export interface CollectReport {
  runId: number;
  status: RunRecord["status"];
  rowsWritten: number;
  window: { from: number; to: number };
  items: CollectItemReport[];
  error?: string;
}

/** Bar starts from `from` to `to` inclusive. */
export function barStarts(from: number, to: number, interval: Interval): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t = nextBarTs(t, interval)) out.push(t);
  return out;
}

/**
 * The window of complete bars covering the last `days` before `nowMs`: `to` is the start of the
 * last bar that has ended, `from` the start of the earliest bar within `days`.
 */
export function collectionWindow(
  interval: Interval,
  days: number,
  nowMs: number,
): { from: number; to: number } {
  const current = floorToInterval(nowMs, interval);
  const to = floorToInterval(current - 1, interval);
  const count = Math.max(1, Math.floor((days * 86_400_000) / intervalMs(interval)));
  let from = to;
  for (let i = 1; i < count; i++) from = floorToInterval(from - 1, interval);
  return { from, to };
}

/** Contiguous runs of `ts` values (one bar apart) as `[first, last]` pairs. */
export function runsOf(ts: readonly number[], interval: Interval): [number, number][] {
  const out: [number, number][] = [];
  for (const t of ts) {
    const last = out[out.length - 1];
    if (last && nextBarTs(last[1], interval) === t) last[1] = t;
    else out.push([t, t]);
  }
  return out;
}

function toQuality(
  issues: readonly PayloadIssue[],
  source: string,
  asset: string,
  interval: string,
): QualityIssue[] {
  return issues.map((i) => ({
    source,
    subject: asset,
    interval,
    kind: i.kind,
    ts: i.ts,
    field: i.field,
    detail: i.detail,
    location: i.location,
  }));
}

/**
 * Marks earlier runs of `task` whose process died before finishing them as failed
 * ("interrupted"). Runs of processes still alive — a concurrent collect — are left alone: the
 * store tells them apart by their lease.
 */
export async function closeInterruptedRuns(
  store: RunStore,
  task: string,
  runId: number,
): Promise<number[]> {
  return await store.closeAbandonedRuns(
    task,
    `interrupted: the process ended before the run finished (noticed by run ${runId}); ` +
      "assets committed before that are kept",
  );
}

/** A series is stale when its newest complete bar ended more than this long ago. */
export function staleAfterMs(interval: Interval): number {
  return Math.max(2 * intervalMs(interval), 2 * 3_600_000);
}

/** Runs one collection (see the module doc). */
export async function collectPrices(store: Store, o: CollectOptions): Promise<CollectReport> {
  const source = o.source.name;
  const window = collectionWindow(o.interval, o.days, o.nowMs);
  const task = o.task ?? "collect";
  const runId = await store.startRun(task, {
    source,
    assets: o.assets,
    interval: o.interval,
    days: o.days,
    from: isoTime(window.from),
    to: isoTime(window.to),
    ...o.params,
  });
  await closeInterruptedRuns(store, task, runId);
  const run: AssetRun = { runId, window, wanted: barStarts(window.from, window.to, o.interval) };
  const items: CollectItemReport[] = [];
  for (const [index, asset] of o.assets.entries()) {
    if (o.signal?.aborted) {
      run.interrupted ??= abortReason(o.signal);
      items.push(
        emptyItem(source, asset, o.interval, "skipped", `not attempted: ${run.interrupted}`),
      );
      continue;
    }
    o.onProgress?.({
      type: "item",
      index,
      total: o.assets.length,
      label: `${source}:${asset}@${o.interval}`,
    });
    items.push(await collectAsset(store, o, asset, run));
  }

  await recordStaleness(store, runId, source, o.assets, o.interval, o.nowMs);
  const { status, rowsWritten, error } = runOutcome(items, run.interrupted);
  await store.finishRun(runId, {
    status,
    rowsWritten,
    issues: items.reduce((n, i) => n + i.issues, 0),
    error,
    items: items.map(toRunItem),
  });
  return { runId, status, rowsWritten, window, items, error };
}

/** What the assets of one run share. */
interface AssetRun {
  runId: number;
  window: { from: number; to: number };
  /** Every bar start of the window. */
  wanted: number[];
  /** Set once the run was interrupted (Ctrl-C, SIGTERM): why. */
  interrupted?: string;
}

function abortReason(signal: AbortSignal): string {
  return String((signal.reason as Error)?.message ?? signal.reason);
}

/** Fetches the missing bars of one asset and stores them with their findings (one transaction). */
async function collectAsset(
  store: Store,
  o: CollectOptions,
  asset: string,
  run: AssetRun,
): Promise<CollectItemReport> {
  const log = getLogger("collector");
  const source = o.source.name;
  const label = `${source}:${asset}@${o.interval}`;
  const key = { source, asset, interval: o.interval };
  const item = emptyItem(source, asset, o.interval, "success");
  try {
    const stored = new Set(
      (await store.getCandles(key, run.window)).map((c) => c.ts),
    );
    const knownGaps = o.refetchGaps ? new Set<number>() : await knownSourceGaps(store, key);
    const missing = run.wanted.filter((t) => !stored.has(t) && !knownGaps.has(t));
    item.missingBefore = missing.length;
    if (missing.length === 0) {
      log.info("up to date", { series: label });
      o.onProgress?.({ type: "note", label, message: "up to date" });
      return item;
    }
    item.fetchedFrom = missing[0];
    item.fetchedTo = missing[missing.length - 1];
    const fetched = await o.source.fetch(
      asset,
      o.interval,
      { from: missing[0], to: missing[missing.length - 1], nowMs: o.nowMs },
      (rows) => o.onProgress?.({ type: "page", label, rows }),
    );
    item.requests = fetched.requests;
    item.via = fetched.via;
    const got = new Set(fetched.candles.map((c) => c.ts));
    const stillMissing = missing.filter((t) => !got.has(t));
    item.missingAfter = stillMissing.length;
    const quality = toQuality(fetched.issues, source, asset, o.interval);
    // Only a hole before a bar the source did return is a gap at the source; bars after its
    // newest one may simply not be published yet, so they stay missing and are asked for again.
    const newest = fetched.candles.reduce((m, c) => Math.max(m, c.ts), -Infinity);
    const sourceGaps = stillMissing.filter((t) => t < newest);
    item.pending = stillMissing.length - sourceGaps.length;
    quality.push(...gapIssues(source, asset, o.interval, sourceGaps));
    const toWrite = fetched.candles.filter((c) => c.ts >= run.window.from && c.ts <= run.window.to);
    const result = await store.transaction(async () => {
      const r = await store.upsertCandles(key, toWrite, { runId: run.runId });
      if (quality.length) await store.recordQualityIssues(quality, run.runId);
      return r;
    });
    item.inserted = result.inserted;
    item.updated = result.updated;
    item.rowsWritten = result.inserted + result.updated;
    item.issues = quality.length;
    log.info("collected", {
      series: label,
      inserted: result.inserted,
      updated: result.updated,
      requests: fetched.requests,
      via: fetched.via,
    });
  } catch (e) {
    item.status = "failed";
    if (o.signal?.aborted) {
      run.interrupted ??= abortReason(o.signal);
      item.error = `interrupted: ${run.interrupted}`;
    } else {
      item.error = o.redact ? o.redact((e as Error).message) : (e as Error).message;
      log.warn("collection failed", { series: label, error: item.error });
      await recordFailure(store, run.runId, source, asset, o.interval, e as Error, item.error);
    }
  }
  return item;
}

/** One `gap` finding per run of consecutive bars the source did not return. */
function gapIssues(
  source: string,
  asset: string,
  interval: Interval,
  missing: readonly number[],
): QualityIssue[] {
  return runsOf(missing, interval).map(([a, b]) => ({
    source,
    subject: asset,
    interval,
    kind: "gap",
    ts: a,
    tsEnd: nextBarTs(b, interval),
    missingBars: missing.filter((t) => t >= a && t <= b).length,
    detail: `${source} returned no ${interval} bar from ${isoTime(a)} to ${isoTime(b)}; ` +
      "not asked for again (collect --refetch-gaps does)",
    location: `${source} ${asset}`,
  }));
}

function emptyItem(
  source: string,
  asset: string,
  interval: string,
  status: RunItem["status"],
  error?: string,
): CollectItemReport {
  return {
    source,
    subject: asset,
    asset,
    interval,
    status,
    rowsWritten: 0,
    error,
    requests: 0,
    inserted: 0,
    updated: 0,
    missingBefore: 0,
    missingAfter: 0,
    pending: 0,
    issues: 0,
  };
}

function toRunItem(i: CollectItemReport): RunItem {
  return {
    source: i.source,
    subject: i.subject,
    interval: i.interval,
    status: i.status,
    rowsWritten: i.rowsWritten,
    error: i.error,
  };
}

async function knownSourceGaps(
  store: Store,
  key: { source: string; asset: string; interval: Interval },
): Promise<Set<number>> {
  const out = new Set<number>();
  const gaps = await store.listQualityIssues({
    subject: key.asset,
    source: key.source,
    kind: "gap",
  });
  for (const g of gaps) {
    if (g.interval !== key.interval || g.ts === undefined || g.tsEnd === undefined) continue;
    for (let t = g.ts; t < g.tsEnd; t = nextBarTs(t, key.interval)) out.add(t);
  }
  return out;
}

/** An invalid payload (or any failure) goes to the ledger too, so `status` can show it. */
async function recordFailure(
  store: Store,
  runId: number,
  source: string,
  subject: string,
  interval: string,
  e: Error,
  message: string,
): Promise<void> {
  const invalid = /invalid payload/.test(message);
  if (!invalid) return;
  const field = /field ([^:\s]+)/.exec(message)?.[1];
  await store.recordQualityIssues([{
    source,
    subject,
    interval,
    kind: "invalid_payload",
    field,
    detail: message,
    location: (e as { where?: string }).where,
  }], runId);
}

async function recordStaleness(
  store: Store,
  runId: number,
  source: string,
  assets: readonly string[],
  interval: Interval,
  nowMs: number,
): Promise<void> {
  const issues: QualityIssue[] = [];
  for (const s of await store.listSeries()) {
    if (s.source !== source || s.interval !== interval || !assets.includes(s.asset)) continue;
    const end = nextBarTs(s.lastTs, interval);
    const age = nowMs - end;
    if (age > staleAfterMs(interval)) {
      issues.push({
        source,
        subject: s.asset,
        interval,
        kind: "stale",
        ts: s.lastTs,
        detail: `newest ${interval} bar ended ${isoTime(end)}, ${
          Math.round(age / 3_600_000)
        } h before this run`,
      });
    }
  }
  if (issues.length) await store.recordQualityIssues(issues, runId);
}
