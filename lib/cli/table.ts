/**
 * Plain-text tables for terminal output.
 * @module
 */

/** A column: header text, how to read the cell, and alignment. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | undefined | null;
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

/** Renders rows as an aligned text table with a header rule. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) =>
    columns.map((c) => {
      const v = c.value(r);
      return v === undefined || v === null ? "-" : String(v);
    })
  );
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((row) => row[i].length))
  );
  const line = (vals: string[]) =>
    vals.map((v, i) => (columns[i].align === "right" ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ").trimEnd();
  return [
    line(columns.map((c) => c.header)),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(line),
  ].join("\n");
}
