import assert from "node:assert/strict";
import { compareMeans, MeanPair, RESYNC_EVERY, RollingMean } from "./rolling_mean.ts";

/** The plain definition, written out here: the last `n` values summed in order, over `n`. */
function plainMean(values: readonly number[], end: number, n: number): number {
  let s = 0;
  for (let j = end - n + 1; j <= end; j++) s += values[j];
  return s / n;
}

Deno.test("a rolling mean is ready after period values and then averages the last period", () => {
  const m = new RollingMean(3);
  m.push(1);
  m.push(2);
  assert.equal(m.ready, false);
  m.push(3);
  assert.equal(m.ready, true);
  assert.equal(m.mean, 2); // (1 + 2 + 3) / 3
  m.push(10);
  assert.equal(m.mean, 5); // (2 + 3 + 10) / 3
  assert.equal(m.exactMean(), 5);
  assert.equal(m.count, 4);
  assert.throws(() => new RollingMean(0), /positive integer/);
});

Deno.test("exactMean sums the window in time order, bit for bit like the plain mean", () => {
  // Values spanning many magnitudes, where a running sum drifts.
  const v = [0.06, 1e9, 0.07, 1e9, 0.05, 0.08, 0.09, 0.1, 0.11, 0.12];
  const m = new RollingMean(2);
  for (let i = 0; i < v.length; i++) {
    m.push(v[i]);
    if (i >= 1) assert.equal(m.exactMean(), plainMean(v, i, 2), `at ${i}`);
  }
  // The running value after the 1e9s left the window is only close; the bound covers it.
  assert.ok(Math.abs(m.mean - (0.11 + 0.12) / 2) <= m.errorBound + 1e-16);
});

Deno.test("compareMeans gives the plain means' sign, ties included, across re-syncs", () => {
  // Prices on a coarse grid: equal means are common, which is where rounding could flip a sign.
  let x = 987654321;
  const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
  const v: number[] = [];
  let p = 500;
  for (let i = 0; i < 3 * RESYNC_EVERY + 100; i++) {
    p = Math.max(0.1, p + Math.round((rnd() - 0.5) * 4) * 0.1);
    v.push(Math.round(p * 10) / 10);
  }
  for (const [fast, slow] of [[2, 3], [3, 6], [10, 30]]) {
    const a = new RollingMean(fast), b = new RollingMean(slow);
    let ties = 0;
    for (let i = 0; i < v.length; i++) {
      a.push(v[i]);
      b.push(v[i]);
      if (i < slow - 1) continue;
      const d = plainMean(v, i, fast) - plainMean(v, i, slow);
      const want = d > 0 ? 1 : d < 0 ? -1 : 0;
      if (want === 0) ties++;
      assert.equal(compareMeans(a, b), want, `fast ${fast} slow ${slow} at ${i}`);
    }
    assert.ok(ties > 0, `fast ${fast} slow ${slow}: the fixture has ties (${ties})`);
  }
});

Deno.test("MeanPair is two RollingMeans and compareMeans, bit for bit, ties and re-syncs included", () => {
  let x = 24681357;
  const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
  const v: number[] = [];
  let p = 300;
  for (let i = 0; i < 3 * RESYNC_EVERY + 250; i++) {
    // coarse steps (ties), with now and then a large or tiny value (cancellation, drift)
    p = Math.max(0.1, p + Math.round((rnd() - 0.5) * 4) * 0.1);
    const r = rnd();
    v.push(r < 0.01 ? p * 1e6 : r < 0.02 ? p * 1e-6 : Math.round(p * 10) / 10);
  }
  for (const [fast, slow] of [[1, 2], [2, 3], [3, 6], [10, 30], [29, 30], [5, 200]]) {
    const a = new RollingMean(fast), b = new RollingMean(slow), pair = new MeanPair(fast, slow);
    let ties = 0;
    for (let i = 0; i < v.length; i++) {
      a.push(v[i]);
      b.push(v[i]);
      pair.push(v[i]);
      const at = `fast ${fast} slow ${slow} at ${i}`;
      assert.equal(pair.count, b.count, at);
      assert.equal(pair.ready, b.ready, at);
      assert.ok(Object.is(pair.fastExactMean(), a.exactMean()), at);
      assert.ok(Object.is(pair.slowExactMean(), b.exactMean()), at);
      if (!b.ready) continue;
      const want = compareMeans(a, b);
      if (want === 0) ties++;
      assert.equal(pair.sign(), want, at);
      const d = plainMean(v, i, fast) - plainMean(v, i, slow);
      assert.equal(want, d > 0 ? 1 : d < 0 ? -1 : 0, at);
    }
    if (slow <= 30) {
      assert.ok(ties > 0, `fast ${fast} slow ${slow}: the fixture has ties (${ties})`);
    }
  }
  assert.throws(() => new MeanPair(3, 3), /must be below/);
  assert.throws(() => new MeanPair(0, 3), /positive integer/);
});
