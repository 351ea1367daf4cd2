/**
 * Exact decimals from the wire. Exchanges send prices and quantities as decimal strings
 * (`"35743.98000000"`); the book keeps those strings as they came and orders prices by a numeric
 * key that is provably exact:
 *
 * A decimal with at most 15 significant digits converts to the nearest double and back without
 * loss (IEEE 754 binary64 guarantees 15 decimal digits, `DBL_DIG`). So two *different* such
 * decimals never map to the same double, and because correctly rounded conversion is monotonic,
 * their doubles compare exactly as the decimals do. {@link priceKey} therefore accepts only
 * prices within that guarantee (and within a length that keeps them far from underflow and
 * overflow) and rejects the rest instead of rounding them silently. Quantities are never ordered,
 * so they keep any number of digits; their value is compared through {@link normalizeDecimal}.
 *
 * Measured alternatives (see `bench/streams_bench.ts` and docs/streams.md): bigint keys scaled to
 * 10⁻⁸ and normalised decimal strings with a digit-wise comparison were both about 2× slower on
 * the book's hot path and the former also fixes a scale the exchange does not promise.
 * @module
 */

/** Most significant digits a price may have and still be held exactly as a double key. */
export const MAX_PRICE_DIGITS = 15;
/** Longest price string accepted (keeps keys far from double underflow and overflow). */
export const MAX_PRICE_CHARS = 32;
/** Longest quantity string accepted. */
export const MAX_QTY_CHARS = 48;

const DOT = 46, ZERO = 48, NINE = 57;

/** 10⁰ … 10²², every one an exact double. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Scans a plain non-negative decimal string (`123`, `0.0015`, `35743.98000000`; no sign, no
 * exponent, no spaces). Returns the number of significant digits, `0` for a zero value, or `-1`
 * when `s` is not such a string or is longer than `maxChars`.
 */
function scanDecimal(s: string, maxChars: number): number {
  const n = s.length;
  if (n === 0 || n > maxChars) return -1;
  let dot = -1, first = -1, last = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT) {
      if (dot >= 0 || i === 0 || i === n - 1) return -1;
      dot = i;
    } else if (c < ZERO || c > NINE) {
      return -1;
    } else if (c !== ZERO) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return 0;
  // digits from the first to the last non-zero digit, not counting a dot between them
  return last - first + 1 - (dot > first && dot < last ? 1 : 0);
}

/**
 * The exact ordering key of a price string: its double value, or `NaN` when the string is not a
 * positive plain decimal of at most {@link MAX_PRICE_DIGITS} significant digits and
 * {@link MAX_PRICE_CHARS} characters. `"30240"` and `"30240.00"` give the same key (same value).
 *
 * @example
 * ```ts
 * import { priceKey } from "./decimal.ts";
 * priceKey("35743.98000000"); // 35743.98
 * priceKey("1.0000000000000001"); // NaN (17 significant digits cannot be held exactly)
 * ```
 */
export function priceKey(s: string): number {
  // One pass: validate and gather every digit from the first non-zero one as an integer m. With
  // at most 15 such digits m is exact, and m / 10^f (f fraction digits, f ≤ 22: 10^f is exact) is
  // one correctly rounded division of two exact doubles (Clinger's fast path) — the very double
  // Number(s) gives. Longer spellings (trailing zeros past 15 digits, 16+ significant digits,
  // tiny or huge exponents) take the careful path. Measured on 14-character prices: ~30% faster
  // than a validating scan followed by Number(s), the largest part of a 10-level frame's check.
  const n = s.length;
  if (n === 0 || n > MAX_PRICE_CHARS) return NaN;
  let i = 0, m = 0, span = 0, c = 0;
  for (; i < n; i++) {
    c = s.charCodeAt(i) - ZERO;
    if (c >>> 0 > 9) break;
    m = m * 10 + c;
    if (m !== 0) span++;
  }
  let frac = 0;
  if (i < n) {
    if (c !== DOT - ZERO || i === 0 || i === n - 1) return NaN;
    for (let j = i + 1; j < n; j++) {
      c = s.charCodeAt(j) - ZERO;
      if (c >>> 0 > 9) return NaN;
      m = m * 10 + c;
      if (m !== 0) span++;
    }
    frac = n - i - 1;
  }
  if (m === 0) return NaN;
  const key = digitsKey(m, span, frac);
  return key === key ? key : priceKeyCareful(s);
}

/**
 * The exact key of a valid plain decimal whose digits from the first non-zero one are `m` read as
 * an integer (`span` digits, `frac` of them — or of the zeros before them — after the dot), when
 * that is one exact division (`span` ≤ {@link MAX_PRICE_DIGITS}, `frac` ≤ 22, `m` > 0); else `NaN`
 * and the caller asks {@link priceKey}. For scanners that read prices straight from frame text.
 */
export function digitsKey(m: number, span: number, frac: number): number {
  return m > 0 && span <= MAX_PRICE_DIGITS && frac <= 22 ? m / POW10[frac] : NaN;
}

/** {@link priceKey} for any spelling: significant digits counted, any exponent. */
function priceKeyCareful(s: string): number {
  // Validate, count significant digits and gather them as an integer m (< 10^15, so exact);
  // value = m × 10^e with |e| ≤ 22 is one correctly rounded operation on two exact doubles.
  const n = s.length;
  if (n === 0 || n > MAX_PRICE_CHARS) return NaN;
  let m = 0, sig = 0, zeros = 0, dot = -1, frac = 0, fracAtLast = 0, zerosAtDot = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT) {
      if (dot >= 0 || i === 0 || i === n - 1) return NaN;
      dot = i;
      zerosAtDot = zeros;
      continue;
    }
    const d = c - ZERO;
    if (d < 0 || d > 9) return NaN;
    if (dot >= 0) frac++;
    if (d === 0) {
      if (sig > 0) zeros++; // leading zeros are not significant
      continue;
    }
    sig += zeros + 1;
    if (sig > MAX_PRICE_DIGITS) return NaN;
    m = m * POW10[zeros + 1] + d;
    zeros = 0;
    fracAtLast = frac;
  }
  if (sig === 0) return NaN;
  // the last significant digit is in the fraction (e < 0) or followed by integer zeros (e ≥ 0)
  const e = fracAtLast > 0 ? -fracAtLast : dot >= 0 ? zerosAtDot : zeros;
  if (e >= 0) return e <= 22 ? m * POW10[e] : Number(s);
  return e >= -22 ? m / POW10[-e] : Number(s);
}

/**
 * Classifies a quantity string: `0` when it is a valid decimal equal to zero (`"0"`,
 * `"0.00000000"`: the level is removed), `1` when it is a valid positive decimal, `-1` when it is
 * not a plain non-negative decimal of at most {@link MAX_QTY_CHARS} characters.
 */
export function qtyKind(s: string): -1 | 0 | 1 {
  const n = s.length;
  if (n === 0 || n > MAX_QTY_CHARS) return -1;
  let nonZero = 0, i = 0, c = 0;
  for (; i < n; i++) {
    c = s.charCodeAt(i) - ZERO;
    if (c >>> 0 > 9) break;
    nonZero |= c;
  }
  if (i < n) {
    if (c !== DOT - ZERO || i === 0 || i === n - 1) return -1;
    for (let j = i + 1; j < n; j++) {
      c = s.charCodeAt(j) - ZERO;
      if (c >>> 0 > 9) return -1;
      nonZero |= c;
    }
  }
  return nonZero === 0 ? 0 : 1;
}

/** Whether a valid quantity string is zero (a delete). Assumes {@link qtyKind} accepted it. */
export function isZeroQty(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== ZERO && c !== DOT) return false;
  }
  return true;
}

/**
 * Says what is wrong with a price string, or `undefined` when {@link priceKey} accepts it.
 * Used for error messages only (the hot path calls {@link priceKey}).
 */
export function priceProblem(s: unknown): string | undefined {
  if (typeof s !== "string") return "expected a decimal string";
  const digits = scanDecimal(s, MAX_PRICE_CHARS);
  if (digits < 0) {
    return s.length > MAX_PRICE_CHARS
      ? `expected at most ${MAX_PRICE_CHARS} characters`
      : "expected a plain decimal string";
  }
  if (digits === 0) return "expected a price above zero";
  if (digits > MAX_PRICE_DIGITS) {
    return `has ${digits} significant digits; at most ${MAX_PRICE_DIGITS} can be held exactly`;
  }
  return undefined;
}

/**
 * The canonical spelling of a valid decimal string's value: no leading zeros before the units
 * digit, no trailing fractional zeros, no lone dot (`"0012.500"` → `"12.5"`, `"0.000"` → `"0"`).
 * Two decimal strings have the same value exactly when their normalised forms are equal.
 */
export function normalizeDecimal(s: string): string {
  let start = 0, end = s.length;
  const dot = s.indexOf(".");
  if (dot >= 0) {
    while (end > dot + 1 && s.charCodeAt(end - 1) === ZERO) end--;
    if (end === dot + 1) end = dot;
  }
  const intEnd = dot >= 0 ? Math.min(dot, end) : end;
  while (start < intEnd - 1 && s.charCodeAt(start) === ZERO) start++;
  return s.slice(start, end);
}
