import assert from "node:assert/strict";
import { sampleMoments } from "./moments.ts";

const close = (a: number, b: number, tol = 1e-15) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

Deno.test("sampleMoments: sample sd, per-period Sharpe, population skewness and non-excess kurtosis", () => {
  // By hand: mean 4, deviations −3 −2 −1 0 6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394.
  // sd = √(50/4) = √12.5; Sharpe = 4/√12.5; m₂ = 10, m₃ = 36, m₄ = 278.8;
  // skewness = 36 / 10^1.5; kurtosis = 278.8 / 100 = 2.788.
  const m = sampleMoments([1, 2, 3, 4, 10]);
  assert.equal(m.observations, 5);
  close(m.mean, 4);
  close(m.standardDeviation, 3.5355339059327378);
  close(m.sharpe, 1.131370849898476);
  close(m.skewness, 1.1384199576606167);
  close(m.kurtosis, 2.788);
});

Deno.test("sampleMoments: a symmetric two-point series has skewness 0 and kurtosis 1 (not −2)", () => {
  const m = sampleMoments([-1, 1, -1, 1, 1, -1]);
  close(m.skewness, 0);
  close(m.kurtosis, 1);
  close(m.standardDeviation, Math.sqrt(6 / 5));
});

Deno.test("sampleMoments: a large common offset does not change the spread", () => {
  const m = sampleMoments([1, 2, 3, 4, 10].map((x) => 1e9 + x));
  close(m.standardDeviation, Math.sqrt(12.5), 1e-12);
  close(m.skewness, 36 / 10 ** 1.5, 1e-9);
  close(m.kurtosis, 2.788, 1e-9);
});

Deno.test("sampleMoments: constant returns give NaN shape moments and an infinite Sharpe", () => {
  const m = sampleMoments([0.01, 0.01, 0.01]);
  assert.equal(m.standardDeviation, 0);
  assert.equal(m.sharpe, Infinity);
  assert.ok(Number.isNaN(m.skewness) && Number.isNaN(m.kurtosis));
});

Deno.test("sampleMoments rejects fewer than 2 returns and names a non-finite one by index", () => {
  assert.throws(() => sampleMoments([0.1]), /number of returns must be a whole number ≥ 2, got 1/);
  assert.throws(() => sampleMoments([0.1, NaN, 0.2]), /returns\[1\] is NaN/);
});
