/**
 * CSV import: read a file, parse it (format detection, validation, quality analysis) and store
 * the data, the quality issues and a collection run (task `import`) in one transaction. A file
 * with a bad row fails before the database is touched; a failure while storing rolls everything
 * back.
 * @module
 */
import { type ParseCsvOptions, parseCsvText, type ParsedCsv } from "../storage/csv/parse.ts";
import { readCsvFile } from "../storage/csv/read_file.ts";
import { type IssueKindSummary, summariseIssues } from "../storage/csv/summary.ts";
import type { Store } from "../storage/store.ts";
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
 * that obtain CSV text elsewhere (e.g. a download).
 */
export async function storeParsed(
  store: Store,
  parsed: ParsedCsv,
  options: { file: string; now?: () => number; params?: Record<string, unknown> },
): Promise<ImportReport> {
  const now = options.now ?? Date.now;
  const log = getLogger("import");
  const report = await store.transaction(async () => {
    const runId = await store.startRun("import", {
      ...Object.fromEntries(
        Object.entries(options.params ?? {}).filter(([k, v]) =>
          v !== undefined && typeof v !== "function" && k !== "displayName"
        ),
      ),
      file: options.file,
      format: parsed.format,
    });
    let inserted = 0, updated = 0, unchanged = 0;
    if (parsed.kind === "candles") {
      const r = await store.upsertCandles(
        { source: parsed.source, asset: parsed.subject, interval: parsed.interval },
        parsed.candles,
      );
      ({ inserted, updated, unchanged } = r);
    } else {
      const r = await store.upsertMacro(
        parsed.subject,
        parsed.source,
        parsed.observations,
        now(),
      );
      inserted = r.inserted;
      updated = r.revised;
      unchanged = r.unchanged;
    }
    const { inserted: newIssues } = await store.recordQualityIssues(parsed.issues, runId);
    await store.finishRun(runId, {
      status: parsed.badRows.length ? "partial" : "success",
      rowsWritten: inserted + updated,
      error: parsed.badRows.length ? `${parsed.badRows.length} bad rows skipped` : undefined,
      items: [{
        source: parsed.source,
        subject: parsed.subject,
        interval: parsed.interval,
        status: "success",
        rowsWritten: inserted + updated,
      }],
    });
    const data = parsed.kind === "candles" ? parsed.candles : parsed.observations;
    const result: ImportReport = {
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
    return result;
  });
  log.info("imported", {
    file: report.file,
    format: report.format,
    subject: report.subject,
    inserted: report.inserted,
    updated: report.updated,
    unchanged: report.unchanged,
    issues: report.issues.total,
    newIssues: report.issues.new,
  });
  return report;
}
