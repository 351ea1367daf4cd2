/**
 * The stream publishes to a real Redis: the book and funding keys hold the final state with the
 * configured TTL, and another connection subscribed to the channels hears every change.
 */
import assert from "node:assert/strict";
import { resolveConfig } from "../../lib/config/config.ts";
import { runLive } from "../../lib/services/stream_runner.ts";
import { RedisCache } from "../../lib/storage/redis_cache.ts";
import type { PublishedBook, PublishedFunding } from "../../lib/streams/published.ts";
import { haveReference } from "../helpers/exchange_sim.ts";
import { testRedis } from "../helpers/redis.ts";
import { simEnv, startSims } from "./helpers.ts";

Deno.test({
  name: "stream to Redis: keys with TTL hold the final books and funding; subscribers hear changes",
  ignore: !haveReference(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const redis = await testRedis({ own: true });
    if (!redis) return;
    const sims = startSims(["BTCUSDT"], { maxUpdates: 60, seed: 21 });
    const publisher = await RedisCache.connect(redis.url, { ttlSeconds: 120 });
    const listener = await RedisCache.connect(redis.url, { ttlSeconds: 120 });
    try {
      const heard: PublishedBook[] = [];
      const funding: PublishedFunding[] = [];
      const unsub = await listener.subscribe(
        "mts:book:binance:perp:BTCUSDT",
        (m) => heard.push(m as PublishedBook),
      );
      const unsubF = await listener.subscribe(
        "mts:funding:bybit:BTCUSDT",
        (m) => funding.push(m as PublishedFunding),
      );
      const config = resolveConfig({ ...simEnv(sims, "/tmp"), REDIS_CACHE_TTL: "120" });
      const r = await runLive({
        plan: {
          exchanges: ["binance", "bybit"],
          markets: ["perp"],
          symbols: ["BTCUSDT"],
          depth: 10,
          snapshotLimit: 1000,
          staleAfterMs: 15_000,
        },
        config,
        forMs: 3_000,
        cache: publisher,
      });
      await new Promise((res) => setTimeout(res, 200));
      await unsub();
      await unsubF();
      const book = r.summary.books.find((b) => b.exchange === "binance")!;
      const cached = await listener.get<PublishedBook>("mts:book:binance:perp:BTCUSDT");
      assert.equal(cached?.state, "live");
      assert.equal(cached?.updateId, book.updateId);
      assert.deepEqual(cached?.bids, book.bids);
      assert.deepEqual(cached?.asks, book.asks);
      const ttl = await listener.ttl("mts:book:binance:perp:BTCUSDT");
      assert.ok(ttl !== undefined && ttl > 100 && ttl <= 120, `ttl ${ttl}`);
      assert.ok(heard.length > 5, `heard ${heard.length}`);
      assert.equal(heard.at(-1)?.updateId, book.updateId);
      assert.equal(funding.at(-1)?.rate, -0.005);
      assert.equal(funding.at(-1)?.intervalHours, 8);
      assert.deepEqual(await listener.get("mts:funding"), ["binance:BTCUSDT", "bybit:BTCUSDT"]);
    } finally {
      await publisher.close();
      await listener.close();
      await sims.close();
      await redis.stop();
    }
  },
});
