/**
 * Collapsing rows that share a timestamp into one, with a `duplicate` or
 * `conflicting_duplicate` finding that says which line was kept and why (see `chooseDuplicate`).
 * @module
 */
import type { Candle } from "../../core/candle.ts";
import type { Interval } from "../../core/time.ts";
import type { QualityIssue } from "../store.ts";
import { chooseDuplicate, fmtTs } from "./quality.ts";
import type { CsvRow, MissingCell } from "./row.ts";

/** What duplicate resolution needs to know about the rows beyond their values. */
export interface DuplicateContext {
  /** File name for `file:line` locations. */
  file: string;
  /** Bar interval, for the time in messages. */
  interval: Interval;
  /** Name of the close in messages: `close`, or the macro series id. */
  valueName: string;
  /** Fields every finding carries. */
  base: { source: string; subject: string; interval: Interval };
  /** Missing cells by line (fewer wins a tie). */
  missingAt: ReadonlyMap<number, MissingCell[]>;
  /** Distance from the snapshot schedule by line (on schedule wins). */
  offAt: ReadonlyMap<number, number>;
  /** Where findings go. */
  issues: QualityIssue[];
}

/** Keeps one row per timestamp of sorted `rows`; returns the kept rows and their lines. */
export function collapseDuplicates(
  rows: Candle[],
  lines: number[],
  ctx: DuplicateContext,
): { rows: Candle[]; lines: number[] } {
  if (!rows.some((r, i) => i > 0 && r.ts === rows[i - 1].ts)) return { rows, lines };
  const kept: Candle[] = [], keptLines: number[] = [];
  for (let a = 0; a < rows.length;) {
    let b = a + 1;
    while (b < rows.length && rows[b].ts === rows[a].ts) b++;
    const idx = b === a + 1 ? a : resolveGroup(rows, lines, a, b, ctx);
    kept.push(rows[idx]);
    keptLines.push(lines[idx]);
    a = b;
  }
  return { rows: kept, lines: keptLines };
}

/** Chooses the row to keep among `rows[a, b)` and records the finding; returns its index. */
function resolveGroup(
  rows: Candle[],
  lines: number[],
  a: number,
  b: number,
  ctx: DuplicateContext,
): number {
  const group: CsvRow[] = [];
  for (let k = a; k < b; k++) {
    group.push({
      ...rows[k],
      marketCap: rows[k].marketCap ?? NaN,
      line: lines[k],
      missing: ctx.missingAt.get(lines[k]),
      offScheduleMs: ctx.offAt.get(lines[k]) ?? 0,
    });
  }
  const g = chooseDuplicate(group, ctx.valueName);
  const dropped = g.dropped.map((d) => d.line).join(", ");
  const when = fmtTs(g.kept.ts, ctx.interval);
  ctx.issues.push({
    ...ctx.base,
    kind: g.conflicting ? "conflicting_duplicate" : "duplicate",
    ts: g.kept.ts,
    detail: g.conflicting
      ? `lines ${g.kept.line} and ${dropped} disagree for ${when} (${
        g.differences.join("; ")
      }); kept line ${g.kept.line} because ${g.reason}`
      : `line ${dropped} repeats line ${g.kept.line} for ${when}`,
    location: `${ctx.file}:${g.dropped[0].line}`,
  });
  return a + group.indexOf(g.kept);
}
