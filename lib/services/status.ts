/**
 * Collection status (the seed's `get_collection_status`): success rate of recent runs, the assets
 * whose latest collection failed, the freshness of every stored series with stale ones flagged,
 * and a summary of the data-quality ledger.
 * @module
 */
import { type Interval, nextBarTs } from "../core/time.ts";
import type { RunRecord, Store, StoredQualityIssue } from "../storage/store.ts";
import { staleAfterMs } from "./collector.ts";
import { cadenceMs, macroStaleAfterMs } from "./macro_collector.ts";

/** Freshness of one stored series. */
export interface SeriesStatus {
  kind: "price" | "macro";
  source: string;
  /** Asset or macro series. */
  subject: string;
  interval?: string;
  count: number;
  firstTs: number;
  lastTs: number;
  /** Time since the newest bar ended (price) or since the newest observation's date (macro). */
  ageMs: number;
  staleAfterMs: number;
  stale: boolean;
  /** Macro only: values that were revised at least once. */
  revisions?: number;
}

/** The latest outcome of an item that failed. */
export interface FailedItem {
  task: string;
  runId: number;
  at: number;
  source: string;
  subject: string;
  interval?: string;
  error?: string;
}

/** Everything `deno task status` shows. */
export interface StatusReport {
  generatedAt: number;
  runs: {
    /** Finished runs looked at (the most recent `runLimit`). */
    considered: number;
    success: number;
    partial: number;
    failed: number;
    /** Runs without an end: in progress, or killed (the next run of that task marks them). */
    running: number;
    /** Successful runs / finished runs; `null` when there are none. */
    successRate: number | null;
    /** Successful items / attempted items over those runs; `null` when there are none. */
    itemSuccessRate: number | null;
    last: Record<string, Omit<RunRecord, "items" | "params">>;
  };
  failedAssets: FailedItem[];
  series: SeriesStatus[];
  quality: {
    total: number;
    byKind: Record<string, number>;
    bySeries: {
      source: string;
      subject: string;
      interval?: string;
      kinds: Record<string, number>;
    }[];
    recent: StoredQualityIssue[];
  };
}

/** Options for {@link collectionStatus}. */
export interface StatusOptions {
  nowMs: number;
  /** Runs considered for the success rates (default 20). */
  runLimit?: number;
  /** Tasks whose runs count (default collect and macro). */
  tasks?: readonly string[];
  /** Newest quality issues listed (default 10). */
  recentIssues?: number;
}

/** Builds the status report from the store. */
export async function collectionStatus(store: Store, o: StatusOptions): Promise<StatusReport> {
  const tasks = o.tasks ?? ["collect", "macro"];
  const runs = (await store.listRuns({ limit: 500 })).filter((r) => tasks.includes(r.task));
  const finished = runs.filter((r) => r.status !== "running").slice(0, o.runLimit ?? 20);
  const count = (s: RunRecord["status"]) => finished.filter((r) => r.status === s).length;
  let itemsOk = 0, itemsAttempted = 0;
  for (const r of finished) {
    for (const i of r.items) {
      if (i.status === "skipped") continue;
      itemsAttempted++;
      if (i.status === "success") itemsOk++;
    }
  }
  const last: StatusReport["runs"]["last"] = {};
  for (const r of runs) {
    if (last[r.task]) continue;
    const { items: _i, params: _p, ...rest } = r;
    last[r.task] = rest;
  }

  // The newest outcome per (task, source, subject, interval); runs are newest first.
  const seen = new Set<string>();
  const failedAssets: FailedItem[] = [];
  for (const r of runs) {
    if (r.status === "running") continue;
    for (const i of r.items) {
      const k = `${r.task}|${i.source}|${i.subject}|${i.interval ?? ""}`;
      if (seen.has(k) || i.status === "skipped") continue;
      seen.add(k);
      if (i.status === "failed") {
        failedAssets.push({
          task: r.task,
          runId: r.id,
          at: r.finishedAt ?? r.startedAt,
          source: i.source,
          subject: i.subject,
          interval: i.interval,
          error: i.error,
        });
      }
    }
  }

  const series: SeriesStatus[] = [];
  for (const s of await store.listSeries()) {
    const age = o.nowMs - nextBarTs(s.lastTs, s.interval as Interval);
    const limit = staleAfterMs(s.interval as Interval);
    series.push({
      kind: "price",
      source: s.source,
      subject: s.asset,
      interval: s.interval,
      count: s.count,
      firstTs: s.firstTs,
      lastTs: s.lastTs,
      ageMs: age,
      staleAfterMs: limit,
      stale: age > limit,
    });
  }
  for (const m of await store.listMacroSeries()) {
    const recent = await store.getMacro(m.series, {
      source: m.source,
      from: m.lastTs - 400 * 86_400_000,
    });
    const limit = macroStaleAfterMs(cadenceMs(recent.slice(-30)));
    const age = o.nowMs - m.lastTs;
    series.push({
      kind: "macro",
      source: m.source,
      subject: m.series,
      count: m.count,
      firstTs: m.firstTs,
      lastTs: m.lastTs,
      ageMs: age,
      staleAfterMs: limit,
      stale: age > limit,
      revisions: m.revisions,
    });
  }

  const issues = await store.listQualityIssues();
  const byKind: Record<string, number> = {};
  const groups = new Map<string, StatusReport["quality"]["bySeries"][number]>();
  for (const i of issues) {
    byKind[i.kind] = (byKind[i.kind] ?? 0) + 1;
    const k = `${i.source}|${i.subject}|${i.interval ?? ""}`;
    let g = groups.get(k);
    if (!g) {
      g = { source: i.source, subject: i.subject, interval: i.interval, kinds: {} };
      groups.set(k, g);
    }
    g.kinds[i.kind] = (g.kinds[i.kind] ?? 0) + 1;
  }
  const recent = [...issues].sort((a, b) => b.lastSeen - a.lastSeen || b.id - a.id).slice(
    0,
    o.recentIssues ?? 10,
  );

  return {
    generatedAt: o.nowMs,
    runs: {
      considered: finished.length,
      success: count("success"),
      partial: count("partial"),
      failed: count("failed"),
      running: runs.filter((r) => r.status === "running").length,
      successRate: finished.length ? count("success") / finished.length : null,
      itemSuccessRate: itemsAttempted ? itemsOk / itemsAttempted : null,
      last,
    },
    failedAssets,
    series,
    quality: { total: issues.length, byKind, bySeries: [...groups.values()], recent },
  };
}
