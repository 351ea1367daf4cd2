/**
 * Parses a market-data CSV file (CoinGecko, CryptoDataDownload, generic OHLCV, FRED, CBOE VIX or
 * an mts export) into sorted, de-duplicated candles or macro observations plus every data-quality
 * finding. Pure: the text comes in, data and issues come out; storing is the importer's job.
 *
 * The steps, in order: prepare the text (`decode.ts`), detect the format and plan the reading
 * (`formats.ts`), read the rows (`rows.ts`, over the records of `records.ts`), put them in time
 * order (`order.ts`), settle the interval, collapse duplicates (`duplicates.ts`), and report gaps
 * and per-row findings (`findings.ts`).
 *
 * Time convention: a bar stamped `ts` covers `[ts, ts + interval)`. A CoinGecko snapshot taken at
 * D+1 00:00 UTC is the close of day D and is stored at D. Month-end labelled monthly bars are
 * moved to the first of their month (their open time).
 * @module
 */
import type { Candle, MacroObservation } from "../../core/candle.ts";
import { DataError } from "../../core/errors.ts";
import { floorToInterval, type Interval } from "../../core/time.ts";
import type { QualityIssue } from "../store.ts";
import { type BadRow, BadRows } from "./bad_rows.ts";
import type { MarketCalendar } from "./calendar.ts";
import { prepareCsvText } from "./decode.ts";
import { collapseDuplicates } from "./duplicates.ts";
import { type FindingContext, gapFindings, partialBarFinding, rowFindings } from "./findings.ts";
import { type CsvFormat, detectFormat, type ReadPlan } from "./formats.ts";
import { orderRows } from "./order.ts";
import { dividingInterval, inferCalendar, inferInterval } from "./quality.ts";
import { readRows, type RowsRead } from "./rows.ts";

export type { CsvFormat } from "./formats.ts";
export type { BadRow } from "./bad_rows.ts";

/** Options for {@link parseCsvText}. */
export interface ParseCsvOptions {
  /** File name as the user typed it; used in `file:line` locations. */
  file: string;
  /** Asset id for price files (guessed from the file name or symbol column when absent). */
  asset?: string;
  /** Series id for macro files (FRED takes it from the header when absent). */
  series?: string;
  /** Report unparseable rows instead of failing on the first one. */
  skipBadRows?: boolean;
  /** Source name to store under (default depends on the format: coingecko, fred, csv, …). */
  source?: string;
  /** Bar interval, when it cannot or should not be inferred from the timestamps. */
  interval?: string;
}

/** Everything read from one file. */
export interface ParsedCsv {
  /** The detected format. */
  format: CsvFormat;
  /** Price bars or a macro series. */
  kind: "candles" | "macro";
  /** Source the data is stored under. */
  source: string;
  /** Asset id (candles) or macro series id. */
  subject: string;
  /** Bar interval (given, stated by the file or inferred). */
  interval: Interval;
  /** `weekdays` when the series has no Saturday bars (weekends and US holidays are not gaps). */
  calendar: MarketCalendar;
  /** Candles in time order, one per timestamp (empty for macro files). */
  candles: Candle[];
  /** Observations in time order, one per date (empty for price files). */
  observations: MacroObservation[];
  /** Every quality finding, bad rows first. */
  issues: QualityIssue[];
  /** Rows skipped with `skipBadRows`, in file order. */
  badRows: BadRow[];
  /** Data rows in the file (after the header), including bad and duplicate ones. */
  rowsRead: number;
  /** Remarks about the file's format and how it was read. */
  notes: string[];
  /** Label the file carries (e.g. "generated sample data" in exports of the sample market). */
  label?: string;
}

/**
 * Parses CSV text. Throws a {@link DataError} whose `where` is `file:line` for the first row that
 * cannot be used (wrong number of fields, broken quoting, text in a number column, an invalid date
 * or one outside 1970..2100, a price outside the price rule, inconsistent OHLC) unless
 * `skipBadRows` is set, in which case each such row is listed in `badRows` and recorded as a
 * `bad_row` quality issue.
 */
export function parseCsvText(text: string, options: ParseCsvOptions): ParsedCsv {
  const prepared = prepareCsvText(text, options.file);
  const plan = detectFormat(firstLines(prepared, 8), options);
  const issueBase = { source: plan.source, subject: plan.subject };
  const bad = new BadRows(options.file, options.skipBadRows ?? false, issueBase);
  const read = readRows(prepared, plan, bad);
  const notes = [...plan.notes, ...epochNote(read)];
  if (read.rows.length === 0) {
    throw new DataError(
      bad.rows.length ? "no usable rows (all rows are bad)" : "no data rows",
      `${options.file}:${plan.headerIndex + 1}`,
    );
  }
  const issues: QualityIssue[] = [...bad.issues];
  const ordered = orderRows(read.rows, read.lines, {
    file: options.file,
    base: issueBase,
    issues,
  });
  if (ordered.descending) notes.push("rows are newest first; sorted oldest first");
  const interval = resolveInterval(ordered.rows, plan, options.file, notes);
  let rows = ordered.rows;
  if (plan.kind === "candles" && interval === "1M" && rows.some((r) => !isMonthStart(r.ts))) {
    rows = rows.map((r) => ({ ...r, ts: floorToInterval(r.ts, "1M") }));
    notes.push("monthly bars labelled at month end are stored at the first of the month");
  }
  const base = { ...issueBase, interval };
  const common = { file: options.file, base, missingAt: read.missingAt, offAt: read.offAt, issues };
  const kept = collapseDuplicates(rows, ordered.lines, {
    ...common,
    interval,
    valueName: plan.kind === "macro" ? plan.subject : "close",
  });
  const keptTs = kept.rows.map((r) => r.ts);
  const calendar = inferCalendar(keptTs, interval);
  if (calendar === "weekdays") {
    notes.push(
      "weekday market (no Saturday bars): Friday from 20:00 UTC, weekends and US market holidays are not gaps",
    );
  }
  const ctx: FindingContext = { ...common, plan, interval, calendar };
  gapFindings(keptTs, ctx);
  rowFindings(kept.rows, kept.lines, ctx);
  partialBarFinding(kept.rows, kept.lines, ctx);
  return result(plan, kept.rows, read, { interval, calendar, issues, badRows: bad.rows, notes });
}

/** Reading plan for a text, without parsing the rows (used to describe a file). */
export function planFor(text: string, options: ParseCsvOptions): ReadPlan {
  return detectFormat(firstLines(prepareCsvText(text, options.file), 8), options);
}

function epochNote(read: RowsRead): string[] {
  const { seconds, milliseconds } = read.epochUnits;
  if (seconds === 0 || milliseconds === 0) return [];
  return [`timestamps mix seconds (${seconds} rows) and milliseconds (${milliseconds} rows)`];
}

/**
 * The bar interval: given (flag or mts banner), inferred from the most common step, a dividing
 * interval when that step is not one, or 1d for a single timestamp. Notes say when it is assumed.
 */
function resolveInterval(
  rows: readonly Candle[],
  plan: ReadPlan,
  file: string,
  notes: string[],
): Interval {
  if (plan.interval) return plan.interval;
  const distinct = distinctTs(rows);
  const inferred = inferInterval(distinct);
  if (inferred) return inferred;
  const dividing = dividingInterval(distinct);
  if (dividing) {
    notes.push(
      `the most common time step is not a bar interval; assumed ${dividing} (pass --interval to change)`,
    );
    return dividing;
  }
  if (distinct.length === 1) {
    notes.push("a single timestamp: interval assumed to be 1d (pass --interval to change)");
    return "1d";
  }
  throw new DataError(
    "cannot infer the bar interval from the timestamps: pass --interval (e.g. --interval 1d)",
    `${file}:${plan.headerIndex + 2}`,
  );
}

function result(
  plan: ReadPlan,
  kept: Candle[],
  read: RowsRead,
  rest: Pick<ParsedCsv, "interval" | "calendar" | "issues" | "badRows" | "notes">,
): ParsedCsv {
  const usable = read.missingClose ? kept.filter((r) => r.close === r.close) : kept;
  const isMacro = plan.kind === "macro";
  return {
    format: plan.format,
    kind: plan.kind,
    source: plan.source,
    subject: plan.subject,
    ...rest,
    candles: isMacro ? [] : usable,
    observations: isMacro ? usable.map((r) => ({ ts: r.ts, value: r.close })) : [],
    rowsRead: read.rowsRead,
    label: plan.label,
  };
}

function isMonthStart(ts: number): boolean {
  return floorToInterval(ts, "1M") === ts;
}

function distinctTs(rows: readonly Candle[]): number[] {
  const out: number[] = [];
  for (const r of rows) if (out.length === 0 || out[out.length - 1] !== r.ts) out.push(r.ts);
  return out;
}

/** The first `count` lines of a text (without line ends), read from its beginning only. */
function firstLines(text: string, count: number): string[] {
  const out: string[] = [];
  let pos = 0;
  while (out.length < count && pos < text.length) {
    let eol = text.indexOf("\n", pos);
    if (eol === -1) eol = text.length;
    out.push(text.slice(pos, eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol));
    pos = eol + 1;
  }
  return out;
}
