import assert from "node:assert/strict";
import fc from "fast-check";
import { createRng } from "../core/prng.ts";
import { probabilityOfBacktestOverfitting } from "./pbo.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/**
 * CSCV the slow, obvious way (as pypbo does it): concatenate each split's blocks, compute every
 * column's mean / sample sd directly, rank by sorting with average ties, pick the first IS argmax.
 */
function naivePbo(returns: number[][], s: number) {
  const rows = Math.floor(returns.length / s);
  const kept = returns.slice(returns.length - rows * s);
  const n = kept[0].length;
  const sharpe = (set: number[]) => {
    const rs = set.flatMap((b) => kept.slice(b * rows, (b + 1) * rows));
    return Array.from({ length: n }, (_, j) => {
      const xs = rs.map((r) => r[j]);
      const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
      return sd === 0 && mean === 0 ? 0 : mean / sd;
    });
  };
  const rank = (xs: number[], j: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const first = sorted.indexOf(xs[j]) + 1, last = sorted.lastIndexOf(xs[j]) + 1;
    return (first + last) / 2;
  };
  const splits: number[][] = [];
  const pick = (from: number, acc: number[]) => {
    if (acc.length === s / 2) return void splits.push(acc);
    for (let b = from; b < s; b++) pick(b + 1, [...acc, b]);
  };
  pick(0, []);
  return splits.map((is) => {
    const oos = Array.from({ length: s }, (_, b) => b).filter((b) => !is.includes(b));
    const a = sharpe(is), o = sharpe(oos);
    const best = a.indexOf(Math.max(...a));
    const r = rank(o, best);
    return { best, logit: Math.log(r / (n + 1 - r)), is: a[best], oos: o[best] };
  });
}

function randomMatrix(t: number, n: number, seed: number, drift = 0.0005): number[][] {
  const rng = createRng(seed);
  const mu = Array.from({ length: n }, () => drift * rng.normal());
  return Array.from({ length: t }, () => mu.map((m) => m + 0.01 * rng.normal()));
}

Deno.test("PBO worked by hand: S = 2, three trials, a tie in-sample and a tie out-of-sample", () => {
  // Row 0 is dropped (T mod S = 1). Blocks: rows 1–2 and rows 3–4. Sample sd of two rows.
  //            a        b        c
  //   block 0  [1, 3]   [0, 2]   [1, 2]    Sharpe √2, 1/√2, 3/√2
  //   block 1  [0, 2]   [2, 6]   [2, 6]    Sharpe 1/√2, √2, √2
  // Split {0}: IS best c (3/√2); OOS block 1 ranks a 1, b and c tied at 2.5 → ω = 2.5/4,
  //            λ = ln(2.5/1.5) = ln(5/3) > 0.
  // Split {1}: IS tie b = c = √2 → first column, b; OOS block 0: b is worst, rank 1 → λ = ln(1/3).
  const returns = [
    [100, -100, 50],
    [1, 0, 1],
    [3, 2, 2],
    [0, 2, 2],
    [2, 6, 6],
  ];
  const r = probabilityOfBacktestOverfitting(returns, { blocks: 2 });
  assert.equal(r.combinations, 2);
  assert.equal(r.droppedRows, 1);
  assert.equal(r.blockRows, 2);
  assert.deepEqual(r.selected, [2, 1]);
  close(r.logits[0], Math.log(5 / 3));
  close(r.logits[1], Math.log(1 / 3));
  assert.equal(r.pbo, 0.5);
  close(r.inSampleSharpe[0], 3 / Math.SQRT2);
  close(r.outOfSampleSharpe[0], Math.SQRT2);
  close(r.inSampleSharpe[1], Math.SQRT2);
  close(r.outOfSampleSharpe[1], 1 / Math.SQRT2);
  assert.equal(r.probabilityOfLoss, 0);
  // Through (3/√2, √2) and (√2, 1/√2): slope 1, intercept −1/√2.
  close(r.degradation.slope, 1);
  close(r.degradation.intercept, -1 / Math.SQRT2);
});

Deno.test("PBO agrees split by split with the slow concatenate-and-sort computation", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(2, 4, 6, 8),
      fc.integer({ min: 2, max: 9 }),
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 1, max: 1e6 }),
      (s, n, extra, seed) => {
        const returns = randomMatrix(s * 3 + extra + (s === 2 ? 2 : 0), n, seed, 0.003);
        const fast = probabilityOfBacktestOverfitting(returns, { blocks: s });
        const slow = naivePbo(returns, s);
        assert.equal(fast.combinations, slow.length);
        slow.forEach((x, i) => {
          assert.equal(fast.selected[i], x.best);
          close(fast.logits[i], x.logit, 1e-14);
          close(fast.inSampleSharpe[i], x.is, 1e-9);
          close(fast.outOfSampleSharpe[i], x.oos, 1e-9);
        });
        assert.equal(fast.pbo, slow.filter((x) => x.logit <= 0).length / slow.length);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("a strictly dominant trial gives PBO 0: it ranks N out of N in every split", () => {
  const n = 6, returns = randomMatrix(160, n, 3);
  // Column 0: a steady 1% a period with tiny noise, so its Sharpe (≈ 100) beats every other
  // column's (≈ 0.05) on every block set.
  const rng = createRng(4);
  for (const row of returns) row[0] = 0.01 + 1e-4 * rng.normal();
  const r = probabilityOfBacktestOverfitting(returns, { blocks: 8 });
  assert.equal(r.combinations, 70);
  assert.equal(r.pbo, 0);
  assert.ok(r.selected.every((j) => j === 0));
  for (const l of r.logits) close(l, Math.log(n));
});

Deno.test("a perfect rank reversal gives PBO 1: the IS best is the OOS worst in every split", () => {
  // S = 2, five trials. Trial j: block 0 rows ±σⱼ around +dⱼ, block 1 the same around −dⱼ, so
  // its OOS Sharpe is minus its IS Sharpe and the IS order turns over exactly: λ = ln(1/5).
  const d = [0.1, 0.3, 0.2, 0.5, 0.4], sd = [1, 2, 1.5, 3, 2.5];
  const block = (sign: number) =>
    [1, -1, 1, -1].map((e) => d.map((dj, j) => sign * dj + e * sd[j]));
  const r = probabilityOfBacktestOverfitting([...block(1), ...block(-1)], { blocks: 2 });
  assert.equal(r.pbo, 1);
  for (const l of r.logits) close(l, Math.log(1 / 5));
  // S = 6, trials x and −x with block sums 1, 2, 4, 8, 16, −31 (zero in total, and no three of
  // them sum to 0), so x's IS and OOS means have opposite signs in every split.
  const sums = [1, 2, 4, 8, 16, -31];
  const x = sums.flatMap((b) => [b / 2 + 1, b / 2 - 1]);
  const r6 = probabilityOfBacktestOverfitting(x.map((v) => [v, -v]), { blocks: 6 });
  assert.equal(r6.combinations, 20);
  assert.equal(r6.pbo, 1);
  for (const l of r6.logits) close(l, Math.log(1 / 2));
});

Deno.test("identical trials put n* at the OOS median, λ = 0, which counts as overfit (λ ≤ 0)", () => {
  const col = randomMatrix(40, 1, 8).map((r) => r[0]);
  const r = probabilityOfBacktestOverfitting(col.map((v) => [v, v, v, v]), { blocks: 4 });
  assert.ok(r.logits.every((l) => l === 0));
  assert.equal(r.pbo, 1);
});

Deno.test("PBO ignores the order of the trials and a common positive scale", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.double({ min: 0.01, max: 100, noNaN: true }),
      (seed, k) => {
        const returns = randomMatrix(97, 7, seed, 0.002);
        const base = probabilityOfBacktestOverfitting(returns, { blocks: 6 });
        const order = [3, 0, 6, 1, 5, 2, 4];
        const permuted = probabilityOfBacktestOverfitting(
          returns.map((r) => order.map((j) => r[j])),
          {
            blocks: 6,
          },
        );
        assert.equal(permuted.pbo, base.pbo);
        assert.deepEqual(permuted.selected, base.selected.map((j) => order.indexOf(j)));
        const scaled = probabilityOfBacktestOverfitting(returns.map((r) => r.map((v) => v * k)), {
          blocks: 6,
        });
        assert.equal(scaled.pbo, base.pbo);
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("the first T mod S rows are dropped: leading rows change nothing", () => {
  const core = randomMatrix(64, 5, 21);
  const junk = randomMatrix(7, 5, 22).map((r) => r.map((v) => v * 1000));
  const a = probabilityOfBacktestOverfitting(core, { blocks: 8 });
  const b = probabilityOfBacktestOverfitting([...junk, ...core], { blocks: 8 });
  assert.equal(b.droppedRows, 7);
  assert.deepEqual({ ...b, droppedRows: 0 }, { ...a, droppedRows: 0 });
});

Deno.test("S = 16 gives 12,870 splits with every logit inside [−ln N, ln N]", () => {
  const n = 20, r = probabilityOfBacktestOverfitting(randomMatrix(320, n, 30), { blocks: 16 });
  assert.equal(r.combinations, 12870);
  assert.equal(r.logits.length, 12870);
  assert.ok(r.logits.every((l) => l >= -Math.log(n) - 1e-12 && l <= Math.log(n) + 1e-12));
  assert.ok(r.pbo >= 0 && r.pbo <= 1);
});

Deno.test("PBO rejects odd or too few blocks, too few trials or rows, ragged rows and NaN", () => {
  const ok = randomMatrix(32, 3, 1);
  const fails = (m: number[][], blocks: number, re: RegExp) =>
    assert.throws(
      () => probabilityOfBacktestOverfitting(m, { blocks }),
      (e: Error) => e instanceof RangeError && re.test(e.message),
    );
  fails(ok, 5, /blocks must be an even whole number ≥ 2, got 5/);
  fails(ok, 0, /blocks must be an even/);
  fails(ok, 2.5, /blocks must be an even/);
  fails(ok.map((r) => [r[0]]), 4, /N ≥ 2 trials \(columns\), got 1/);
  fails(ok.slice(0, 7), 8, /T = 7 rows; blocks = 8 needs T ≥ 8/);
  fails(ok.slice(0, 3), 2, /T = 3 rows; blocks = 2 needs T ≥ 4/);
  fails([...ok.slice(0, 10), [1, 2]], 4, /returns\[10\] has 2 columns, expected 3/);
  const bad = ok.map((r) => [...r]);
  bad[5][2] = NaN;
  fails(bad, 4, /returns\[5\]\[2\] is NaN/);
});

Deno.test("an empty matrix is reported as too few rows", () => {
  assert.throws(
    () => probabilityOfBacktestOverfitting([], { blocks: 16 }),
    /returns has T = 0 rows; blocks = 16 needs T ≥ 16/,
  );
});
