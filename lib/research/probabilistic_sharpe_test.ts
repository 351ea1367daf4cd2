import assert from "node:assert/strict";
import fc from "fast-check";
import { normalCdf } from "./normal.ts";
import { minTrackRecordLength, probabilisticSharpeRatio } from "./probabilistic_sharpe.ts";

const close = (a: number, b: number, tol = 1e-14) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const normal = { skewness: 0, kurtosis: 3 };

Deno.test("PSR of normal returns: Φ(SR·√(T−1)/√(1 + SR²/2)) worked by hand", () => {
  // SR 0.1, T 101: √(T−1) = 10, 1 + 0.01/2 = 1.005, z = 1/√1.005.
  const psr = probabilisticSharpeRatio({
    sharpe: 0.1,
    benchmarkSharpe: 0,
    observations: 101,
    ...normal,
  });
  close(psr, normalCdf(1 / Math.sqrt(1.005)));
  assert.ok(psr > 0.84 && psr < 0.841, `${psr}`); // Φ(0.9975) ≈ 0.8407
});

Deno.test("PSR with skew and fat tails: the variance term 1 − γ₃·SR + (γ₄−1)/4·SR² by hand", () => {
  // SR 0.2, SR* 0.05, T 61, γ₃ −1, γ₄ 6: 1 + 0.2 + 5/4·0.04 = 1.25;
  // z = 0.15·√60/√1.25 = 0.15·√48.
  const psr = probabilisticSharpeRatio({
    sharpe: 0.2,
    benchmarkSharpe: 0.05,
    observations: 61,
    skewness: -1,
    kurtosis: 6,
  });
  close(psr, normalCdf(0.15 * Math.sqrt(48)));
});

Deno.test("PSR is 1/2 at SR = SR*, rises with T above it, falls with T below it and with SR*", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -0.5, max: 0.5, noNaN: true }),
      fc.double({ min: -0.5, max: 0.5, noNaN: true }),
      fc.integer({ min: 2, max: 5000 }),
      (sr, bench, t) => {
        const at = (T: number, b = bench) =>
          probabilisticSharpeRatio({ sharpe: sr, benchmarkSharpe: b, observations: T, ...normal });
        assert.equal(
          probabilisticSharpeRatio({ sharpe: sr, benchmarkSharpe: sr, observations: t, ...normal }),
          0.5,
        );
        if (sr > bench) assert.ok(at(t + 10) >= at(t));
        if (sr < bench) assert.ok(at(t + 10) <= at(t));
        assert.ok(at(t, bench + 0.01) <= at(t, bench));
      },
    ),
  );
});

Deno.test("PSR penalises negative skew and fat tails for a positive Sharpe", () => {
  const base = { sharpe: 0.15, benchmarkSharpe: 0, observations: 250 };
  const p = (skewness: number, kurtosis: number) =>
    probabilisticSharpeRatio({ ...base, skewness, kurtosis });
  assert.ok(p(-1, 3) < p(0, 3));
  assert.ok(p(0, 9) < p(0, 3));
});

Deno.test("PSR rejects observations < 2, kurtosis ≤ 0 and inconsistent moments, naming them", () => {
  const base = { sharpe: 0.1, benchmarkSharpe: 0, observations: 100, ...normal };
  assert.throws(() => probabilisticSharpeRatio({ ...base, observations: 1 }), RangeError);
  assert.throws(
    () => probabilisticSharpeRatio({ ...base, observations: 1 }),
    /observations must be ≥ 2, got 1/,
  );
  assert.throws(
    () => probabilisticSharpeRatio({ ...base, kurtosis: 0 }),
    /kurtosis must be > 0, got 0/,
  );
  assert.throws(
    () => probabilisticSharpeRatio({ ...base, sharpe: NaN }),
    /sharpe must be a finite number/,
  );
  // γ₄ = 1.01 < 1 + γ₃² = 5 with SR 1: 1 − 2 + 0.0025 < 0.
  assert.throws(
    () => probabilisticSharpeRatio({ ...base, sharpe: 1, skewness: 2, kurtosis: 1.01 }),
    /inconsistent/,
  );
});

Deno.test("MinTRL worked by hand: 1 + (1 + SR²/2)·(z₀.₉₅/SR)² for normal returns", () => {
  // z₀.₉₅ = 1.6448536269514722 (published), SR 0.1: 1 + 1.005·16.4485…² ≈ 272.91 observations.
  const n = minTrackRecordLength({ sharpe: 0.1, benchmarkSharpe: 0, ...normal, confidence: 0.95 });
  close(n, 1 + 1.005 * (1.6448536269514722 / 0.1) ** 2);
  assert.ok(n > 272.9 && n < 273);
});

Deno.test("MinTRL inverts PSR: PSR at T = MinTRL equals the confidence", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 0.5, noNaN: true }),
      fc.double({ min: -0.5, max: 0.5, noNaN: true }),
      fc.double({ min: 3, max: 12, noNaN: true }),
      fc.double({ min: 0.51, max: 0.999, noNaN: true }),
      (gap, skewness, kurtosis, confidence) => {
        const sharpe = 0.05 + gap;
        fc.pre(kurtosis >= 1 + skewness * skewness);
        const args = { sharpe, benchmarkSharpe: 0.05, skewness, kurtosis };
        const t = minTrackRecordLength({ ...args, confidence });
        fc.pre(t >= 2);
        close(probabilisticSharpeRatio({ ...args, observations: t }), confidence, 1e-12);
      },
    ),
  );
});

Deno.test("MinTRL is infinite when SR ≤ SR* and rejects a confidence outside (0.5, 1)", () => {
  const base = { sharpe: 0.1, benchmarkSharpe: 0.1, ...normal, confidence: 0.95 };
  assert.equal(minTrackRecordLength(base), Infinity);
  assert.equal(minTrackRecordLength({ ...base, sharpe: 0 }), Infinity);
  for (const confidence of [0.5, 1, 0.2, NaN]) {
    assert.throws(
      () => minTrackRecordLength({ ...base, confidence }),
      /confidence must be in \(0\.5, 1\)/,
    );
  }
  assert.throws(() => minTrackRecordLength({ ...base, kurtosis: -1 }), /kurtosis must be > 0/);
});
