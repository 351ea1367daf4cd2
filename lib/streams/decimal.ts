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

/** 10^0 … 10^22: every one exact in a double. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

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
  // One pass that validates and computes the value: the digits from the first non-zero one as an
  // integer `m` (at most 15 of them: exact in a double) over 10^k, k the fraction's digits. For
  // k ≤ 22, 10^k is exact too, so the one IEEE division is correctly rounded: the same double
  // `Number(s)` gives (Clinger's fast path), without its runtime call. Longer spellings (trailing
  // zeros past 15 digits, long fractions) take the careful path.
  const n = s.length;
  if (n === 0 || n > MAX_PRICE_CHARS) return NaN;
  let m = 0, digits = 0, dot = -1;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d >>> 0 > 9) {
      if (d !== DOT - ZERO || dot >= 0 || i === 0 || i === n - 1) return NaN;
      dot = i;
    } else if (m > 0 || d > 0) {
      if (++digits > MAX_PRICE_DIGITS) return carefulPriceKey(s);
      m = m * 10 + d;
    }
  }
  if (m === 0) return NaN;
  const k = dot < 0 ? 0 : n - dot - 1;
  return k === 0 ? m : k <= 22 ? m / POW10[k] : Number(s);
}

/** {@link priceKey} for spellings with more than 15 digits from the first non-zero one. */
function carefulPriceKey(s: string): number {
  const digits = scanDecimal(s, MAX_PRICE_CHARS);
  return digits > 0 && digits <= MAX_PRICE_DIGITS ? Number(s) : NaN;
}

/**
 * Classifies a quantity string: `0` when it is a valid decimal equal to zero (`"0"`,
 * `"0.00000000"`: the level is removed), `1` when it is a valid positive decimal, `-1` when it is
 * not a plain non-negative decimal of at most {@link MAX_QTY_CHARS} characters.
 */
export function qtyKind(s: string): -1 | 0 | 1 {
  const digits = scanDecimal(s, MAX_QTY_CHARS);
  return digits < 0 ? -1 : digits === 0 ? 0 : 1;
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
