/**
 * The Redis leader lock against a real redis-server: one holder at a time, renewal keeps it, a
 * holder can never extend or drop a lock another instance took, release hands it over at once,
 * and an unrenewed lock expires so a standby takes over.
 */
import assert from "node:assert/strict";
import { testRedis } from "../../tests/helpers/redis.ts";
import { RedisLeaderLock } from "./redis_leader_lock.ts";

Deno.test("redis leader lock: one holder, renewal, release, expiry and takeover", async () => {
  const redis = await testRedis();
  if (!redis) return;
  const key = `mts:test:leader:${crypto.randomUUID()}`;
  const a = await RedisLeaderLock.connect(redis.url, { key });
  const b = await RedisLeaderLock.connect(redis.url, { key });
  try {
    assert.notEqual(a.id, b.id);
    assert.equal(await a.acquire(5_000), true, "a free lock is taken");
    assert.equal(await b.acquire(5_000), false, "a held lock is not");
    assert.equal(await a.acquire(5_000), true, "the holder's acquire renews");
    assert.equal(await a.renew(5_000), true);
    assert.equal(await b.renew(5_000), false, "only the holder renews");
    await b.release(); // not the holder: nothing happens
    assert.equal(await b.acquire(5_000), false, "a non-holder's release leaves the lock");
    await a.release();
    assert.equal(await b.acquire(300), true, "released: the standby takes it at once");

    // b stops renewing (as if killed); once the lock expires, a takes over
    let tries = 0;
    while (!(await a.acquire(5_000))) {
      assert.ok(++tries < 200, "the lock never expired");
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(await b.renew(5_000), false, "the old holder learns it lost the lock");
    await b.release();
    assert.equal(await a.renew(5_000), true, "and cannot drop the new holder's lock");
  } finally {
    await a.release();
    await a.close();
    await b.close();
    await redis.stop();
  }
});

Deno.test("redis leader lock: an unreachable server is one line naming the host, not the password", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  await assert.rejects(
    () => RedisLeaderLock.connect(`redis://:s3cret@127.0.0.1:${port}/0`, { connectTimeoutMs: 500 }),
    (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`^Cannot connect to Redis at redis://127\\.0\\.0\\.1:${port}/0: `),
      );
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    },
  );
});
