import assert from "node:assert/strict";
import { createRng } from "./prng.ts";

Deno.test("the same seed gives the same sequence; another seed a different one", () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const sa = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(sa, Array.from({ length: 100 }, () => b.next()));
  assert.notDeepEqual(sa, Array.from({ length: 100 }, () => c.next()));
  assert.ok(sa.every((x) => x >= 0 && x < 1));
});

Deno.test("normal draws have mean 0 and variance 1 within sampling error", () => {
  const rng = createRng(1);
  const n = 200_000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    s += x;
    s2 += x * x;
  }
  const mean = s / n, variance = s2 / n - mean * mean;
  // standard errors: 1/sqrt(n) = 0.0022 for the mean, sqrt(2/n) = 0.0032 for the variance
  assert.ok(Math.abs(mean) < 0.012, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.016, `variance ${variance}`);
});

Deno.test("int draws stay within bounds and hit both ends", () => {
  const rng = createRng(3);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(rng.int(2, 5));
  assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
});
