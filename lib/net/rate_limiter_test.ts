import assert from "node:assert/strict";
import { ManualClock } from "./clock.ts";
import { perMinuteLimiter, TokenBucket } from "./rate_limiter.ts";

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

/** Largest number of takes that fall in any 60-second window [t, t + 60 s). */
function busiestMinute(times: readonly number[]): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    for (let j = i; j < times.length && times[j] < times[i] + 60_000; j++) n++;
    best = Math.max(best, n);
  }
  return best;
}

Deno.test("a bucket with a full minute of burst lets twice its rate through in one minute", async () => {
  // Why perMinuteLimiter exists: burst 10 + 10 refilled in the same minute = 20 > 10.
  const clock = new ManualClock(0);
  const b = new TokenBucket({ perMinute: 10, clock });
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    await b.take();
    times.push(clock.now());
  }
  assert.ok(busiestMinute(times) > 10);
});

Deno.test("perMinuteLimiter never lets more than its limit through in any 60-second window", async () => {
  for (const [limit, weight] of [[10, 1], [30, 1], [500, 1], [4_800, 2], [8, 2], [1, 1]]) {
    const clock = new ManualClock(0);
    const b = perMinuteLimiter(limit, { clock, minBurst: weight });
    const times: number[] = [];
    for (let i = 0; i < Math.ceil((3 * limit) / weight); i++) {
      await b.take(weight);
      for (let w = 0; w < weight; w++) times.push(clock.now());
    }
    const worst = busiestMinute(times);
    assert.ok(worst <= limit || limit === 1, `limit ${limit}: ${worst} in one minute`);
  }
  // public CoinGecko (10/min): burst 1, then one call every 60_000 / 9 ms
  const clock = new ManualClock(0);
  const b = perMinuteLimiter(10, { clock });
  assert.equal(b.capacity, 1);
  await b.take();
  assert.equal(await b.take(), Math.ceil(60_000 / 9));
});
