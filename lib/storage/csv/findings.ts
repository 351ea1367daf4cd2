/**
 * Quality findings about the kept rows of a file: gaps in the cadence, missing cells,
 * off-schedule snapshots, close-only and inconsistent index rows, and an unfinished last bar.
 * Each finding is a quality issue with the line it comes from, when it has one.
 * @module
 */
import type { Candle } from "../../core/candle.ts";
import { candleProblem } from "../../core/candle.ts";
import { DAY_MS, type Interval, isoTime } from "../../core/time.ts";
import type { QualityIssue } from "../store.ts";
import type { MarketCalendar } from "./calendar.ts";
import type { ReadPlan } from "./formats.ts";
import { findGaps, fmtTs, lastBarLooksPartial } from "./quality.ts";
import type { MissingCell } from "./row.ts";

/** What the findings are about. */
export interface FindingContext {
  /** File name for `file:line` locations. */
  file: string;
  /** The reading plan (time mode, close-only and partial-bar checks). */
  plan: ReadPlan;
  /** The file's bar interval. */
  interval: Interval;
  /** The market calendar gaps are judged by. */
  calendar: MarketCalendar;
  /** Fields every finding carries. */
  base: { source: string; subject: string; interval: Interval };
  /** Missing cells by line. */
  missingAt: ReadonlyMap<number, MissingCell[]>;
  /** Distance from the snapshot schedule by line. */
  offAt: ReadonlyMap<number, number>;
  /** Where findings go. */
  issues: QualityIssue[];
}

/** Holes in the expected cadence of the kept timestamps. */
export function gapFindings(keptTs: readonly number[], ctx: FindingContext): void {
  const { interval } = ctx;
  const snapshot = ctx.plan.timeMode === "snapshot";
  for (const g of findGaps(keptTs, interval, ctx.calendar)) {
    const hint = snapshot ? ` (no snapshot at ${isoTime(g.from + DAY_MS)})` : "";
    ctx.issues.push({
      ...ctx.base,
      kind: "gap",
      ts: g.from,
      tsEnd: g.to,
      detail: `${g.missing} missing bar${g.missing === 1 ? "" : "s"} from ${
        fmtTs(g.from, interval)
      } before ${fmtTs(g.to, interval)}${hint}`,
    });
  }
}

/** Per-row findings of the kept rows: missing cells, off-schedule times, close-only bars. */
export function rowFindings(
  rows: readonly Candle[],
  lines: readonly number[],
  ctx: FindingContext,
) {
  if (ctx.missingAt.size === 0 && ctx.offAt.size === 0 && !ctx.plan.flagCloseOnly) return;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i], line = lines[i];
    const at = { ...ctx.base, ts: r.ts, location: `${ctx.file}:${line}` };
    for (const m of ctx.missingAt.get(line) ?? []) {
      ctx.issues.push({
        ...at,
        kind: "missing_value",
        field: m.field,
        detail: `${m.field} is ${m.found}${m.stored ? "" : " (column not stored)"}${
          m.found === "0" ? " (0 means unknown in this export)" : ""
        }`,
      });
    }
    const off = ctx.offAt.get(line);
    if (off !== undefined) {
      ctx.issues.push({
        ...at,
        kind: "off_schedule",
        detail: `snapshot taken ${Math.round(off / 60_000)} min away from 00:00 UTC; ` +
          `used as the close of ${fmtTs(r.ts, ctx.interval)}`,
      });
    }
    if (ctx.plan.flagCloseOnly) ohlcFinding(r, at, ctx);
  }
}

/** An index row (VIX) with only a close, or with an open outside its range (flagged only). */
function ohlcFinding(
  r: Candle,
  at: { source: string; subject: string; interval: Interval; ts: number; location: string },
  ctx: FindingContext,
): void {
  if (r.open !== r.open || r.close !== r.close) return;
  if (r.open === r.close && r.high === r.close && r.low === r.close) {
    ctx.issues.push({
      ...at,
      kind: "close_only",
      detail: `open = high = low = close = ${r.close}: only a close was published`,
    });
  } else if (ctx.plan.inconsistentOhlc !== "reject") {
    const p = candleProblem(r);
    if (p) ctx.issues.push({ ...at, kind: "inconsistent_ohlc", detail: p });
  }
}

/** The newest bar, when its volume says it was exported before the bar closed. */
export function partialBarFinding(
  rows: readonly Candle[],
  lines: readonly number[],
  ctx: FindingContext,
): void {
  if (!ctx.plan.checkPartialLastBar) return;
  if (!lastBarLooksPartial(rows.slice(-31).map((r) => r.volume))) return;
  const last = rows[rows.length - 1];
  ctx.issues.push({
    ...ctx.base,
    kind: "partial_bar",
    ts: last.ts,
    detail: `the newest bar (${fmtTs(last.ts, ctx.interval)}) has volume ${last.volume}, ` +
      "under a quarter of the recent median: probably exported before the bar closed",
    location: `${ctx.file}:${lines[lines.length - 1]}`,
  });
}
