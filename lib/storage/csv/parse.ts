/**
 * Parses a market-data CSV file (CoinGecko, CryptoDataDownload, generic OHLCV, FRED, CBOE VIX or
 * an mts export) into sorted, de-duplicated candles or macro observations plus every data-quality
 * finding. Pure: the text comes in, data and issues come out; storing is the importer's job.
 *
 * Time convention: a bar stamped `ts` covers `[ts, ts + interval)`. A CoinGecko snapshot taken at
 * D+1 00:00 UTC is the close of day D and is stored at D. Month-end labelled monthly bars are
 * moved to the first of their month (their open time).
 * @module
 */
import { type Candle, candleProblem, type MacroObservation } from "../../core/candle.ts";
import { DataError } from "../../core/errors.ts";
import { DAY_MS, floorToInterval, type Interval, isoTime } from "../../core/time.ts";
import type { QualityIssue } from "../store.ts";
import type { MarketCalendar } from "./calendar.ts";
import { DateReader } from "./dates.ts";
import {
  describeMissing,
  hasOpenQuote,
  INVALID,
  MISSING,
  readNumber,
  readPlainDecimal,
  splitCsvLine,
} from "./fields.ts";
import { type CsvFormat, detectFormat, type FieldSpec, type ReadPlan } from "./formats.ts";
import {
  chooseDuplicate,
  dividingInterval,
  findGaps,
  fmtTs,
  inferCalendar,
  inferInterval,
  lastBarLooksPartial,
} from "./quality.ts";
import type { CsvRow, MissingCell } from "./row.ts";

export type { CsvFormat } from "./formats.ts";

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

/** A row that could not be used. */
export interface BadRow {
  line: number;
  reason: string;
}

/** Everything read from one file. */
export interface ParsedCsv {
  format: CsvFormat;
  kind: "candles" | "macro";
  source: string;
  /** Asset id (candles) or macro series id. */
  subject: string;
  interval: Interval;
  /** `weekdays` when the series has no Saturday bars (weekends and US holidays are not gaps). */
  calendar: MarketCalendar;
  /** Candles in time order, one per timestamp (empty for macro files). */
  candles: Candle[];
  /** Observations in time order, one per date (empty for price files). */
  observations: MacroObservation[];
  issues: QualityIssue[];
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
 * cannot be used (wrong number of fields, text in a number column, invalid date, non-positive
 * price, inconsistent OHLC) unless `skipBadRows` is set, in which case the row is listed in
 * `badRows` and recorded as a `bad_row` quality issue.
 */
export function parseCsvText(text: string, options: ParseCsvOptions): ParsedCsv {
  const plan = detectFormat(firstLines(text, 8), options);
  const issues: QualityIssue[] = [];
  const badRows: BadRow[] = [];
  const issueBase = { source: plan.source, subject: plan.subject };
  const dates = new DateReader(plan.dateStyle);
  const crossDates = plan.crossCheckDateCol !== undefined ? new DateReader("iso") : undefined;
  const snapshot = plan.timeMode === "snapshot";
  const rejectOhlc = plan.inconsistentOhlc === "reject";
  const isMacro = plan.kind === "macro";
  const mtsFormat = plan.format === "mts";
  const fields = plan.fields;
  const cols = plan.columns;
  const starts = new Int32Array(cols), ends = new Int32Array(cols);
  const vals = new Float64Array(6);

  // Rows are kept as final candles plus their line numbers; the rare extras (missing cells,
  // off-schedule times) live in maps keyed by line, so a clean million-row file allocates one
  // object per row.
  const rows: Candle[] = [];
  const lines: number[] = [];
  const missingAt = new Map<number, MissingCell[]>();
  const offAt = new Map<number, number>();
  let rowsRead = 0;
  let missingClose = false;

  const bad = (line: number, reason: string, ts?: number) => {
    if (!options.skipBadRows) throw new DataError(reason, `${options.file}:${line}`);
    badRows.push({ line, reason });
    issues.push({
      ...issueBase,
      kind: "bad_row",
      ts: ts !== undefined && Number.isFinite(ts) ? ts : undefined,
      field: `line ${line}`,
      detail: `line ${line} skipped: ${reason}`,
      location: `${options.file}:${line}`,
    });
  };

  const n = text.length;
  let lineNo = plan.headerIndex + 1;
  let pos = offsetOfLine(text, lineNo);
  let nextQuote = -1;
  while (pos < n) {
    let eol = text.indexOf("\n", pos);
    if (eol === -1) eol = n;
    let end = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    const line = ++lineNo;
    if (end === pos || (text.charCodeAt(pos) <= 32 && text.slice(pos, end).trim() === "")) {
      pos = eol + 1;
      continue;
    }
    if (nextQuote !== Infinity && nextQuote < pos) {
      nextQuote = text.indexOf('"', pos);
      if (nextQuote === -1) nextQuote = Infinity;
    }
    let src = text;
    let count = 0;
    if (nextQuote < end) {
      // Quoted fields: split properly; a quoted field may continue on the next lines.
      let rowText = text.slice(pos, end);
      while (hasOpenQuote(rowText) && eol < n) {
        const next = eol + 1;
        eol = text.indexOf("\n", next);
        if (eol === -1) eol = n;
        end = eol > next && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
        rowText += "\n" + text.slice(next, end);
        lineNo++;
      }
      const parts = splitCsvLine(rowText);
      count = parts.length;
      src = parts.join("");
      for (let k = 0, off = 0; k < count && k < cols; k++) {
        starts[k] = off;
        off += parts[k].length;
        ends[k] = off;
      }
    } else {
      for (let p = pos;;) {
        const c = text.indexOf(",", p);
        if (c === -1 || c >= end) {
          if (count < cols) {
            starts[count] = p;
            ends[count] = end;
          }
          count++;
          break;
        }
        if (count < cols) {
          starts[count] = p;
          ends[count] = c;
        }
        count++;
        p = c + 1;
      }
    }
    pos = eol + 1;
    rowsRead++;
    if (count !== cols) {
      const dc = plan.dateCol;
      bad(
        line,
        `expected ${cols} fields, got ${count}${count < cols ? " (truncated line?)" : ""}`,
        dc < count ? new DateReader(plan.dateStyle).readAt(src, starts[dc], ends[dc]) : undefined,
      );
      continue;
    }
    const dc = plan.dateCol;
    let ts = dates.readAt(src, starts[dc], ends[dc]);
    if (Number.isNaN(ts)) {
      bad(
        line,
        `${plan.dateLabel}: "${src.slice(starts[dc], ends[dc]).trim()}" is not a valid date`,
      );
      continue;
    }
    if (crossDates) {
      const k = plan.crossCheckDateCol!;
      const other = crossDates.readAt(src, starts[k], ends[k]);
      if (!Number.isNaN(other) && other !== ts) {
        bad(
          line,
          `${plan.dateLabel} ${src.slice(starts[dc], ends[dc]).trim()} (${isoTime(ts)}) and ` +
            `date ${src.slice(starts[k], ends[k]).trim()} disagree`,
          ts,
        );
        continue;
      }
    }
    if (snapshot) {
      const midnight = Math.round(ts / DAY_MS) * DAY_MS;
      if (ts !== midnight) offAt.set(line, Math.abs(ts - midnight));
      ts = midnight - DAY_MS;
    }
    vals.fill(NaN);
    let problem: string | undefined;
    let missing: MissingCell[] | undefined;
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      const s = starts[f.col], e = ends[f.col];
      let v = readPlainDecimal(src, s, e);
      if (v !== v) {
        const r = readNumber(src.slice(s, e));
        if (r === INVALID) {
          problem = `${f.label}: "${src.slice(s, e).trim()}" is not a number`;
          break;
        }
        if (r === MISSING) {
          // In mts exports an empty cell is data (a close-only source, an unknown volume)
          // that was already reported when it was first imported.
          if (!mtsFormat) {
            (missing ??= []).push({
              field: f.field,
              found: describeMissing(src.slice(s, e)),
              stored: f.target !== "extra" && (!isMacro || f.target === "close"),
            });
          }
          continue;
        }
        v = r;
      }
      if (f.zeroIsMissing && v === 0) {
        (missing ??= []).push({ field: f.field, found: "0", stored: true });
        continue;
      }
      if (f.positive && v <= 0) {
        problem = `${f.label} must be positive, got ${v}`;
        break;
      }
      if (f.nonNegative && v < 0) {
        problem = `${f.label} must not be negative, got ${v}`;
        break;
      }
      if (f.target !== "extra") vals[TARGET_INDEX[f.target]] = v;
    }
    if (problem) {
      bad(line, problem, ts);
      continue;
    }
    let open = vals[0], high = vals[1], low = vals[2];
    const close = vals[3];
    if (open !== open || high !== high || low !== low) {
      open = high = low = NaN;
    }
    const candle: Candle = {
      ts,
      open,
      high,
      low,
      close,
      volume: vals[4],
      marketCap: vals[5],
    };
    if (close !== close) missingClose = true;
    else if (rejectOhlc && open === open) {
      const p = candleProblem(candle);
      if (p) {
        bad(line, p, ts);
        continue;
      }
    }
    if (missing) missingAt.set(line, missing);
    rows.push(candle);
    lines.push(line);
  }

  const notes = [...plan.notes];
  if (dates.epochUnits.seconds > 0 && dates.epochUnits.milliseconds > 0) {
    notes.push(
      `timestamps mix seconds (${dates.epochUnits.seconds} rows) and milliseconds (${dates.epochUnits.milliseconds} rows)`,
    );
  }
  if (rows.length === 0) {
    throw new DataError(
      badRows.length ? "no usable rows (all rows are bad)" : "no data rows",
      `${options.file}:${plan.headerIndex + 1}`,
    );
  }

  // File order: newest-first files are normal (CryptoDataDownload); a row against the file's
  // own direction is out of order.
  const descending = rows[rows.length - 1].ts < rows[0].ts;
  if (descending) notes.push("rows are newest first; sorted oldest first");
  let extreme = 0;
  let sorted = true;
  for (let i = 1; i < rows.length; i++) {
    const t = rows[i].ts;
    if (t < rows[i - 1].ts) sorted = false;
    if (descending ? t > rows[extreme].ts : t < rows[extreme].ts) {
      issues.push({
        ...issueBase,
        kind: "out_of_order",
        ts: t,
        detail: `line ${lines[i]} (${isoTime(t)}) comes after line ${lines[extreme]} (${
          isoTime(rows[extreme].ts)
        }) in a file that is otherwise ${descending ? "newest" : "oldest"} first`,
        location: `${options.file}:${lines[i]}`,
      });
    } else {
      extreme = i;
    }
  }
  let data = rows, dataLines = lines;
  if (!sorted) {
    const order = rows.map((_, i) => i).sort((a, b) =>
      rows[a].ts - rows[b].ts || lines[a] - lines[b]
    );
    data = order.map((i) => rows[i]);
    dataLines = order.map((i) => lines[i]);
  }

  const distinct = distinctTs(data);
  let interval = plan.interval ?? inferInterval(distinct);
  if (!interval && (interval = dividingInterval(distinct))) {
    notes.push(
      `the most common time step is not a bar interval; assumed ${interval} (pass --interval to change)`,
    );
  }
  if (!interval) {
    if (distinct.length === 1) {
      interval = "1d";
      notes.push("a single timestamp: interval assumed to be 1d (pass --interval to change)");
    } else {
      throw new DataError(
        "cannot infer the bar interval from the timestamps: pass --interval (e.g. --interval 1d)",
        `${options.file}:${plan.headerIndex + 2}`,
      );
    }
  }
  if (!isMacro && interval === "1M" && data.some((r) => !isMonthStart(r.ts))) {
    data = data.map((r) => ({ ...r, ts: floorToInterval(r.ts, "1M") }));
    notes.push("monthly bars labelled at month end are stored at the first of the month");
  }

  // Duplicates: rows sharing a timestamp collapse to one.
  const base = { ...issueBase, interval };
  const valueName = isMacro ? plan.subject : "close";
  const toRow = (i: number): CsvRow => ({
    ...data[i],
    marketCap: data[i].marketCap ?? NaN,
    line: dataLines[i],
    missing: missingAt.get(dataLines[i]),
    offScheduleMs: offAt.get(dataLines[i]) ?? 0,
  });
  let kept = data, keptLines = dataLines;
  for (let i = 1; i < data.length; i++) {
    if (data[i].ts !== data[i - 1].ts) continue;
    kept = [];
    keptLines = [];
    for (let a = 0; a < data.length;) {
      let b = a + 1;
      while (b < data.length && data[b].ts === data[a].ts) b++;
      if (b === a + 1) {
        kept.push(data[a]);
        keptLines.push(dataLines[a]);
      } else {
        const group = [];
        for (let k = a; k < b; k++) group.push(toRow(k));
        const g = chooseDuplicate(group, valueName);
        const idx = a + group.indexOf(g.kept);
        kept.push(data[idx]);
        keptLines.push(dataLines[idx]);
        const dropped = g.dropped.map((d) => d.line).join(", ");
        issues.push({
          ...base,
          kind: g.conflicting ? "conflicting_duplicate" : "duplicate",
          ts: g.kept.ts,
          detail: g.conflicting
            ? `lines ${g.kept.line} and ${dropped} disagree for ${fmtTs(g.kept.ts, interval)} (${
              g.differences.join("; ")
            }); kept line ${g.kept.line} because ${g.reason}`
            : `line ${dropped} repeats line ${g.kept.line} for ${fmtTs(g.kept.ts, interval)}`,
          location: `${options.file}:${g.dropped[0].line}`,
        });
      }
      a = b;
    }
    break;
  }

  const keptTs = kept.map((r) => r.ts);
  const calendar = inferCalendar(keptTs, interval);
  if (calendar === "weekdays") {
    notes.push(
      "weekday market (no Saturday bars): Friday from 20:00 UTC, weekends and US market holidays are not gaps",
    );
  }
  for (const g of findGaps(keptTs, interval, calendar)) {
    const snapshotHint = snapshot ? ` (no snapshot at ${isoTime(g.from + DAY_MS)})` : "";
    issues.push({
      ...base,
      kind: "gap",
      ts: g.from,
      tsEnd: g.to,
      detail: `${g.missing} missing bar${g.missing === 1 ? "" : "s"} from ${
        fmtTs(g.from, interval)
      } before ${fmtTs(g.to, interval)}${snapshotHint}`,
    });
  }

  if (missingAt.size > 0 || offAt.size > 0 || plan.flagCloseOnly) {
    for (let i = 0; i < kept.length; i++) {
      const r = kept[i], line = keptLines[i];
      const where = `${options.file}:${line}`;
      const missing = missingAt.get(line);
      if (missing) {
        for (const m of missing) {
          issues.push({
            ...base,
            kind: "missing_value",
            ts: r.ts,
            field: m.field,
            detail: `${m.field} is ${m.found}${m.stored ? "" : " (column not stored)"}${
              m.found === "0" ? " (0 means unknown in this export)" : ""
            }`,
            location: where,
          });
        }
      }
      const off = offAt.get(line);
      if (off !== undefined) {
        issues.push({
          ...base,
          kind: "off_schedule",
          ts: r.ts,
          detail: `snapshot taken ${Math.round(off / 60_000)} min away from 00:00 UTC; ` +
            `used as the close of ${fmtTs(r.ts, interval)}`,
          location: where,
        });
      }
      if (plan.flagCloseOnly && r.open === r.open && r.close === r.close) {
        if (r.open === r.close && r.high === r.close && r.low === r.close) {
          issues.push({
            ...base,
            kind: "close_only",
            ts: r.ts,
            detail: `open = high = low = close = ${r.close}: only a close was published`,
            location: where,
          });
        } else if (!rejectOhlc) {
          const p = candleProblem(r);
          if (p) {
            issues.push({
              ...base,
              kind: "inconsistent_ohlc",
              ts: r.ts,
              detail: p,
              location: where,
            });
          }
        }
      }
    }
  }
  if (
    plan.checkPartialLastBar &&
    lastBarLooksPartial(kept.slice(-31).map((r) => r.volume))
  ) {
    const last = kept[kept.length - 1];
    issues.push({
      ...base,
      kind: "partial_bar",
      ts: last.ts,
      detail: `the newest bar (${fmtTs(last.ts, interval)}) has volume ${last.volume}, ` +
        "under a quarter of the recent median: probably exported before the bar closed",
      location: `${options.file}:${keptLines[keptLines.length - 1]}`,
    });
  }

  const usable = missingClose ? kept.filter((r) => r.close === r.close) : kept;
  return {
    format: plan.format,
    kind: plan.kind,
    source: plan.source,
    subject: plan.subject,
    interval,
    calendar,
    candles: isMacro ? [] : usable,
    observations: isMacro ? usable.map((r) => ({ ts: r.ts, value: r.close })) : [],
    issues,
    badRows,
    rowsRead,
    notes,
    label: plan.label,
  };
}

const TARGET_INDEX: Record<Exclude<FieldSpec["target"], "extra">, number> = {
  open: 0,
  high: 1,
  low: 2,
  close: 3,
  volume: 4,
  marketCap: 5,
};

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

/** Offset of the start of line `index` (0-based). */
function offsetOfLine(text: string, index: number): number {
  let pos = 0;
  for (let i = 0; i < index; i++) {
    const eol = text.indexOf("\n", pos);
    if (eol === -1) return text.length;
    pos = eol + 1;
  }
  return pos;
}

/** Reading plan for a text, without parsing the rows (used to describe a file). */
export function planFor(text: string, options: ParseCsvOptions): ReadPlan {
  return detectFormat(firstLines(text, 8), options);
}
