import assert from "node:assert/strict";
import type { Cache } from "./cache.ts";
import { MemoryCache } from "./memory_cache.ts";
import { RedisCache } from "./redis_cache.ts";
import { openCache } from "./open_cache.ts";
import { testRedis } from "../../tests/helpers/redis.ts";

async function contract(cache: Cache, advance: (s: number) => Promise<void>) {
  assert.equal(await cache.get("missing"), undefined);
  await cache.set("book", { bid: 1.5, levels: [[1, 2]] });
  assert.deepEqual(await cache.get("book"), { bid: 1.5, levels: [[1, 2]] });
  const ttl = await cache.ttl("book");
  assert.ok(ttl !== undefined && ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  await cache.set("short", 1, 1);
  await advance(1.2);
  assert.equal(await cache.get("short"), undefined, "an expired entry is gone");
  assert.equal(await cache.delete("book"), true);
  assert.equal(await cache.delete("book"), false);

  const got: unknown[] = [];
  const off = await cache.subscribe("alerts", (m) => got.push(m));
  const receivers = await cache.publish("alerts", { spread: 0.1 });
  assert.equal(receivers, 1);
  for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(got, [{ spread: 0.1 }]);
  await off();
  await cache.publish("alerts", { spread: 0.2 });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got.length, 1, "no message after unsubscribe");
}

Deno.test("memory cache stores, expires, deletes and publishes", async () => {
  let now = 1_000_000;
  const cache = new MemoryCache({ ttlSeconds: 60, now: () => now });
  await contract(cache, (s) => {
    now += s * 1000;
    return Promise.resolve();
  });
  await cache.close();
});

Deno.test("memory cache drops the oldest entries beyond maxEntries", async () => {
  const cache = new MemoryCache({ ttlSeconds: 60, maxEntries: 2 });
  await cache.set("a", 1);
  await cache.set("b", 2);
  await cache.set("c", 3);
  assert.equal(await cache.get("a"), undefined);
  assert.equal(await cache.get("c"), 3);
});

Deno.test("openCache without REDIS_URL gives the memory cache", async () => {
  const cache = await openCache({ ttlSeconds: 5 });
  assert.equal(cache.kind, "memory");
  await cache.close();
});

Deno.test({
  name: "redis cache keeps the same contract against a real redis-server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const redis = await testRedis();
    if (!redis) return;
    const ns = `test-${crypto.randomUUID()}:`;
    const cache = await RedisCache.connect(redis.url, { ttlSeconds: 60, namespace: ns });
    try {
      assert.equal(cache.kind, "redis");
      await contract(cache, (s) => new Promise((r) => setTimeout(r, s * 1000)));
      await t.step("openCache with a URL connects to Redis", async () => {
        const c = await openCache({ url: redis.url, ttlSeconds: 5 });
        assert.equal(c.kind, "redis");
        await c.close();
      });
    } finally {
      await cache.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "an unreachable REDIS_URL fails with the host named and no password",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    await assert.rejects(
      RedisCache.connect(`redis://:s3cret@127.0.0.1:${port}/0`, {
        ttlSeconds: 5,
        connectTimeoutMs: 500,
      }),
      (e: Error) => e.message.includes(`127.0.0.1:${port}`) && !e.message.includes("s3cret"),
    );
  },
});
