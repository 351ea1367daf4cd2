/**
 * The one rule for the ids of series: asset ids (`bitcoin`, `usd-coin`), macro series ids
 * (`DGS10`, `VIX_MONTHLY`) and source names (`coingecko`, `csv`).
 *
 * An id is 1–64 ASCII characters from `A–Z a–z 0–9 . _ -` and starts with a letter or a digit
 * (a source name: 1–32 of the same). Why ASCII and not "letters of any script": ids end up in
 * backup file names, log fields, URLs and terminal tables, where Unicode brings look-alike
 * characters (Latin `a` and Cyrillic `а`), several encodings of one visible name (NFC and NFD, which
 * macOS file systems convert between), right-to-left overrides and width surprises. Every id the
 * data sources use (CoinGecko ids, FRED series ids, exchange tickers) already fits. `foo_bar` and
 * `foo-bar` are both valid and distinct; the case of letters is kept as given (the CSV importer
 * lower-cases asset ids and upper-cases series ids typed as flags).
 * @module
 */
import { safeEcho } from "./text.ts";

/** Longest asset or macro series id. */
export const MAX_ID_LENGTH = 64;
/** Longest source name (shorter, so that a backup file name always fits in 255 bytes). */
export const MAX_SOURCE_LENGTH = 32;

/** What an id names; used in messages and to pick the length limit. */
export type IdKind = "asset" | "series" | "source";

const ALLOWED = /^[A-Za-z0-9._-]$/;
const NOUNS: Record<IdKind, string> = {
  asset: "an asset id",
  series: "a series id",
  source: "a source name",
};
const FIRST = /^[A-Za-z0-9]$/;

/** The rule in words, for messages and documentation. */
export function idRuleText(kind: IdKind): string {
  const max = kind === "source" ? MAX_SOURCE_LENGTH : MAX_ID_LENGTH;
  return `1-${max} characters from A-Z a-z 0-9 . _ - starting with a letter or digit`;
}

/**
 * Why `id` is not a valid id of this kind, or `undefined` when it is. The message names the
 * kind, the (capped, escaped) id, the first offending character and the rule.
 *
 * @example
 * ```ts
 * import { idProblem } from "./ids.ts";
 * idProblem("asset", "foo_bar"); // undefined
 * idProblem("asset", "foo bar"); // 'asset id "foo bar" is not valid: a space at position 4 is not allowed (…)'
 * ```
 */
export function idProblem(kind: IdKind, id: string): string | undefined {
  const why = reason(kind, id);
  if (why === undefined) return undefined;
  const label = kind === "source" ? "source name" : `${kind} id`;
  return `${label} "${safeEcho(id)}" is not valid: ${why} (${idRuleText(kind)})`;
}

/**
 * The same check for a command-line flag, in the one flag-error form of the CLI:
 * `--asset: expected an asset id (1-64 characters …), got "   " (a space at position 1 is not
 * allowed)`; `undefined` when the value is valid.
 */
export function idFlagProblem(flag: string, kind: IdKind, value: string): string | undefined {
  const why = reason(kind, value);
  if (why === undefined) return undefined;
  const what = NOUNS[kind];
  return `--${flag}: expected ${what} (${idRuleText(kind)}), got "${safeEcho(value)}" (${why})`;
}

/** True when `id` is a valid id of this kind. */
export function isValidId(kind: IdKind, id: string): boolean {
  return reason(kind, id) === undefined;
}

function reason(kind: IdKind, id: string): string | undefined {
  const max = kind === "source" ? MAX_SOURCE_LENGTH : MAX_ID_LENGTH;
  if (id.length === 0) return "it is empty";
  if (id.length > max) return `it is ${id.length} characters long`;
  let pos = 0;
  for (const ch of id) {
    pos++;
    if (!ALLOWED.test(ch)) return `${describeChar(ch)} at position ${pos} is not allowed`;
    if (pos === 1 && !FIRST.test(ch)) return `it starts with ${describeChar(ch)}`;
  }
  return undefined;
}

function describeChar(ch: string): string {
  if (ch === " ") return "a space";
  if (ch === "\n") return "a newline";
  if (ch === "\t") return "a tab";
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? hex : `"${safeEcho(ch)}" (${hex})`;
}
