/**
 * `deno task status` — success rate of recent collection and import runs, the recent imports,
 * failed assets, freshness of every stored series (stale ones flagged) and the data-quality
 * summary (open and resolved entries).
 * @module
 */
import { intFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { defineTask } from "../lib/cli/task.ts";
import { fmtPct, formatTable } from "../lib/cli/table.ts";
import { safeEcho } from "../lib/core/text.ts";
import { isoTime } from "../lib/core/time.ts";
import type { JobRunRecord, StoredQualityIssue } from "../lib/storage/store.ts";
import { collectionStatus, type StatusReport } from "../lib/services/status.ts";

const HELP = `Usage: deno task status [options]

Shows the state of data collection: success rate of the recent collect/macro/import runs, the
recent imports (file, rows, issues), the assets whose latest collection failed, how fresh every
stored series is (stale ones flagged) and a summary of the data-quality ledger (gaps, duplicates,
out-of-order points, missing values, stale series, invalid payloads): the open entries, and the
ones later data resolved (a gap filled, a stale series updated). Jobs run by deno task schedule
are listed with their last run, last success and last failure.

Options:
  --runs N     recent runs used for the success rates (default 20)
  --json       print the report as JSON only
  -h, --help   show this help
`;

function age(ms: number): string {
  if (ms < 0) return "0m";
  const m = Math.floor(ms / 60_000);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 72 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

const task = defineTask({
  name: "status",
  help: HELP,
  flags: { runs: { type: "string" } },
  run: async ({ flags, json, store }) => {
    const runLimit = intFlag(flags.runs, "runs", { min: 1, max: 1_000_000, fallback: 20 });
    const r = await collectionStatus(store(), { nowMs: Date.now(), runLimit });
    if (json) {
      printJson(r);
      return 0;
    }
    printReport(r);
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

function printReport(r: StatusReport): void {
  const rate = r.runs.successRate === null ? "-" : fmtPct(r.runs.successRate, 0);
  const itemRate = r.runs.itemSuccessRate === null ? "-" : fmtPct(r.runs.itemSuccessRate, 0);
  const unfinished = r.runs.running
    ? `, unfinished ${r.runs.running}${r.runs.abandoned ? ` (${r.runs.abandoned} abandoned)` : ""}`
    : "";
  console.log(
    `runs: ${r.runs.considered} recent (success ${r.runs.success}, partial ${r.runs.partial}, ` +
      `failed ${r.runs.failed}${unfinished}); success rate ${rate}, items ${itemRate}`,
  );
  for (const [task, run] of Object.entries(r.runs.last)) {
    console.log(
      `last ${task}: run ${run.id} ${run.status} at ${
        isoTime(run.startedAt)
      }, ${run.rowsWritten} rows` +
        (run.error ? ` — ${run.error}` : ""),
    );
  }
  if (r.runs.imports.length) {
    console.log("\nrecent imports:");
    console.log(formatTable(r.runs.imports, [
      { header: "run", value: (i) => i.runId, align: "right" },
      { header: "status", value: (i) => i.status },
      { header: "at", value: (i) => isoTime(i.startedAt) },
      { header: "file", value: (i) => i.file },
      { header: "subject", value: (i) => i.subject },
      { header: "rows", value: (i) => i.rowsWritten, align: "right" },
      { header: "issues", value: (i) => i.issues, align: "right" },
    ]));
  }
  if (r.failedAssets.length) {
    console.log("\nfailing now:");
    console.log(formatTable(r.failedAssets, [
      { header: "task", value: (f) => f.task },
      { header: "source", value: (f) => f.source },
      { header: "subject", value: (f) => f.subject },
      { header: "interval", value: (f) => f.interval },
      { header: "since run", value: (f) => f.runId, align: "right" },
      { header: "error", value: (f) => f.error },
    ]));
  }
  printJobs(r.jobs);
  console.log("\nseries:");
  if (r.series.length === 0) console.log("(none stored yet — run deno task collect / macro)");
  else {
    console.log(formatTable(r.series, [
      { header: "kind", value: (s) => s.kind },
      { header: "source", value: (s) => s.source },
      { header: "subject", value: (s) => s.subject },
      { header: "interval", value: (s) => s.interval },
      { header: "rows", value: (s) => s.count, align: "right" },
      { header: "first", value: (s) => isoTime(s.firstTs) },
      { header: "last", value: (s) => isoTime(s.lastTs) },
      { header: "age", value: (s) => age(s.ageMs), align: "right" },
      { header: "fresh", value: (s) => (s.stale ? "STALE" : "ok") },
    ]));
  }
  printQuality(r.quality);
}

/** The scheduled jobs: last run, last success, last failure (with its error below the table). */
function printJobs(jobs: StatusReport["jobs"]): void {
  if (jobs.length === 0) return;
  const when = (run: JobRunRecord | undefined) =>
    run ? `${run.status} ${isoTime(run.finishedAt ?? run.startedAt)}` : "-";
  console.log("\nscheduled jobs:");
  console.log(formatTable(jobs, [
    { header: "job", value: (j) => j.job },
    { header: "last run", value: (j) => when(j.lastRun) },
    {
      header: "last success",
      value: (j) => (j.lastSuccess ? isoTime(j.lastSuccess.finishedAt!) : "-"),
    },
    { header: "last failure", value: (j) => when(j.lastFailure) },
    { header: "skipped", value: (j) => j.skipped, align: "right" },
  ]));
  for (const j of jobs) {
    if (j.lastFailure?.error) console.log(`${j.job}: ${safeEcho(j.lastFailure.error, 300)}`);
  }
}

function printQuality(q: StatusReport["quality"]): void {
  console.log(`\nquality issues: ${q.open} open, ${q.resolved} resolved`);
  const series = (i: StoredQualityIssue) =>
    `${i.source}:${i.subject}${i.interval ? "@" + i.interval : ""}`;
  const detail = (i: StoredQualityIssue) =>
    i.detail.length > 90 ? i.detail.slice(0, 89) + "…" : i.detail;
  if (q.open) {
    console.log(Object.entries(q.byKind).map(([k, n]) => `${k} ${n}`).join(", "));
    console.log(formatTable(q.recent, [
      { header: "kind", value: (i) => i.kind },
      { header: "series", value: series },
      { header: "at", value: (i) => (i.ts === undefined ? "" : isoTime(i.ts)) },
      { header: "detail", value: detail },
    ]));
  }
  if (q.resolved) {
    console.log("\nrecently resolved:");
    console.log(formatTable(q.recentlyResolved, [
      { header: "kind", value: (i) => i.kind },
      { header: "series", value: series },
      { header: "at", value: (i) => (i.ts === undefined ? "" : isoTime(i.ts)) },
      { header: "resolved", value: (i) => isoTime(i.resolvedAt!) },
      { header: "by run", value: (i) => i.resolvedByRun ?? "", align: "right" },
    ]));
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
