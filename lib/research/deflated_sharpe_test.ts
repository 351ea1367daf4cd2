import assert from "node:assert/strict";
import fc from "fast-check";
import { deflatedSharpeRatio, EULER_MASCHERONI, expectedMaxSharpe } from "./deflated_sharpe.ts";
import { normalCdf, normalQuantile } from "./normal.ts";
import { probabilisticSharpeRatio } from "./probabilistic_sharpe.ts";

const close = (a: number, b: number, tol = 1e-14) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// The worked example of Bailey & López de Prado (2014), §4, in annual units: N = 100 trials whose
// annualised Sharpe ratios have variance 1/2, a best annualised Sharpe of 2.5 over T = 1,250
// daily returns (250 a year), skewness −3, kurtosis 10. The paper reports SR₀ ≈ 0.1132 (per day)
// and DSR ≈ 0.9004. Per period: SR = 2.5/√250, V = 0.5/250.
const PAPER = {
  sharpe: 2.5 / Math.sqrt(250),
  trialSharpeVariance: 0.5 / 250,
  trials: 100,
  observations: 1250,
  skewness: -3,
  kurtosis: 10,
};

Deno.test("expectedMaxSharpe worked by hand for the paper's N = 100, V = 0.5/250", () => {
  // Φ⁻¹(0.99) = 2.3263478740408408 (published); Φ⁻¹(1 − 1/(100e)) from the quantile.
  const bracket = (1 - 0.5772156649015329) * 2.3263478740408408 +
    0.5772156649015329 * normalQuantile(1 - 1 / (100 * Math.E));
  const sr0 = expectedMaxSharpe(PAPER);
  close(sr0, Math.sqrt(0.5 / 250) * bracket, 1e-14);
  assert.equal(Math.round(sr0 * 1e4) / 1e4, 0.1132);
  assert.equal(EULER_MASCHERONI, 0.5772156649015329);
});

Deno.test("deflatedSharpeRatio reproduces the paper's DSR ≈ 0.9004, step by step", () => {
  const sr = 2.5 / Math.sqrt(250), sr0 = expectedMaxSharpe(PAPER);
  // Variance term 1 − γ₃·SR + (γ₄ − 1)/4·SR² = 1 + 3·SR + 9/4·SR²; z = (SR − SR₀)·√1249 / √that.
  const z = (sr - sr0) * Math.sqrt(1249) / Math.sqrt(1 + 3 * sr + 2.25 * sr * sr);
  const dsr = deflatedSharpeRatio(PAPER);
  close(dsr, normalCdf(z), 1e-14);
  assert.ok(Math.abs(dsr - 0.9004) < 5e-5, `${dsr}`);
});

Deno.test("DSR with one trial (or zero variance) is PSR against benchmark 0", () => {
  const psr0 = probabilisticSharpeRatio({ ...PAPER, benchmarkSharpe: 0 });
  assert.equal(deflatedSharpeRatio({ ...PAPER, trials: 1 }), psr0);
  assert.equal(deflatedSharpeRatio({ ...PAPER, trialSharpeVariance: 0 }), psr0);
  assert.equal(expectedMaxSharpe({ trials: 1, trialSharpeVariance: 3 }), 0);
});

Deno.test("the expected maximum grows with N and with V, so DSR falls below PSR(0)", () => {
  let last = 0;
  for (let n = 2; n <= 100_000; n = Math.ceil(n * 1.3)) {
    const sr0 = expectedMaxSharpe({ trials: n, trialSharpeVariance: 0.01 });
    assert.ok(sr0 > last, `N ${n}: ${sr0} ≤ ${last}`);
    last = sr0;
  }
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 10_000 }),
      fc.double({ min: 1e-6, max: 1, noNaN: true }),
      (trials, v) => {
        const a = expectedMaxSharpe({ trials, trialSharpeVariance: v });
        assert.ok(a > 0);
        assert.ok(expectedMaxSharpe({ trials, trialSharpeVariance: v * 1.5 }) > a);
        const input = { ...PAPER, trials, trialSharpeVariance: v };
        assert.ok(
          deflatedSharpeRatio(input) < probabilisticSharpeRatio({ ...PAPER, benchmarkSharpe: 0 }),
        );
        assert.ok(
          deflatedSharpeRatio({ ...input, trials: trials + 1 }) <= deflatedSharpeRatio(input),
        );
      },
    ),
  );
});

Deno.test("expectedMaxSharpe and DSR reject bad trials, variance, observations and kurtosis", () => {
  assert.throws(
    () => expectedMaxSharpe({ trials: 0, trialSharpeVariance: 1 }),
    /trials must be a whole number ≥ 1, got 0/,
  );
  assert.throws(
    () => expectedMaxSharpe({ trials: 2.5, trialSharpeVariance: 1 }),
    /trials must be a whole number/,
  );
  assert.throws(
    () => expectedMaxSharpe({ trials: 10, trialSharpeVariance: -0.1 }),
    /trialSharpeVariance must be ≥ 0, got -0.1/,
  );
  assert.throws(
    () => deflatedSharpeRatio({ ...PAPER, observations: 1 }),
    /deflated Sharpe ratio: observations must be ≥ 2/,
  );
  assert.throws(
    () => deflatedSharpeRatio({ ...PAPER, kurtosis: 0 }),
    /deflated Sharpe ratio: kurtosis must be > 0/,
  );
  assert.throws(() => deflatedSharpeRatio({ ...PAPER, trials: 0 }), RangeError);
});
