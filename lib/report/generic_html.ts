/**
 * Renders a JSON-like value of unknown shape as escaped HTML: the report shows fields such as a
 * result's `sources` without depending on their exact shape, which other parts of mts define.
 * @module
 */
import { escapeHtml } from "./escape.ts";

const MAX_DEPTH = 4;

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function scalar(v: unknown): string {
  if (v === null || v === undefined) return "-";
  if (typeof v === "number" && !Number.isFinite(v)) return "-";
  return escapeHtml(String(v));
}

/** A table with one row per object and one column per key any of them has. */
function objectsTable(rows: readonly Obj[], depth: number): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = keys.map((k) => `<th>${escapeHtml(k)}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${keys.map((k) => `<td>${genericHtml(r[k], depth + 1)}</td>`).join("")}</tr>`
  ).join("\n");
  return `<table class="generic"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A two-column table: key, value. */
function keyValueTable(o: Obj, depth: number): string {
  const body = Object.entries(o).map(([k, v]) =>
    `<tr><th>${escapeHtml(k)}</th><td>${genericHtml(v, depth + 1)}</td></tr>`
  ).join("\n");
  return `<table class="generic"><tbody>\n${body}\n</tbody></table>`;
}

/**
 * HTML for any JSON-like value: an object becomes a key/value table, an array of objects a table
 * with a column per key, other arrays a comma-separated list, scalars escaped text; below four
 * levels the rest is shown as JSON text. Every string in the output is escaped.
 *
 * @example
 * ```ts
 * import { genericHtml } from "./generic_html.ts";
 * genericHtml({ bitcoin: "coingecko" });
 * // '<table class="generic"><tbody>\n<tr><th>bitcoin</th><td>coingecko</td></tr>\n</tbody></table>'
 * ```
 */
export function genericHtml(value: unknown, depth = 0): string {
  if (depth >= MAX_DEPTH && typeof value === "object" && value !== null) {
    return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isObject)) return objectsTable(value, depth);
    return value.map((v) => genericHtml(v, depth + 1)).join(", ");
  }
  if (isObject(value)) return keyValueTable(value, depth);
  return scalar(value);
}
