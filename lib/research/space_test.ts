import assert from "node:assert/strict";
import { expandGrid, sampleSpace } from "./space.ts";

Deno.test("a grid expands to its cartesian product, last parameter fastest, in key order", () => {
  assert.deepEqual(expandGrid({ fast: [5, 10], slow: [30, 50] }), [
    { fast: 5, slow: 30 },
    { fast: 5, slow: 50 },
    { fast: 10, slow: 30 },
    { fast: 10, slow: 50 },
  ]);
  assert.deepEqual(expandGrid({ b: [1, 2], a: ["x"], side: [true, false] }), [
    { b: 1, a: "x", side: true },
    { b: 1, a: "x", side: false },
    { b: 2, a: "x", side: true },
    { b: 2, a: "x", side: false },
  ]);
});

Deno.test("a grid keeps only the combinations that satisfy every constraint", () => {
  assert.deepEqual(expandGrid({ fast: [5, 10, 30], slow: [10, 30] }, "fast < slow"), [
    { fast: 5, slow: 10 },
    { fast: 5, slow: 30 },
    { fast: 10, slow: 30 },
  ]);
  assert.deepEqual(expandGrid({ fast: [5, 10, 30], slow: [10, 30] }, ["fast < slow", "fast > 5"]), [
    { fast: 10, slow: 30 },
  ]);
  // The issue's example: 5 × 4 = 20 combinations, 19 with fast < slow (30 < 30 fails).
  const issue = expandGrid({ fast: [5, 10, 15, 20, 30], slow: [30, 50, 100, 200] }, "fast < slow");
  assert.equal(issue.length, 19);
});

Deno.test("bad grids are RangeErrors naming the parameter; a bad constraint is a SyntaxError", () => {
  assert.throws(() => expandGrid({ fast: [] }), /fast must be a non-empty list of values/);
  assert.throws(() => expandGrid({ fast: [5, 5] }), /fast lists 5 twice/);
  assert.throws(
    () => expandGrid({ fast: [5, null as unknown as number] }),
    /fast has a bad value null/,
  );
  assert.throws(() => expandGrid({}), /names no parameter/);
  const big = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}`, [1, 2, 3, 4]]));
  assert.throws(() => expandGrid(big), /it has 4194304 combinations, more than 1000000/);
  assert.throws(
    () => expandGrid({ fast: [50], slow: [10] }, "fast < slow"),
    /none of its 1 combinations that satisfy "fast < slow"/,
  );
  assert.throws(() => expandGrid({ fast: [5] }, "fats < 3"), SyntaxError);
});

const ISSUE_SPACE = {
  fast: { min: 2, max: 50, int: true },
  slow: { min: 10, max: 300, int: true },
};

Deno.test("--random 2000 gives 2,000 distinct trials inside the ranges that satisfy the constraint", () => {
  const trials = sampleSpace(ISSUE_SPACE, { count: 2000, seed: 7, constraints: "fast < slow" });
  assert.equal(trials.length, 2000);
  assert.equal(new Set(trials.map((t) => `${t.fast},${t.slow}`)).size, 2000);
  for (const { fast, slow } of trials as { fast: number; slow: number }[]) {
    assert.ok(Number.isInteger(fast) && fast >= 2 && fast <= 50);
    assert.ok(Number.isInteger(slow) && slow >= 10 && slow <= 300);
    assert.ok(fast < slow);
  }
  assert.deepEqual(
    sampleSpace(ISSUE_SPACE, { count: 2000, seed: 7, constraints: "fast < slow" }),
    trials,
  );
  assert.notDeepEqual(
    sampleSpace(ISSUE_SPACE, { count: 2000, seed: 8, constraints: "fast < slow" }),
    trials,
  );
});

Deno.test("asking for more distinct trials than satisfy the constraint says how many exist", () => {
  // By hand: fast 2..9 allow all 291 slow values (8 × 291 = 2,328); fast f in 10..50 allows
  // slow f+1..300, 300 − f values: Σ = 41·300 − (10 + 50)·41/2 = 11,070. Total 13,398.
  const all = sampleSpace(ISSUE_SPACE, { count: 13398, seed: 1, constraints: "fast < slow" });
  assert.equal(new Set(all.map((t) => `${t.fast},${t.slow}`)).size, 13398);
  assert.throws(
    () => sampleSpace(ISSUE_SPACE, { count: 13399, seed: 1, constraints: "fast < slow" }),
    /Cannot sample 13399 distinct trials: the space holds only 13398 that satisfy "fast < slow"/,
  );
  assert.throws(
    () =>
      sampleSpace({ side: [true, false], n: { min: 1, max: 2, int: true } }, { count: 5, seed: 1 }),
    /the space holds only 4$/,
  );
});

Deno.test("whole-number ranges include both ends; choices are drawn from the list", () => {
  const three = sampleSpace({ x: { min: 1, max: 3, int: true } }, { count: 3, seed: 3 });
  assert.deepEqual(three.map((t) => t.x).sort(), [1, 2, 3]);
  // 2 × 1,000,001 points is too many to list, so this takes the rejection path.
  const wide = sampleSpace(
    { x: { min: 0, max: 1, int: true }, y: { min: 0, max: 1_000_000, int: true } },
    { count: 200, seed: 4 },
  );
  assert.deepEqual([...new Set(wide.map((t) => t.x))].sort(), [0, 1]);
  const picks = sampleSpace({ side: ["long", "short"], n: { min: 1, max: 50, int: true } }, {
    count: 60,
    seed: 5,
  });
  assert.ok(picks.every((t) => t.side === "long" || t.side === "short"));
});

Deno.test("continuous ranges stay within [min, max] and honour the constraint", () => {
  const trials = sampleSpace({ a: { min: -1, max: 1 }, b: { min: -1, max: 1 } }, {
    count: 500,
    seed: 11,
    constraints: "a < b",
  });
  assert.equal(new Set(trials.map((t) => `${t.a},${t.b}`)).size, 500);
  for (const { a, b } of trials as { a: number; b: number }[]) {
    assert.ok(a >= -1 && a <= 1 && b >= -1 && b <= 1 && a < b);
  }
  assert.deepEqual(sampleSpace({ a: { min: 2, max: 2 } }, { count: 1, seed: 1 }), [{ a: 2 }]);
});

Deno.test("when the draws cannot find enough satisfying trials, the error says how many turned up", () => {
  assert.throws(
    () => sampleSpace({ a: { min: 0, max: 1 } }, { count: 3, seed: 1, constraints: "a > 2" }),
    /only 0 that satisfy "a > 2" turned up in 10000 draws/,
  );
  assert.throws(
    () =>
      sampleSpace({ x: { min: 0, max: 1_000_000, int: true } }, {
        count: 20,
        seed: 1,
        constraints: "x < 10",
        maxDraws: 5000,
      }),
    /Cannot sample 20 distinct trials: only \d+ that satisfy "x < 10" turned up in 5000 draws/,
  );
});

Deno.test("bad random spaces, counts and seeds are RangeErrors naming what is wrong", () => {
  assert.throws(
    () => sampleSpace({ x: { min: 5, max: 1 } }, { count: 1, seed: 1 }),
    /x needs finite min ≤ max/,
  );
  assert.throws(
    () => sampleSpace({ x: { min: 0.5, max: 3, int: true } }, { count: 1, seed: 1 }),
    /x has int: true, so min 0.5 and max 3 must be whole/,
  );
  assert.throws(
    () => sampleSpace({ x: { min: 0, max: 1 } }, { count: 0, seed: 1 }),
    /count must be a whole number ≥ 1/,
  );
  assert.throws(
    () => sampleSpace({ x: { min: 0, max: 1 } }, { count: 1, seed: 1.5 }),
    /seed must be a whole number/,
  );
  assert.throws(() => sampleSpace({ x: [] }, { count: 1, seed: 1 }), /x must be a non-empty list/);
  assert.throws(
    () => sampleSpace({ x: { min: 0, max: 1 } }, { count: 1, seed: 1, constraints: "y < 1" }),
    SyntaxError,
  );
});

Deno.test("drawing from a space too large to list still never returns a trial twice", () => {
  // 2^18 = 262,144 points (above the listing limit): 5,000 draws would repeat about
  // 5,000² / (2 · 262,144) ≈ 48 points if duplicates were kept.
  const space = Object.fromEntries(Array.from({ length: 18 }, (_, i) => [`p${i}`, [0, 1]]));
  const trials = sampleSpace(space, { count: 5000, seed: 2 });
  assert.equal(new Set(trials.map((t) => Object.values(t).join(""))).size, 5000);
});
