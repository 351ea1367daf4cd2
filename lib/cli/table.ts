/**
 * Plain-text tables for terminal output. Every cell and header is escaped here, once: ids,
 * file names, server messages and other untrusted text in a table cannot move the cursor,
 * recolour or rewrite the terminal, and a newline cannot break a row.
 * @module
 */
import { escapeControls } from "../core/text.ts";

/** A column: header text, how to read the cell, and alignment. */
export interface Column<T> {
  /** Header text. */
  header: string;
  /** The cell of `row`; `undefined` and `null` show as `-`. */
  value: (row: T) => string | number | undefined | null;
  /** Alignment (default left). */
  align?: "left" | "right";
}

/** Formats numbers for tables: fixed decimals, thousands separators, `-` for missing. */
export function fmtNum(v: number | undefined | null, digits = 2): string {
  if (v === undefined || v === null || Number.isNaN(v)) return "-";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return v.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Formats a fraction as a percentage (`0.1234` → `12.34%`). */
export function fmtPct(v: number | undefined | null, digits = 2): string {
  if (v === undefined || v === null || Number.isNaN(v)) return "-";
  return `${fmtNum(v * 100, digits)}%`;
}

function cell(v: string | number | undefined | null): string {
  return v === undefined || v === null ? "-" : escapeControls(String(v), { singleLine: true });
}

/** Renders rows as an aligned text table with a header rule; control characters are escaped. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const headers = columns.map((c) => cell(c.header));
  const cells = rows.map((r) => columns.map((c) => cell(c.value(r))));
  const widths = columns.map((_, i) =>
    Math.max(headers[i].length, ...cells.map((row) => row[i].length))
  );
  const line = (vals: string[]) =>
    vals.map((v, i) => (columns[i].align === "right" ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ").trimEnd();
  return [
    line(headers),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(line),
  ].join("\n");
}
