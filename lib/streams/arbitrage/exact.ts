/**
 * Exact decimal arithmetic for the arbitrage detector: a value is `m / 10^s` with a bigint
 * mantissa `m` and a scale `s ≥ 0`. Sums, differences and products are exact (scales add up);
 * the only rounding is explicit: {@link floorTo} (a quantity down to a lot) and {@link divide}
 * (a ratio such as a VWAP or a bps figure, to a stated number of digits, for output). Prices and
 * quantities enter from their decimal spelling ({@link dec}), so `0.1 + 0.2` is exactly `0.3`.
 * @module
 */

/** An exact decimal: `m / 10^s`. */
export interface Dec {
  /** The mantissa. */
  readonly m: bigint;
  /** The scale (number of fractional digits held). */
  readonly s: number;
}

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1] * 10n);
  return POW10[n];
}

/** Zero. */
export const ZERO: Dec = { m: 0n, s: 0 };
/** One. */
export const ONE: Dec = { m: 1n, s: 0 };

const PLAIN = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/**
 * Parses a decimal from its spelling (`"35743.98"`, `"0.00055"`, `"1e-7"`) or from a number,
 * through the number's shortest round-trip spelling (`String(0.1)` is `"0.1"`: a price that came
 * off the wire as a decimal of at most 15 significant digits is recovered exactly). Throws a
 * `RangeError` for anything else (NaN, infinities, text).
 *
 * @example
 * ```ts
 * import { dec, toText } from "./exact.ts";
 * toText(dec("35743.98000000")); // "35743.98"
 * toText(dec(1e-7)); // "0.0000001"
 * ```
 */
export function dec(v: string | number): Dec {
  const text = typeof v === "number" ? String(v) : v.trim();
  const p = PLAIN.exec(text);
  if (!p || (typeof v === "number" && !Number.isFinite(v))) {
    throw new RangeError(`Cannot read a decimal from ${JSON.stringify(String(v)).slice(0, 40)}`);
  }
  const frac = p[3] ?? "";
  let m = BigInt(p[2] + frac);
  let s = frac.length - Number(p[4] ?? 0);
  if (s < 0) {
    m *= pow10(-s);
    s = 0;
  }
  return { m: p[1] ? -m : m, s };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.s === b.s) return [a.m, b.m, a.s];
  return a.s > b.s ? [a.m, b.m * pow10(a.s - b.s), a.s] : [a.m * pow10(b.s - a.s), b.m, b.s];
}

/** `a + b`, exact. */
export function add(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { m: x + y, s };
}

/** `a − b`, exact. */
export function sub(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { m: x - y, s };
}

/** `a × b`, exact. */
export function mul(a: Dec, b: Dec): Dec {
  return { m: a.m * b.m, s: a.s + b.s };
}

/** −1, 0 or 1 as `a` is below, equal to or above `b`. */
export function cmp(a: Dec, b: Dec): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The sign of `a`: −1, 0 or 1. */
export function sign(a: Dec): -1 | 0 | 1 {
  return a.m < 0n ? -1 : a.m > 0n ? 1 : 0;
}

/** `a` rounded toward −∞ to `digits` fractional digits (a quantity down to its lot). */
export function floorTo(a: Dec, digits: number): Dec {
  if (a.s <= digits) return a;
  const d = pow10(a.s - digits);
  let q = a.m / d;
  if (a.m < 0n && q * d !== a.m) q -= 1n;
  return { m: q, s: digits };
}

/**
 * `a / b` rounded half away from zero to `digits` fractional digits. Throws a `RangeError` when
 * `b` is zero.
 */
export function divide(a: Dec, b: Dec, digits: number): Dec {
  if (b.m === 0n) throw new RangeError("Cannot divide by zero");
  // a/b = (a.m / 10^a.s) / (b.m / 10^b.s); scaled to 10^digits, doubled for the half step
  let num = a.m * pow10(b.s + digits) * 2n;
  let den = b.m * pow10(a.s) * 2n;
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const half = den / 2n;
  const q = num >= 0n ? (num + half) / den : -((-num + half) / den);
  return { m: q, s: digits };
}

/**
 * `a / b` rounded toward −∞ to `digits` fractional digits (a size that must not exceed a bound).
 * Throws a `RangeError` when `b` is zero.
 */
export function divideFloor(a: Dec, b: Dec, digits: number): Dec {
  if (b.m === 0n) throw new RangeError("Cannot divide by zero");
  let num = a.m * pow10(b.s + digits);
  let den = b.m * pow10(a.s);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  let q = num / den;
  if (num < 0n && q * den !== num) q -= 1n;
  return { m: q, s: digits };
}

/** The canonical spelling: no trailing fractional zeros, `-` for negatives (`"-0.5"`, `"12"`). */
export function toText(a: Dec): string {
  const neg = a.m < 0n;
  let digits = (neg ? -a.m : a.m).toString();
  if (a.s > 0) {
    digits = digits.padStart(a.s + 1, "0");
    const cut = digits.length - a.s;
    const frac = digits.slice(cut).replace(/0+$/, "");
    digits = frac ? `${digits.slice(0, cut)}.${frac}` : digits.slice(0, cut);
  }
  return neg && digits !== "0" ? `-${digits}` : digits;
}

/** The nearest double (for display and JSON numbers only; decisions use the exact value). */
export function toNumber(a: Dec): number {
  return Number(toText(a));
}
