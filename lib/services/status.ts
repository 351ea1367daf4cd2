/**
 * Collection status (the seed's `get_collection_status`): success rate of recent runs (collect,
 * macro and import), the recent imports, the assets whose latest collection failed, the freshness
 * of every stored series with stale ones flagged, a summary of the data-quality ledger —
 * open entries, and those later data resolved — and each scheduled job's last run, last success
 * and last failure (`deno task schedule`).
 * @module
 */
import { type Interval, nextBarTs } from "../core/time.ts";
import type { JobState, RunRecord, Store, StoredQualityIssue } from "../storage/store.ts";
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
    /** Of `running`: runs whose process is gone (their lease was released or expired). */
    abandoned: number;
    /** Successful runs / finished runs; `null` when there are none. */
    successRate: number | null;
    /** Successful items / attempted items over those runs; `null` when there are none. */
    itemSuccessRate: number | null;
    last: Record<string, Omit<RunRecord, "items" | "params">>;
    /** The most recent imports, newest first. */
    imports: ImportRun[];
  };
  failedAssets: FailedItem[];
  /** Each scheduled job (by name): newest run, last success, last failure, skipped slots. */
  jobs: JobState[];
  series: SeriesStatus[];
  quality: {
    /** Every ledger entry, open or resolved. */
    total: number;
    /** Entries still open: what `backtest --strict` looks at. */
    open: number;
    /** Entries that later data resolved (kept as history). */
    resolved: number;
    /** Open entries by kind. */
    byKind: Record<string, number>;
    bySeries: {
      source: string;
      subject: string;
      interval?: string;
      kinds: Record<string, number>;
    }[];
    /** The newest open entries. */
    recent: StoredQualityIssue[];
    /** The most recently resolved entries. */
    recentlyResolved: StoredQualityIssue[];
  };
}

/** One import run, as `status` lists it. */
export interface ImportRun {
  runId: number;
  status: RunRecord["status"];
  startedAt: number;
  finishedAt?: number;
  /** The file as the user named it. */
  file: string;
  /** Detected format. */
  format?: string;
  /** Asset or macro series imported. */
  subject?: string;
  rowsWritten: number;
  /** Data-quality issues found in the file. */
  issues: number;
  error?: string;
}

/** Options for {@link collectionStatus}. */
export interface StatusOptions {
  nowMs: number;
  /** Runs considered for the success rates (default 20). */
  runLimit?: number;
  /** Tasks whose runs count (default collect, macro, import and funding). */
  tasks?: readonly string[];
  /** Newest quality issues listed (default 10). */
  recentIssues?: number;
  /** Recent imports listed (default 10). */
  recentImports?: number;
}

/** Builds the status report from the store. */
export async function collectionStatus(store: Store, o: StatusOptions): Promise<StatusReport> {
  const tasks = o.tasks ?? ["collect", "macro", "import", "funding"];
  const runs = (await store.listRuns({ limit: 500 })).filter((r) => tasks.includes(r.task));
  return {
    generatedAt: o.nowMs,
    runs: runSummary(runs, o),
    failedAssets: failingNow(runs),
    jobs: await store.jobStates(),
    series: [...await priceFreshness(store, o.nowMs), ...await macroFreshness(store, o.nowMs)],
    quality: await qualitySummary(store, o.recentIssues ?? 10),
  };
}

/** Success rates of the recent finished runs, the last run of each task, the recent imports. */
function runSummary(runs: readonly RunRecord[], o: StatusOptions): StatusReport["runs"] {
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
  return {
    considered: finished.length,
    success: count("success"),
    partial: count("partial"),
    failed: count("failed"),
    running: runs.filter((r) => r.status === "running").length,
    abandoned: runs.filter((r) => r.status === "running" && r.live === false).length,
    successRate: finished.length ? count("success") / finished.length : null,
    itemSuccessRate: itemsAttempted ? itemsOk / itemsAttempted : null,
    last,
    imports: runs.filter((r) => r.task === "import").slice(0, o.recentImports ?? 10).map(
      toImportRun,
    ),
  };
}

/** The newest outcome per (task, source, subject, interval) that is a failure. */
function failingNow(runs: readonly RunRecord[]): FailedItem[] {
  // Runs are newest first: the first outcome seen of an item is its latest.
  const seen = new Set<string>();
  const failed: FailedItem[] = [];
  for (const r of runs) {
    if (r.status === "running") continue;
    for (const i of r.items) {
      const k = `${r.task}|${i.source}|${i.subject}|${i.interval ?? ""}`;
      if (seen.has(k) || i.status === "skipped") continue;
      seen.add(k);
      if (i.status !== "failed") continue;
      failed.push({
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
  return failed;
}

async function priceFreshness(store: Store, nowMs: number): Promise<SeriesStatus[]> {
  return (await store.listSeries()).map((s) => {
    const age = nowMs - nextBarTs(s.lastTs, s.interval as Interval);
    const limit = staleAfterMs(s.interval as Interval);
    return {
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
    };
  });
}

async function macroFreshness(store: Store, nowMs: number): Promise<SeriesStatus[]> {
  const out: SeriesStatus[] = [];
  for (const m of await store.listMacroSeries()) {
    const recent = await store.getMacro(m.series, {
      source: m.source,
      from: m.lastTs - 400 * 86_400_000,
    });
    const limit = macroStaleAfterMs(cadenceMs(recent.slice(-30)));
    const age = nowMs - m.lastTs;
    out.push({
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
  return out;
}

function toImportRun(r: RunRecord): ImportRun {
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    runId: r.id,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    file: text(r.params.file) ?? "?",
    format: text(r.params.format),
    subject: text(r.params.subject) ?? r.items[0]?.subject,
    rowsWritten: r.rowsWritten,
    issues: r.issues,
    error: r.error,
  };
}

async function qualitySummary(store: Store, recentCount: number): Promise<StatusReport["quality"]> {
  const all = await store.listQualityIssues({ state: "all" });
  const open = all.filter((i) => i.resolvedAt === undefined);
  const resolved = all.filter((i) => i.resolvedAt !== undefined);
  const byKind: Record<string, number> = {};
  const groups = new Map<string, StatusReport["quality"]["bySeries"][number]>();
  for (const i of open) {
    byKind[i.kind] = (byKind[i.kind] ?? 0) + 1;
    const k = `${i.source}|${i.subject}|${i.interval ?? ""}`;
    let g = groups.get(k);
    if (!g) {
      g = { source: i.source, subject: i.subject, interval: i.interval, kinds: {} };
      groups.set(k, g);
    }
    g.kinds[i.kind] = (g.kinds[i.kind] ?? 0) + 1;
  }
  return {
    total: all.length,
    open: open.length,
    resolved: resolved.length,
    byKind,
    bySeries: [...groups.values()],
    recent: [...open].sort((a, b) => b.lastSeen - a.lastSeen || b.id - a.id).slice(0, recentCount),
    recentlyResolved: [...resolved].sort((a, b) => b.resolvedAt! - a.resolvedAt! || b.id - a.id)
      .slice(0, recentCount),
  };
}
