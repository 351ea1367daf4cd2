import assert from "node:assert/strict";
import { backoffDelay } from "./backoff.ts";

Deno.test("backoff doubles its ceiling per retry and scales it by the random draw", () => {
  const o = { baseMs: 100, maxMs: 10_000 };
  // ceiling = 100 * 2^n; delay = floor(random * ceiling)
  assert.equal(backoffDelay(0, { ...o, random: () => 0.5 }), 50);
  assert.equal(backoffDelay(1, { ...o, random: () => 0.5 }), 100);
  assert.equal(backoffDelay(3, { ...o, random: () => 0.25 }), 200);
  assert.equal(backoffDelay(3, { ...o, random: () => 0 }), 0);
});

Deno.test("backoff never exceeds maxMs however many retries", () => {
  const d = backoffDelay(40, { baseMs: 100, maxMs: 2_000, random: () => 0.999 });
  assert.equal(d, 1_998);
});

Deno.test("backoff with real randomness stays inside [0, ceiling)", () => {
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(2, { baseMs: 100, maxMs: 10_000 });
    assert.ok(d >= 0 && d < 400, String(d));
  }
});
