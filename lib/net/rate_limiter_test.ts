import assert from "node:assert/strict";
import { ManualClock } from "./clock.ts";
import { TokenBucket } from "./rate_limiter.ts";

Deno.test("a token bucket serves its burst at once, then one token per 60000/perMinute ms", async () => {
  const clock = new ManualClock(0);
  const b = new TokenBucket({ perMinute: 30, capacity: 2, clock });
  assert.equal(await b.take(), 0);
  assert.equal(await b.take(), 0);
  // empty: the next token takes 60_000 / 30 = 2_000 ms
  assert.equal(await b.take(), 2_000);
  assert.equal(clock.now(), 2_000);
  assert.equal(await b.take(), 2_000);
  assert.deepEqual(clock.sleeps, [2_000, 2_000]);
});

Deno.test("a token bucket refills while idle but never above its capacity", async () => {
  const clock = new ManualClock(0);
  const b = new TokenBucket({ perMinute: 60, capacity: 3, clock });
  await b.take(3);
  clock.advance(10 * 60_000);
  assert.equal(b.available(), 3);
});

Deno.test("weighted takes cost several tokens", async () => {
  const clock = new ManualClock(0);
  const b = new TokenBucket({ perMinute: 6_000, capacity: 10, clock });
  await b.take(8);
  // 2 left; 4 more needed at 100 tokens/s -> 40 ms
  assert.equal(await b.take(6), 40);
});

Deno.test("pauseUntil holds every caller until the pause ends", async () => {
  const clock = new ManualClock(1_000);
  const b = new TokenBucket({ perMinute: 600, clock });
  b.pauseUntil(4_000);
  assert.equal(await b.take(), 3_000);
  assert.equal(clock.now(), 4_000);
  assert.equal(b.pausedUntil, 4_000);
});

Deno.test("taking more than the capacity is refused up front", () => {
  const b = new TokenBucket({ perMinute: 10, capacity: 5, clock: new ManualClock() });
  assert.throws(() => b.take(6), RangeError);
});

Deno.test("a non-positive rate is rejected", () => {
  assert.throws(() => new TokenBucket({ perMinute: 0 }), /perMinute must be > 0/);
});
