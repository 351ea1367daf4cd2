/**
 * Making untrusted text safe to show: values from files, ids and server responses are capped
 * before they are echoed (a 50 MB cell must not reach stderr, a log or the quality ledger whole)
 * and terminal control characters are escaped before anything reaches a terminal.
 * @module
 */

/** Longest excerpt of an untrusted value that is echoed in a message, in UTF-16 code units. */
export const MAX_ECHO_CHARS = 120;

/**
 * Caps `value` at `max` characters: a longer value keeps its start and says how long it was,
 * e.g. `"abcd…" (52428800 chars)`. Never splits a surrogate pair.
 *
 * @example
 * ```ts
 * import { excerpt } from "./text.ts";
 * excerpt("x".repeat(500), 5); // 'xxxxx… (500 chars)'
 * ```
 */
export function excerpt(value: string, max: number = MAX_ECHO_CHARS): string {
  if (value.length <= max) return value;
  let end = max;
  const c = value.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // do not cut a surrogate pair in half
  return `${value.slice(0, end)}… (${value.length} chars)`;
}

// C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides/isolates that can
// make a terminal show text in a different order than it is stored.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// deno-lint-ignore no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (ch === "\t") return "\\t";
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Escapes terminal control characters (ESC sequences, bell, backspace, carriage return, C1
 * controls, bidi overrides) so that text from files, ids or servers cannot move the cursor,
 * recolour or rewrite the terminal. Tabs and newlines are kept unless `singleLine` is set, which
 * escapes them too (for one-line messages and table cells).
 *
 * @example
 * ```ts
 * import { escapeControls } from "./text.ts";
 * escapeControls("ok\u001b[2Jcleared"); // 'ok\\x1b[2Jcleared'
 * ```
 */
export function escapeControls(text: string, options: { singleLine?: boolean } = {}): string {
  return text.replace(options.singleLine ? CONTROL_OR_NEWLINE : CONTROL, escapeChar);
}

/** {@link excerpt} then {@link escapeControls} on one line: the form every echoed value takes. */
export function safeEcho(value: string, max: number = MAX_ECHO_CHARS): string {
  return escapeControls(excerpt(value, max), { singleLine: true });
}
