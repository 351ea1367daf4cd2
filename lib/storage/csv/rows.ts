/**
 * Executing a reading plan over the records of a file: the time of each row (with the year
 * bounds), its numbers (with the value rules of `core/bounds.ts`) and the candle they make. Rows
 * are kept as final candles plus their line numbers; the rare extras (missing cells, off-schedule
 * times) live in maps keyed by line, so a clean million-row file allocates one object per row.
 * @module
 */
import {
  amountProblem,
  isAmount,
  isMacroValue,
  isPrice,
  macroValueProblem,
  priceProblem,
} from "../../core/bounds.ts";
import { type Candle, candleProblem } from "../../core/candle.ts";
import { DATE_RANGE_TEXT, dateRangeProblem, DAY_MS, isoTime } from "../../core/time.ts";
import { safeEcho } from "../../core/text.ts";
import type { BadRows } from "./bad_rows.ts";
import { DateReader } from "./dates.ts";
import { describeMissing, INVALID, MISSING, readNumber, readPlainDecimal } from "./fields.ts";
import type { FieldSpec, ReadPlan, ValueRule } from "./formats.ts";
import { RecordScanner } from "./records.ts";
import type { MissingCell } from "./row.ts";

/** The rows of a file in file order, before ordering and quality analysis. */
export interface RowsRead {
  /** The usable rows, in file order. */
  rows: Candle[];
  /** Line of each row. */
  lines: number[];
  /** Missing cells by line (rows without any are absent). */
  missingAt: Map<number, MissingCell[]>;
  /** Distance from the snapshot schedule by line (on-schedule rows are absent). */
  offAt: Map<number, number>;
  /** Data rows in the file, including bad ones. */
  rowsRead: number;
  /** True when some row has no close (it is dropped after duplicate resolution). */
  missingClose: boolean;
  /** Epoch cells read as seconds and as milliseconds. */
  epochUnits: { seconds: number; milliseconds: number };
}

/** Reads every record of `text` under `plan`; bad rows go to `bad`. */
export function readRows(text: string, plan: ReadPlan, bad: BadRows): RowsRead {
  const scan = new RecordScanner(text, plan.headerIndex + 1, plan.columns, plan.delimiter);
  const reader = new RowReader(plan);
  const out: RowsRead = {
    rows: [],
    lines: [],
    missingAt: new Map(),
    offAt: new Map(),
    rowsRead: 0,
    missingClose: false,
    epochUnits: reader.dates.epochUnits,
  };
  const { rows, lines } = out;
  while (scan.next()) {
    out.rowsRead++;
    const line = scan.line;
    const shape = scan.quoteProblem ?? countProblem(scan.count, plan.columns);
    if (shape) {
      bad.report(line, shape, reader.peekTime(scan));
      continue;
    }
    const ts = reader.time(scan);
    if (ts !== ts) {
      bad.report(line, reader.problem, reader.problemTs);
      continue;
    }
    const candle = reader.values(scan) ? reader.candle(ts) : undefined;
    if (!candle) {
      bad.report(line, reader.problem, ts);
      continue;
    }
    if (reader.offScheduleMs > 0) out.offAt.set(line, reader.offScheduleMs);
    if (reader.missing) out.missingAt.set(line, reader.missing);
    if (candle.close !== candle.close) out.missingClose = true;
    rows.push(candle);
    lines.push(line);
  }
  return out;
}

function countProblem(count: number, columns: number): string | undefined {
  if (count === columns) return undefined;
  return `expected ${columns} fields, got ${count}${count < columns ? " (truncated line?)" : ""}`;
}

const TARGET_INDEX: Record<Exclude<FieldSpec["target"], "extra">, number> = {
  open: 0,
  high: 1,
  low: 2,
  close: 3,
  volume: 4,
  marketCap: 5,
};

const RULES: Record<ValueRule, (v: number) => string | undefined> = {
  price: priceProblem,
  amount: amountProblem,
  value: macroValueProblem,
};

/** Reads one row at a time; after a failed step, `problem` says why. */
class RowReader {
  readonly dates: DateReader;
  /** Why the last step failed. */
  problem = "";
  /** Time to record with the problem, when known. */
  problemTs: number | undefined;
  /** Missing cells of the current row. */
  missing: MissingCell[] | undefined;
  /** Distance of the current row from its snapshot time (ms). */
  offScheduleMs = 0;

  readonly #plan: ReadPlan;
  readonly #cross: DateReader | undefined;
  readonly #vals = new Float64Array(6);
  readonly #targets: number[];

  constructor(plan: ReadPlan) {
    this.#plan = plan;
    this.dates = new DateReader(plan.dateStyle);
    this.#cross = plan.crossCheckDateCol !== undefined ? new DateReader("iso") : undefined;
    this.#targets = plan.fields.map((f) => (f.target === "extra" ? -1 : TARGET_INDEX[f.target]));
  }

  /** The row's time if its date cell reads, for the ledger entry of a malformed row. */
  peekTime(scan: RecordScanner): number | undefined {
    const dc = this.#plan.dateCol;
    if (dc >= scan.count || dc >= this.#plan.columns) return undefined;
    return new DateReader(this.#plan.dateStyle).readAt(scan.src, scan.starts[dc], scan.ends[dc]);
  }

  /** The row's time (bar open; a snapshot is moved to the day it closes), or NaN. */
  time(scan: RecordScanner): number {
    const plan = this.#plan, dc = plan.dateCol;
    const src = scan.src, s = scan.starts[dc], e = scan.ends[dc];
    this.problemTs = undefined;
    const ts = this.dates.readAt(src, s, e);
    if (ts !== ts) return this.#fail(`${plan.dateLabel}: "${cell(src, s, e)}" is not a valid date`);
    const range = dateRangeProblem(ts);
    if (range) {
      return this.#fail(
        `${plan.dateLabel}: "${
          cell(src, s, e)
        }" is out of range: ${range} (accepted: ${DATE_RANGE_TEXT})`,
      );
    }
    if (this.#cross && !this.#agrees(scan, ts)) return NaN;
    this.offScheduleMs = 0;
    if (plan.timeMode !== "snapshot") return ts;
    const midnight = Math.round(ts / DAY_MS) * DAY_MS;
    if (ts !== midnight) this.offScheduleMs = Math.abs(ts - midnight);
    return midnight - DAY_MS;
  }

  /** CryptoDataDownload: the epoch must agree with the `date` column when that one reads. */
  #agrees(scan: RecordScanner, ts: number): boolean {
    const plan = this.#plan, k = plan.crossCheckDateCol!, dc = plan.dateCol;
    const other = this.#cross!.readAt(scan.src, scan.starts[k], scan.ends[k]);
    if (other !== other || other === ts) return true;
    this.problemTs = ts;
    this.#fail(
      `${plan.dateLabel} ${cell(scan.src, scan.starts[dc], scan.ends[dc])} (${isoTime(ts)}) and ` +
        `date ${cell(scan.src, scan.starts[k], scan.ends[k])} disagree`,
    );
    return false;
  }

  /** Reads the numeric cells into the row buffer; false (with `problem`) on a bad cell. */
  values(scan: RecordScanner): boolean {
    const fields = this.#plan.fields, vals = this.#vals, src = scan.src;
    const mts = this.#plan.format === "mts", macro = this.#plan.kind === "macro";
    vals.fill(NaN);
    this.missing = undefined;
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      const s = scan.starts[f.col], e = scan.ends[f.col];
      let v = readPlainDecimal(src, s, e);
      if (v !== v) {
        const r = readNumber(src.slice(s, e));
        if (r === INVALID) return this.#notANumber(f, cell(src, s, e));
        if (r === MISSING) {
          // In mts exports an empty cell is data (a close-only source, an unknown volume)
          // that was already reported when it was first imported.
          if (!mts) {
            const stored = f.target !== "extra" && (!macro || f.target === "close");
            this.#missing(f, describeMissing(src.slice(s, e)), stored);
          }
          continue;
        }
        v = r;
      }
      if (f.zeroIsMissing && v === 0) {
        this.#missing(f, "0", true);
        continue;
      }
      const rule = f.rule;
      if (rule === "price" ? !isPrice(v) : rule === "amount" ? !isAmount(v) : !isMacroValue(v)) {
        this.problem = `${f.label} ${RULES[rule](v)}`;
        return false;
      }
      const t = this.#targets[k];
      if (t >= 0) vals[t] = v;
    }
    return true;
  }

  #missing(f: FieldSpec, found: string, stored: boolean): void {
    (this.missing ??= []).push({ field: f.field, found, stored });
  }

  #notANumber(f: FieldSpec, text: string): boolean {
    const comma = this.#plan.delimiter === ";" && /^[+-]?\d+,\d+$/.test(text);
    this.problem = `${f.label}: "${text}" is not a number${
      comma ? " (a decimal comma? mts reads decimal points only)" : ""
    }`;
    return false;
  }

  /** The candle of the current row, or undefined (with `problem`) when its OHLC is inconsistent. */
  candle(ts: number): Candle | undefined {
    const vals = this.#vals;
    let open = vals[0], high = vals[1], low = vals[2];
    const close = vals[3];
    if (open !== open || high !== high || low !== low) open = high = low = NaN;
    const c: Candle = { ts, open, high, low, close, volume: vals[4], marketCap: vals[5] };
    if (close === close && open === open && this.#plan.inconsistentOhlc === "reject") {
      const p = candleProblem(c);
      if (p) {
        this.problem = p;
        return undefined;
      }
    }
    return c;
  }

  #fail(reason: string): number {
    this.problem = reason;
    return NaN;
  }
}

/** A cell's text as echoed in a message: trimmed, capped and escaped. */
function cell(src: string, start: number, end: number): string {
  return safeEcho(src.slice(start, end).trim());
}
