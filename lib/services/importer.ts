/**
 * CSV import: read a file, parse it (format detection, validation, quality analysis) and store
 * the data, the quality issues and the run's outcome (task `import`) in one transaction, which
 * other readers see all or nothing of (large files are staged in short chunks and published at
 * once: see lib/storage/sqlite/staging.ts). A file with a bad row fails before the database is
 * touched; a failure while storing rolls the data back and records the run as failed.
 * @module
 */
import { type ParseCsvOptions, parseCsvText, type ParsedCsv } from "../storage/csv/parse.ts";
import { readCsvFile } from "../storage/csv/read_file.ts";
import { findGaps } from "../storage/csv/quality.ts";
import { type IssueKindSummary, summariseIssues } from "../storage/csv/summary.ts";
import type { QualityIssue, RunItem, Store } from "../storage/store.ts";
import { getLogger } from "../log/logger.ts";

/** Options for {@link importCsvFile}. */
export interface ImportOptions {
  asset?: string;
  series?: string;
  source?: string;
  interval?: string;
  skipBadRows?: boolean;
  /** Name shown in messages and `file:line` locations (default: the path). */
  displayName?: string;
  /** Clock for the macro vintage (default `Date.now`). */
  now?: () => number;
}

/** What an import did. */
export interface ImportReport {
  file: string;
  format: ParsedCsv["format"];
  kind: ParsedCsv["kind"];
  source: string;
  subject: string;
  interval: string;
  calendar: ParsedCsv["calendar"];
  label?: string;
  rowsRead: number;
  /** Rows stored or confirmed (after duplicates, missing values and bad rows are set aside). */
  rowsValid: number;
  firstTs?: number;
  lastTs?: number;
  /** New rows. */
  inserted: number;
  /** Rows whose values changed (candles) or new revisions (macro). */
  updated: number;
  unchanged: number;
  issues: { total: number; new: number; byKind: IssueKindSummary[] };
  badRows: ParsedCsv["badRows"];
  notes: string[];
  runId: number;
}

/**
 * Reads and imports one CSV file. `store` may be a function that opens it, called only once the
 * file has parsed, so that a bad file never even creates a database.
 */
export async function importCsvFile(
  store: Store | (() => Store),
  path: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const file = options.displayName ?? path;
  const text = await readCsvFile(path, file);
  const parseOptions: ParseCsvOptions = {
    file,
    asset: options.asset,
    series: options.series,
    source: options.source,
    interval: options.interval,
    skipBadRows: options.skipBadRows,
  };
  const parsed = parseCsvText(text, parseOptions);
  return await storeParsed(typeof store === "function" ? store() : store, parsed, {
    file,
    now: options.now,
    params: { ...options },
  });
}

/**
 * Stores an already parsed file (data, issues and a run record) atomically. Useful for callers
 * that obtain CSV text elsewhere (e.g. a download). The import is a run (task `import`): it shows
 * as running while it is stored, and ends as success or partial (bad rows skipped) with the
 * file, rows and issues, or as failed with the reason — its data then rolled back whole.
 */
export async function storeParsed(
  store: Store,
  parsed: ParsedCsv,
  options: { file: string; now?: () => number; params?: Record<string, unknown> },
): Promise<ImportReport> {
  const log = getLogger("import");
  await store.closeAbandonedRuns(
    "import",
    "interrupted: the process ended before the import finished; none of its rows were kept",
  );
  const runId = await store.startRun("import", {
    ...Object.fromEntries(
      Object.entries(options.params ?? {}).filter(([k, v]) =>
        v !== undefined && typeof v !== "function" && k !== "displayName"
      ),
    ),
    file: options.file,
    format: parsed.format,
    subject: parsed.subject,
  });
  let report: ImportReport;
  try {
    // The data goes first: a large file is staged in short chunks before the transaction takes
    // the write lock, then published with the issues and the run's outcome in one commit.
    report = await store.transaction(() => writeParsed(store, parsed, runId, options));
  } catch (e) {
    await store.finishRun(runId, {
      status: "failed",
      rowsWritten: 0,
      error: (e as Error).message,
      items: [itemOf(parsed, "failed", 0, (e as Error).message)],
    });
    throw e;
  }
  log.info("imported", {
    file: report.file,
    format: report.format,
    subject: report.subject,
    inserted: report.inserted,
    updated: report.updated,
    unchanged: report.unchanged,
    issues: report.issues.total,
    newIssues: report.issues.new,
    runId,
  });
  return report;
}

async function writeParsed(
  store: Store,
  parsed: ParsedCsv,
  runId: number,
  options: { file: string; now?: () => number },
): Promise<ImportReport> {
  const now = options.now ?? Date.now;
  let inserted = 0, updated = 0, unchanged = 0;
  if (parsed.kind === "candles") {
    const r = await store.upsertCandles(
      { source: parsed.source, asset: parsed.subject, interval: parsed.interval },
      parsed.candles,
      { runId },
    );
    ({ inserted, updated, unchanged } = r);
  } else {
    const r = await store.upsertMacro(
      parsed.subject,
      parsed.source,
      parsed.observations,
      now(),
      { runId },
    );
    inserted = r.inserted;
    updated = r.revised;
    unchanged = r.unchanged;
  }
  const { inserted: newIssues } = await store.recordQualityIssues(withMissingBars(parsed), runId);
  await store.finishRun(runId, {
    status: parsed.badRows.length ? "partial" : "success",
    rowsWritten: inserted + updated,
    issues: parsed.issues.length,
    error: parsed.badRows.length ? `${parsed.badRows.length} bad rows skipped` : undefined,
    items: [itemOf(parsed, "success", inserted + updated)],
  });
  const data = parsed.kind === "candles" ? parsed.candles : parsed.observations;
  return {
    file: options.file,
    format: parsed.format,
    kind: parsed.kind,
    source: parsed.source,
    subject: parsed.subject,
    interval: parsed.interval,
    calendar: parsed.calendar,
    label: parsed.label,
    rowsRead: parsed.rowsRead,
    rowsValid: data.length,
    firstTs: data[0]?.ts,
    lastTs: data[data.length - 1]?.ts,
    inserted,
    updated,
    unchanged,
    issues: {
      total: parsed.issues.length,
      new: newIssues,
      byKind: summariseIssues(parsed.issues),
    },
    badRows: parsed.badRows,
    notes: parsed.notes,
    runId,
  };
}

function itemOf(
  parsed: ParsedCsv,
  status: RunItem["status"],
  rowsWritten: number,
  error?: string,
): RunItem {
  return {
    source: parsed.source,
    subject: parsed.subject,
    interval: parsed.interval,
    status,
    rowsWritten,
    error,
  };
}

/**
 * The file's findings, each gap with the number of bars it misses, so that the store can tell
 * when later data fills it: in a weekday market a gap over a weekend misses fewer bars than the
 * days it spans.
 */
export function withMissingBars(parsed: ParsedCsv): QualityIssue[] {
  if (!parsed.issues.some((i) => i.kind === "gap" && i.missingBars === undefined)) {
    return parsed.issues;
  }
  const rows = parsed.kind === "candles" ? parsed.candles : parsed.observations;
  const missing = new Map(
    findGaps(rows.map((r) => r.ts), parsed.interval, parsed.calendar).map((
      g,
    ) => [g.from, g.missing]),
  );
  return parsed.issues.map((i) =>
    i.kind === "gap" && i.missingBars === undefined && i.ts !== undefined && missing.has(i.ts)
      ? { ...i, missingBars: missing.get(i.ts) }
      : i
  );
}
