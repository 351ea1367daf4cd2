/**
 * Escaping for text embedded in the HTML report. Asset ids, strategy names, exit reasons and
 * warnings come from users and files, so nothing is interpolated into the page unescaped.
 * @module
 */

/**
 * Escapes `& < > " '` as numeric character references: safe in element text and in quoted
 * attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./escape.ts";
 * escapeHtml("</script>"); // "&#60;/script&#62;"
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON safe inside a `<script type="application/json">` element: `<` becomes `\u003c` (so no
 * `</script>` or `<!--` can appear), U+2028/U+2029 are escaped, and non-finite numbers become
 * `null` (JSON has no NaN).
 *
 * @example
 * ```ts
 * import { scriptJson } from "./escape.ts";
 * scriptJson({ a: "</script>", b: NaN }); // '{"a":"\\u003c/script>","b":null}'
 * ```
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v))
    .replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
