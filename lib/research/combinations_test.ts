import assert from "node:assert/strict";
import { binomial, firstCombination, nextCombination } from "./combinations.ts";

function all(n: number, k: number): number[][] {
  const out: number[][] = [];
  const c = firstCombination(k);
  do out.push([...c]); while (nextCombination(c, n));
  return out;
}

Deno.test("binomial gives C(16, 8) = 12,870 and the edge cases", () => {
  assert.equal(binomial(16, 8), 12870);
  assert.equal(binomial(4, 2), 6);
  assert.equal(binomial(20, 10), 184756);
  assert.equal(binomial(5, 0), 1);
  assert.equal(binomial(5, 6), 0);
  assert.throws(() => binomial(4.5, 2), RangeError);
});

Deno.test("combinations come in lexicographic order, each once", () => {
  assert.deepEqual(all(4, 2), [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
  const c16 = all(16, 8);
  assert.equal(c16.length, 12870);
  assert.equal(new Set(c16.map((c) => c.join())).size, 12870);
});

Deno.test("the complement of the i-th half-subset is the (C − 1 − i)-th", () => {
  for (const s of [2, 4, 6, 10]) {
    const cs = all(s, s / 2);
    cs.forEach((c, i) => {
      const rest = Array.from({ length: s }, (_, j) => j).filter((j) => !c.includes(j));
      assert.deepEqual(cs[cs.length - 1 - i], rest, `S=${s}, i=${i}`);
    });
  }
});
