/**
 * Putting rows in time order. Newest-first files are normal (CryptoDataDownload); a row against
 * the file's own direction is reported as `out_of_order`, then everything is sorted oldest
 * first (stable: rows sharing a time keep their file order for duplicate resolution).
 * @module
 */
import type { Candle } from "../../core/candle.ts";
import { isoTime } from "../../core/time.ts";
import type { QualityIssue } from "../store.ts";

/** Rows in time order with their lines, and whether the file was newest first. */
export interface OrderedRows {
  /** Rows, oldest first. */
  rows: Candle[];
  /** Line of each row. */
  lines: number[];
  /** True when the file was newest first. */
  descending: boolean;
}

/** Orders `rows` (file order, with `lines`); out-of-order findings are pushed to `issues`. */
export function orderRows(
  rows: Candle[],
  lines: number[],
  context: { file: string; base: { source: string; subject: string }; issues: QualityIssue[] },
): OrderedRows {
  const descending = rows[rows.length - 1].ts < rows[0].ts;
  let extreme = 0;
  let sorted = true;
  for (let i = 1; i < rows.length; i++) {
    const t = rows[i].ts;
    if (t < rows[i - 1].ts) sorted = false;
    if (descending ? t > rows[extreme].ts : t < rows[extreme].ts) {
      context.issues.push({
        ...context.base,
        kind: "out_of_order",
        ts: t,
        detail: `line ${lines[i]} (${isoTime(t)}) comes after line ${lines[extreme]} (${
          isoTime(rows[extreme].ts)
        }) in a file that is otherwise ${descending ? "newest" : "oldest"} first`,
        location: `${context.file}:${lines[i]}`,
      });
    } else {
      extreme = i;
    }
  }
  if (sorted) return { rows, lines, descending };
  const order = rows.map((_, i) => i).sort((a, b) =>
    rows[a].ts - rows[b].ts || lines[a] - lines[b]
  );
  return { rows: order.map((i) => rows[i]), lines: order.map((i) => lines[i]), descending };
}
