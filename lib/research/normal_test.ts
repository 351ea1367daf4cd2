/**
 * Φ and Φ⁻¹ against an independent oracle: the normal CDF evaluated in exact BigInt fixed-point
 * arithmetic (1,400 fractional bits, ≈ 420 decimal digits) from its defining series,
 *
 *   Φ(x) = 1/2 + φ(x)·Σₙ x^(2n+1) / (1·3·5···(2n+1)),   φ(x) = exp(−x²/2) / √(2π),
 *
 * at the exact rational value of each double argument, with π from Machin's formula and exp from
 * its Taylor series. With that many digits the cancellation in 1/2 − φ(|x|)·S(|x|) for x = −37
 * (≈ 1e-300) still leaves more than 100 correct digits.
 */
import assert from "node:assert/strict";
import { createRng } from "../core/prng.ts";
import { normalCdf, normalQuantile } from "./normal.ts";

const BITS = 1400n;
const ONE = 1n << BITS;

/** The exact value of a finite double as num / 2^shift. */
function exactDouble(x: number): { num: bigint; shift: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075; // x = mant · 2^e
  return e >= 0
    ? { num: sign * (mant << BigInt(e)), shift: 0n }
    : { num: sign * mant, shift: BigInt(-e) };
}

/** arctan(1/m) in fixed point, by its alternating series. */
function arctanInv(m: bigint): bigint {
  let term = ONE / m, sum = term, n = 1n, sign = -1n;
  const m2 = m * m;
  while (term !== 0n) {
    term /= m2;
    sum += sign * (term / (2n * n + 1n));
    sign = -sign;
    n++;
  }
  return sum;
}

function isqrt(v: bigint): bigint {
  let x = 1n << BigInt(Math.ceil(v.toString(2).length / 2) + 1);
  for (;;) {
    const y = (x + v / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

const PI = 16n * arctanInv(5n) - 4n * arctanInv(239n);
const SQRT_2PI = isqrt(2n * PI * ONE);

/** exp(x²/2) and Σ x^(2n+1)/(2n+1)!! for x = num / 2^shift ≥ 0, in fixed point. */
function expAndSeries(num: bigint, shift: bigint): { e: bigint; s: bigint } {
  const a2 = num * num, den = 1n << (2n * shift); // x² = a2 / den
  let e = ONE, term = ONE;
  for (let n = 1n; term !== 0n || n * den < a2; n++) {
    term = term * a2 / (2n * den * n);
    e += term;
  }
  let s = (num * ONE) >> shift;
  term = s;
  for (let n = 1n; term !== 0n || n * den < a2; n++) {
    term = term * a2 / (den * (2n * n + 1n));
    s += term;
  }
  return { e, s };
}

/** Φ(x) in fixed point, and exp(x²/2) for the density. */
function referenceCdf(x: number): { cdf: bigint; expHalf: bigint } {
  const { num, shift } = exactDouble(Math.abs(x));
  const { e, s } = expAndSeries(num, shift);
  const ratio = s * ONE * ONE / (SQRT_2PI * e); // φ(|x|)·S(|x|)
  return { cdf: x < 0 ? ONE / 2n - ratio : ONE / 2n + ratio, expHalf: e };
}

/** |c − ref| / ref for a double c against a positive fixed-point reference. */
function relativeError(c: number, ref: bigint): number {
  const { num, shift } = exactDouble(c);
  const diff = (num * ONE) - (ref << shift);
  const abs = diff < 0n ? -diff : diff;
  return Number((abs << 120n) / (ref << shift)) / 2 ** 120;
}

/** A fixed-point value as a double (absolute resolution 2^-1000, enough for error terms). */
function toDouble(v: bigint): number {
  return Number(v >> (BITS - 1000n)) / 2 ** 1000;
}

Deno.test("the BigInt oracle itself reproduces published values of π and Φ", () => {
  // π = 3.14159265358979323846264338327950288…, Φ(1.96) = 0.97500210485177952…
  assert.equal((PI * 10n ** 35n >> BITS).toString(), "314159265358979323846264338327950288");
  assert.ok(relativeError(0.9750021048517795, referenceCdf(1.96).cdf) < 1e-16);
});

const CDF_POINTS = [
  -38.4,
  -37.5,
  -37,
  -30,
  -25.25,
  -20,
  -15,
  -10,
  -8,
  -6.5,
  -5.656854249492381,
  -5.65685424949238,
  -5,
  -4,
  -3,
  -2,
  -1.5,
  -1,
  -0.6744897501,
  -0.67448975,
  -0.5,
  -0.1,
  -1e-10,
  0,
  1e-300,
  1e-10,
  0.3,
  0.67448975,
  0.6744897501,
  1,
  1.5,
  1.96,
  2.5,
  3,
  4,
  5,
  5.65685424949238,
  5.656854249492381,
  6,
  7,
  8,
  8.29,
];

Deno.test("normalCdf matches the exact series to a relative 1e-15 from −37.5 to 8.3", () => {
  const rng = createRng(12);
  const xs = [...CDF_POINTS, ...Array.from({ length: 60 }, () => -37.5 + 45.8 * rng.next())];
  let worst = 0;
  for (const x of xs) {
    const ref = referenceCdf(x).cdf;
    const got = normalCdf(x);
    const err = relativeError(got, ref);
    // Below −37.5193 the result is a subnormal double and keeps only absolute accuracy.
    const tol = x < -37.5193 ? Number.MIN_VALUE * 2 ** 40 / toDouble(ref) : 1e-15;
    assert.ok(err <= tol, `Φ(${x}) = ${got}: relative error ${err}`);
    if (x >= -37.5193) worst = Math.max(worst, err);
  }
  // Measured: about 3.5e-16, under two units in the last place.
  assert.ok(worst < 1e-15, `worst relative error ${worst}`);
});

Deno.test("normalCdf agrees with published table values and its limits", () => {
  // Abramowitz & Stegun table 26.1 / standard tables, to 16 significant digits.
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021048517795) < 2e-16);
  assert.ok(Math.abs(normalCdf(1) - 0.8413447460685429) < 2e-16);
  assert.ok(Math.abs(normalCdf(-1) / 0.15865525393145707 - 1) < 1e-15);
  assert.ok(Math.abs(normalCdf(-3) / 0.0013498980316300946 - 1) < 1e-15);
  assert.equal(normalCdf(0), 0.5);
  assert.equal(normalCdf(Infinity), 1);
  assert.equal(normalCdf(-Infinity), 0);
  assert.equal(normalCdf(-41), 0);
  assert.ok(Number.isNaN(normalCdf(NaN)));
});

/**
 * The error of a quantile q = Φ⁻¹(p) from the oracle: one Newton step from q in exact arithmetic,
 * δ = (Φ(q) − p)/φ(q), is q − Φ⁻¹(p) up to a term of order |q|·δ²/2 (≈ 1e-30 here).
 */
function quantileError(p: number, q: number): number {
  const { cdf, expHalf } = referenceCdf(q);
  const { num, shift } = exactDouble(p);
  const pFixed = (num * ONE) >> shift;
  return toDouble((cdf - pFixed) * SQRT_2PI / ONE * expHalf / ONE);
}

Deno.test("normalQuantile inverts the exact CDF to 1e-15·max(1, |x|) for 1e-300 ≤ p < 1", () => {
  const rng = createRng(5);
  const ps = [
    1e-300,
    1e-250,
    1e-200,
    1e-150,
    1e-100,
    1e-50,
    1e-20,
    1e-10,
    1e-5,
    0.001,
    0.01,
    0.025,
    0.05,
    0.07499,
    0.075,
    0.07501,
    0.1,
    0.3,
    0.5 - 1e-12,
    0.5,
    0.5 + 1e-12,
    0.7,
    0.92499,
    0.925,
    0.95,
    0.975,
    0.99,
    0.999,
    1 - 1e-10,
    1 - 2 ** -53,
    ...Array.from({ length: 40 }, () => 10 ** (-300 * rng.next())),
    ...Array.from({ length: 20 }, () => rng.next()),
  ];
  for (const p of ps) {
    const q = normalQuantile(p);
    const err = Math.abs(quantileError(p, q));
    // Measured: at most 2.5 units in the last place (5.6e-16 relative to max(1, |x|)).
    assert.ok(err <= 1e-15 * Math.max(1, Math.abs(q)), `Φ⁻¹(${p}) = ${q}: error ${err}`);
  }
});

Deno.test("normalQuantile agrees with published values, is odd about 1/2, and has infinite ends", () => {
  // Published to 16 digits for the decimal p; the double nearest 0.975 is 2.2e-17 smaller, which
  // moves the quantile by 2.2e-17/φ(1.96) ≈ 3.8e-16, so 1e-15 allows for that and the rounding.
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-15);
  assert.ok(Math.abs(normalQuantile(0.95) - 1.6448536269514722) < 1e-15);
  assert.ok(Math.abs(normalQuantile(0.99) - 2.3263478740408408) < 1e-15);
  assert.equal(normalQuantile(0.5), 0);
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  // Dyadic p, so that 1 − p is exact.
  for (const p of [2 ** -40, 2 ** -10, 0.125, 0.375]) {
    assert.equal(normalQuantile(1 - p), -normalQuantile(p));
  }
});

Deno.test("normalQuantile rejects a probability outside [0, 1] with a RangeError naming p", () => {
  for (const p of [-0.1, 1.0000001, NaN]) {
    assert.throws(
      () => normalQuantile(p),
      (e: Error) => e instanceof RangeError && /p must/.test(e.message),
    );
  }
});

Deno.test("Φ(Φ⁻¹(p)) returns p within the rounding of x across the lower half", () => {
  const rng = createRng(9);
  for (let i = 0; i < 2000; i++) {
    const p = i % 2 ? 0.5 * rng.next() : 10 ** (-300 * rng.next());
    const x = normalQuantile(p);
    const back = normalCdf(x);
    // Rounding x to a double alone moves Φ(x) by a relative |x|·ulp(x) ≈ x²·1.1e-16.
    assert.ok(Math.abs(back / p - 1) < 1e-15 * Math.max(1, x * x), `p ${p} → ${back}`);
  }
});
