/**
 * Data-quality analysis of a parsed file: interval inference, duplicate resolution, gaps in the
 * expected cadence (calendar-aware), partial last bars. Pure functions over sorted rows.
 * @module
 */
import {
  DAY_MS,
  floorToInterval,
  type Interval,
  intervalMs,
  INTERVALS,
  isoDate,
  isoTime,
} from "../../core/time.ts";
import { isClosed, type MarketCalendar, weekday } from "./calendar.ts";
import type { CsvRow } from "./row.ts";

/**
 * Infers the bar interval from sorted, distinct timestamps: the most common step between
 * neighbours, matched to a supported interval (28–31 days is a calendar month). Returns
 * `undefined` when fewer than two timestamps are given or the step matches no interval.
 */
export function inferInterval(sortedTs: readonly number[]): Interval | undefined {
  const best = modeStep(sortedTs);
  if (best === undefined) return undefined;
  if (best >= 28 * DAY_MS && best <= 31 * DAY_MS) return "1M";
  return INTERVALS.find((i) => i !== "1M" && intervalMs(i) === best);
}

/**
 * Fallback when the most common step is not an interval (e.g. every other day after rows were
 * skipped): the longest interval that divides it, or `undefined`.
 */
export function dividingInterval(sortedTs: readonly number[]): Interval | undefined {
  const best = modeStep(sortedTs);
  if (best === undefined) return undefined;
  return [...INTERVALS].reverse().find((i) => i !== "1M" && best % intervalMs(i) === 0);
}

/** The most common positive step between neighbours (the shorter one on a tie). */
function modeStep(sortedTs: readonly number[]): number | undefined {
  if (sortedTs.length < 2) return undefined;
  const counts = new Map<number, number>();
  let best = 0, bestCount = 0;
  for (let i = 1; i < sortedTs.length; i++) {
    const d = sortedTs[i] - sortedTs[i - 1];
    if (d <= 0) continue;
    const c = (counts.get(d) ?? 0) + 1;
    counts.set(d, c);
    if (c > bestCount || (c === bestCount && d < best)) {
      best = d;
      bestCount = c;
    }
  }
  return bestCount === 0 ? undefined : best;
}

/**
 * Chooses the calendar of a series: `weekdays` when a daily-or-shorter series spans at least one
 * Saturday but has no Saturday bar at all (stocks, FX, VIX, FRED), else `24/7`.
 */
export function inferCalendar(sortedTs: readonly number[], interval: Interval): MarketCalendar {
  if (intervalMs(interval) > DAY_MS || sortedTs.length < 2) return "24/7";
  const first = sortedTs[0], last = sortedTs[sortedTs.length - 1];
  const firstSaturday = Math.floor(first / DAY_MS) * DAY_MS +
    ((6 - weekday(first) + 7) % 7) * DAY_MS;
  if (firstSaturday > last) return "24/7";
  for (const ts of sortedTs) if (weekday(ts) === 6) return "24/7";
  return "weekdays";
}

/** A hole in the expected cadence: bars from `from` (first missing) up to `to` (exclusive). */
export interface Gap {
  /** Time of the first missing bar. */
  from: number;
  /** Time of the next bar present (exclusive end). */
  to: number;
  /** Number of bars missing (closed-market bars excluded). */
  missing: number;
  /** Time of the last bar present before the gap. */
  after: number;
}

/**
 * Finds gaps between consecutive present timestamps. For a `weekdays` calendar, bars when the
 * market is closed (see {@link isClosed}) are not expected. Months and weeks are compared by
 * calendar index, so month-end dates such as 1990-03-30 count as March.
 */
export function findGaps(
  sortedTs: readonly number[],
  interval: Interval,
  calendar: MarketCalendar,
): Gap[] {
  const gaps: Gap[] = [];
  if (interval === "1M" || interval === "1w") {
    const index = interval === "1M" ? monthIndex : weekIndex;
    for (let i = 1; i < sortedTs.length; i++) {
      const a = sortedTs[i - 1], b = sortedTs[i];
      const missing = index(b) - index(a) - 1;
      if (missing > 0) {
        const from = interval === "1M"
          ? Date.UTC(new Date(a).getUTCFullYear(), new Date(a).getUTCMonth() + 1, 1)
          : floorToInterval(a, "1w") + 7 * DAY_MS;
        gaps.push({ from, to: b, missing, after: a });
      }
    }
    return gaps;
  }
  const step = intervalMs(interval);
  const walk = calendar === "weekdays" && step <= DAY_MS;
  for (let i = 1; i < sortedTs.length; i++) {
    const a = sortedTs[i - 1], b = sortedTs[i];
    if (b - a <= step) continue;
    const bars = Math.ceil((b - a) / step) - 1;
    if (!walk || bars > 5_000_000) {
      gaps.push({ from: a + step, to: b, missing: bars, after: a });
      continue;
    }
    let missing = 0, first = NaN;
    for (let t = a + step; t < b; t += step) {
      if (isClosed(t)) continue;
      if (missing++ === 0) first = t;
    }
    if (missing > 0) gaps.push({ from: first, to: b, missing, after: a });
  }
  return gaps;
}

function monthIndex(ts: number): number {
  const d = new Date(ts);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function weekIndex(ts: number): number {
  return Math.round(floorToInterval(ts, "1w") / (7 * DAY_MS));
}

/** Human text for a time at the precision of `interval`. */
export function fmtTs(ts: number, interval: Interval): string {
  return intervalMs(interval) >= DAY_MS && ts % DAY_MS === 0 ? isoDate(ts) : isoTime(ts);
}

const FIELDS = ["open", "high", "low", "close", "volume", "marketCap"] as const;

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Fields in which two rows disagree, e.g. `open 18860.04 vs 18860.02`. */
export function rowDifferences(a: CsvRow, b: CsvRow, valueName = "close"): string[] {
  const out: string[] = [];
  for (const f of FIELDS) {
    if (!same(a[f], b[f])) {
      const name = f === "close" ? valueName : f === "marketCap" ? "market_cap" : f;
      out.push(`${name} ${fmtVal(a[f])} vs ${fmtVal(b[f])}`);
    }
  }
  return out;
}

function fmtVal(v: number): string {
  return Number.isNaN(v) ? "missing" : String(v);
}

/** Outcome of resolving rows that share a timestamp. */
export interface DuplicateGroup {
  /** The row kept. */
  kept: CsvRow;
  /** The other rows, in file order. */
  dropped: CsvRow[];
  /** True when at least one dropped row differs from the kept one. */
  conflicting: boolean;
  /** Why `kept` won, for the issue detail. */
  reason: string;
  /** Fields in which the dropped rows differ from the kept one. */
  differences: string[];
}

/**
 * Chooses which of several rows with the same timestamp to keep (`group` in file order, at least
 * two rows). The kept row is the one on schedule (a snapshot exactly at 00:00 beats a late one),
 * then the one with the fewest missing cells, then the first in the file.
 */
export function chooseDuplicate(group: readonly CsvRow[], valueName = "close"): DuplicateGroup {
  const score = (r: CsvRow) => [r.offScheduleMs, r.missing?.length ?? 0, r.line];
  const best = group.reduce((a, b) => {
    const sa = score(a), sb = score(b);
    for (let k = 0; k < sa.length; k++) if (sa[k] !== sb[k]) return sa[k] < sb[k] ? a : b;
    return a;
  });
  const dropped = group.filter((r) => r !== best);
  const differences = dropped.flatMap((d) => rowDifferences(best, d, valueName));
  const other = dropped[0];
  const reason = best.offScheduleMs < other.offScheduleMs
    ? "its time is on schedule"
    : (best.missing?.length ?? 0) < (other.missing?.length ?? 0)
    ? "it has fewer missing cells"
    : "it comes first in the file";
  return { kept: best, dropped, conflicting: differences.length > 0, reason, differences };
}

/**
 * True when the last bar looks unfinished: its volume is below a quarter of the median volume
 * of up to 30 bars before it (exports made during the day end with a partial bar).
 */
export function lastBarLooksPartial(volumes: readonly number[]): boolean {
  const n = volumes.length;
  if (n < 9) return false;
  const last = volumes[n - 1];
  if (!Number.isFinite(last)) return false;
  const prev = volumes.slice(Math.max(0, n - 31), n - 1).filter((v) => Number.isFinite(v) && v > 0)
    .sort((a, b) => a - b);
  if (prev.length < 8) return false;
  const median = prev[Math.floor(prev.length / 2)];
  return last < 0.25 * median;
}
