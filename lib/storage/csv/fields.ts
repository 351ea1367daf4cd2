/**
 * Low-level CSV reading: splitting a line into fields (RFC 4180 quoting) and reading numbers
 * with a clear distinction between "missing" (blank, `NULL`, …) and "not a number" (garbage).
 * @module
 */

/**
 * Splits one CSV record into fields at `delimiter` (a comma unless given). Quoted fields may
 * contain the delimiter, line breaks and doubled quotes.
 */
export function splitCsvLine(line: string, delimiter: string = ","): string[] {
  if (line.indexOf('"') === -1) return line.split(delimiter);
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i <= n) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let field = "";
      i++;
      while (i < n) {
        const q = line.indexOf('"', i);
        if (q === -1) {
          field += line.slice(i);
          i = n;
          break;
        }
        field += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the next delimiter is kept verbatim.
      const next = line.indexOf(delimiter, i);
      const end = next === -1 ? n : next;
      field += line.slice(i, end);
      out.push(field);
      i = end + 1;
    } else {
      const next = line.indexOf(delimiter, i);
      const end = next === -1 ? n : next;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** True when a line has an unbalanced quote, i.e. a quoted field continues on the next line. */
export function hasOpenQuote(line: string): boolean {
  let count = 0;
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) count++;
  return count % 2 === 1;
}

/** Cell texts that mean "no value" rather than "bad value" (compared case-insensitively). */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  "",
  "null",
  "nan",
  "n/a",
  "na",
  "none",
  "-",
  ".",
]);

/** Returned by {@link readNumber} for a missing cell. */
export const MISSING = Symbol("missing");
/** Returned by {@link readNumber} for a cell that is neither a number nor a missing marker. */
export const INVALID = Symbol("invalid");

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a decimal number. Blank cells and markers such as `NULL`, `NaN`, `N/A` and FRED's `.`
 * give {@link MISSING}; anything else that is not a plain decimal (text, hex, `Infinity`) gives
 * {@link INVALID}.
 */
export function readNumber(text: string): number | typeof MISSING | typeof INVALID {
  if (NUMBER_RE.test(text)) {
    const v = +text;
    return Number.isFinite(v) ? v : INVALID;
  }
  const t = text.trim();
  if (t !== text && NUMBER_RE.test(t)) return +t;
  if (MISSING_TOKENS.has(t.toLowerCase())) return MISSING;
  return INVALID;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Reads a plain decimal (`-12.345`) from `src[start, end)` without copying it. Returns `NaN`
 * when the cell is anything else (blank, exponent, more than 15 digits, text), so that the caller
 * can fall back to {@link readNumber}. Exact: with at most 15 digits both the digits and the
 * power of ten are exact doubles, and one IEEE division rounds correctly, exactly as
 * `Number(text)` does.
 */
export function readPlainDecimal(src: string, start: number, end: number): number {
  let i = start, neg = false;
  const c0 = src.charCodeAt(i);
  if (c0 === 45) {
    neg = true;
    i++;
  } else if (c0 === 43) i++;
  let m = 0, digits = 0, frac = -1;
  for (; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) {
      frac = 0;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac > 0 ? m / POW10[frac] : m;
  return neg ? -v : v;
}

/** Describes a missing cell for a quality-issue detail: `blank` or the quoted marker. */
export function describeMissing(text: string): string {
  return text.trim() === "" ? "blank" : JSON.stringify(text.trim());
}
