import assert from "node:assert/strict";
import { equityReturns, trialStatistics } from "./trial_statistics.ts";
import { probabilisticSharpeRatio } from "./probabilistic_sharpe.ts";

Deno.test("equityReturns starts from the capital and nets the per-period risk-free rate", () => {
  assert.deepEqual([...equityReturns([110, 99], 100, { periodsPerYear: 365 })], [
    110 / 100 - 1,
    99 / 110 - 1,
  ]);
  const rf = Math.pow(1.05, 1 / 4) - 1;
  const r = equityReturns([101], 100, { periodsPerYear: 4, riskFree: 0.05 });
  assert.ok(Math.abs(r[0] - (0.01 - rf)) < 1e-15);
});

Deno.test("N counts the trials with a finite Sharpe; V is their sample variance", () => {
  const a = [0.01, -0.02, 0.03, 0.00, 0.02]; // mean 0.008
  const b = [0.02, 0.01, -0.01, 0.03, 0.00];
  const flat = [0, 0, 0, 0, 0];
  const sr = (x: number[]) => {
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    return m / Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
  };
  const s = trialStatistics({ returns: [a, flat, b], selected: 2, eligible: [0, 2], pboBlocks: 2 });
  assert.equal(s.trials, 2);
  assert.equal(s.trialsRun, 3);
  const v = (sr(a) - sr(b)) ** 2 / 2; // two values: Σ(x − mean)² / (2 − 1)
  assert.ok(Math.abs(s.trialSharpeVariance - v) < 1e-15);
  assert.ok(Math.abs(s.sharpe - sr(b)) < 1e-15);
  assert.equal(s.observations, 5);
  assert.equal(s.pbo.pbo === null, false);
});

Deno.test("one trial: DSR is PSR(0); PBO needs two trials and enough bars", () => {
  const r = [0.01, -0.005, 0.02, 0.004, -0.001, 0.012];
  const s = trialStatistics({ returns: [r], selected: 0, eligible: [0], pboBlocks: 2 });
  assert.equal(s.expectedMaxSharpe, 0);
  assert.equal(s.deflatedSharpe, s.probabilisticSharpe);
  assert.equal(
    s.probabilisticSharpe,
    probabilisticSharpeRatio({
      sharpe: s.sharpe,
      benchmarkSharpe: 0,
      observations: 6,
      skewness: s.skewness,
      kurtosis: s.kurtosis,
    }),
  );
  assert.equal(s.pbo.pbo, null);
  assert.match(s.pbo.reason!, /at least 2 eligible/);
  const short = trialStatistics({ returns: [r, r], selected: 0, eligible: [0, 1], pboBlocks: 4 });
  assert.match(short.pbo.reason!, /at least 8 bars for 4 blocks, got 6/);
});

Deno.test("a selected trial that never moved has no PSR, DSR or MinTRL, and says why", () => {
  const s = trialStatistics({
    returns: [[0, 0, 0], [0.01, 0.02, -0.01]],
    selected: 0,
    eligible: [0, 1],
    pboBlocks: 2,
  });
  assert.equal(s.probabilisticSharpe, null);
  assert.equal(s.deflatedSharpe, null);
  assert.match(s.reason!, /no finite Sharpe/);
});
