/**
 * `deno task stream` → Redis → `deno task arbitrage --from-cache`, end to end against the local
 * exchange simulators. The simulated Bybit books sit near 16,500 and Binance spot near 23,170
 * (the reference snapshots), so buying on Bybit and selling on Binance crosses by thousands of
 * bps. Once the simulators stop sending updates and the books stand still, each alert's size and
 * net profit must equal an independent walk (in doubles, below) of the books the stream left in
 * Redis, with the default taker fees.
 */
import assert from "node:assert/strict";
import { RedisCache } from "../../lib/storage/redis_cache.ts";
import { bookCacheKey, type PublishedBook } from "../../lib/streams/published.ts";
import { testRedis } from "../helpers/redis.ts";
import { haveReference } from "../helpers/exchange_sim.ts";
import { runStream, simEnv, startSims } from "../stream/helpers.ts";
import { ArbitrageProcess, ROOT } from "./process.ts";

const FEES: Record<string, number> = {
  "binance:spot": 0.001,
  "binance:perp": 0.0005,
  "bybit:spot": 0.001,
  "bybit:perp": 0.00055,
};

/** Takes every unit whose gain after fees is positive; size and net profit, in doubles. */
function walk(
  asks: readonly (readonly number[])[],
  bids: readonly (readonly number[])[],
  fb: number,
  fs: number,
) {
  let i = 0, j = 0, ra = asks[0]?.[1] ?? 0, rb = bids[0]?.[1] ?? 0, size = 0, net = 0;
  while (i < asks.length && j < bids.length) {
    const u = bids[j][0] * (1 - fs) - asks[i][0] * (1 + fb);
    if (u <= 0) break;
    const q = Math.min(ra, rb);
    size += q;
    net += q * u;
    ra -= q;
    rb -= q;
    if (ra <= 1e-12 && ++i < asks.length) ra = asks[i][1];
    if (rb <= 1e-12 && ++j < bids.length) rb = bids[j][1];
  }
  return { size, net };
}

Deno.test({
  name: "stream → Redis → arbitrage: alerts match an independent walk of the published books",
  ignore: !haveReference(),
  fn: async () => {
    const redis = await testRedis({ own: true });
    if (!redis) return;
    const dir = `data/test-arbitrage-stream-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.mkdir(`${ROOT}${dir}`, { recursive: true });
    const sims = startSims(["BTCUSDT"], { maxUpdates: 40 });
    const env = { ...simEnv(sims, dir), REDIS_URL: redis.url };
    const arbitrage = new ArbitrageProcess(
      ["--from-cache", "--symbols", "BTCUSDT", "--json", "--update-bps", "0", "--max-age", "60s"],
      { DATABASE_PATH: `${dir}/arb.db`, REDIS_URL: redis.url },
    );
    const stream = runStream(
      ["--exchanges", "binance,bybit", "--markets", "spot,perp", "--symbols", "BTCUSDT"]
        .concat(["--depth", "20", "--for", "20s", "--stale-after", "60s", "--json"]),
      env,
    );
    const cache = await RedisCache.connect(redis.url, { ttlSeconds: 60 });
    try {
      await arbitrage.waitFor((e) => e.event === "opened", 30_000);
      // the simulators stop after 40 updates per symbol: wait for them, then for the books to settle
      const until = Date.now() + 20_000;
      while (!(sims.spot.finished && sims.perp.finished && sims.bybit.finished)) {
        if (Date.now() > until) throw new Error("the simulators did not finish");
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1500));
      const last = new Map<string, Record<string, unknown>>();
      for (const e of arbitrage.events()) last.set(String(e.id), e);
      const open = [...last.values()].filter((e) => e.event !== "closed");
      assert.ok(open.length > 0, "opportunities are open while the books cross");
      for (const a of open) {
        const buy = a.buy as { exchange: "binance" | "bybit"; market: "spot" | "perp" };
        const sell = a.sell as { exchange: "binance" | "bybit"; market: "spot" | "perp" };
        const bb = await cache.get<PublishedBook>(bookCacheKey({ ...buy, symbol: "BTCUSDT" }));
        const sb = await cache.get<PublishedBook>(bookCacheKey({ ...sell, symbol: "BTCUSDT" }));
        assert.ok(bb && sb, "the stream cached both books");
        const w = walk(
          bb.asks,
          sb.bids,
          FEES[`${buy.exchange}:${buy.market}`],
          FEES[`${sell.exchange}:${sell.market}`],
        );
        assert.ok(
          Math.abs(w.size - (a.size as number)) < 1e-8,
          `${a.pair}: size ${a.size} vs ${w.size}`,
        );
        assert.ok(
          Math.abs(w.net - (a.netAmount as number)) < 1e-6 * Math.max(1, w.net),
          `${a.pair}: net ${a.netAmount} vs ${w.net}`,
        );
      }
      const pairs = open.map((a) => String(a.pair)).sort();
      assert.ok(pairs.includes("BTC bybit:perp>binance:spot"), pairs.join(", "));
      assert.ok(pairs.includes("BTC bybit:spot>binance:spot"), pairs.join(", "));
      // while the books still moved, a pair that crossed by little may have closed on its edge;
      // what SIGTERM must do is close every opportunity still open, as `stopped`
      const seen = arbitrage.events().length;
      arbitrage.child.kill("SIGTERM");
      const end = await arbitrage.exit();
      assert.equal(end.code, 0, end.stderr);
      const atStop = arbitrage.events().slice(seen).filter((e) => e.event === "closed");
      assert.deepEqual(
        atStop.map((e) => [String(e.id), e.reason]).sort(),
        open.map((a) => [String(a.id), "stopped"]).sort(),
      );
      const s = await stream;
      assert.equal(s.code, 0, s.stderr);
    } finally {
      try {
        arbitrage.child.kill("SIGTERM");
      } catch { /* already ended */ }
      await arbitrage.exit().catch(() => {});
      await stream.catch(() => {});
      await cache.close();
      await sims.close();
      await redis.stop();
      await Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {});
    }
  },
});
