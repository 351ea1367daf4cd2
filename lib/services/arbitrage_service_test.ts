import assert from "node:assert/strict";
import { book } from "../../tests/arbitrage/books.ts";
import { resolveConfig } from "../config/config.ts";
import { MemoryCache } from "../storage/memory_cache.ts";
import { SqliteStore } from "../storage/sqlite_store.ts";
import type { ArbitrageAlert } from "../streams/arbitrage/alert.ts";
import { ARBITRAGE_CHANNEL, bookCacheKey } from "../streams/published.ts";
import { runArbitrage } from "./arbitrage_service.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("runArbitrage beside a publisher in the same process: its own memory cache, no Redis", async () => {
  const config = resolveConfig({ LOG_FILE: "", REDIS_URL: "" });
  const store = SqliteStore.open(":memory:");
  const cache = new MemoryCache({ ttlSeconds: 60 });
  const seen: ArbitrageAlert[] = [], onChannel: unknown[] = [];
  await cache.subscribe(ARBITRAGE_CHANNEL, (m) => onChannel.push(m));
  const stop = new AbortController();
  try {
    const running = runArbitrage({ config, store: () => store, redact: (t) => t }, {
      mode: "cache",
      cache,
      clock: "data",
      detector: { symbols: ["BTCUSDT"], minDuration: { updates: 1 } },
      store: true,
      signal: stop.signal,
      onAlert: (a) => seen.push(a),
      onProblem: (m) => assert.fail(m),
    });
    await wait(20);
    const t0 = Date.UTC(2025, 5, 1); // recorded time, long ago on the wall clock
    const spot = book("binance", "spot", "BTCUSDT", { bids: [[29_990, 1]], asks: [[30_000, 1]] }, {
      atMs: t0,
    });
    const perp = book("bybit", "perp", "BTCUSDT", { bids: [[30_100, 1]], asks: [[30_110, 1]] }, {
      atMs: t0 + 5,
    });
    await cache.publish(bookCacheKey(spot), spot);
    await cache.publish(bookCacheKey(perp), perp);
    await wait(20);
    stop.abort();
    const outcome = await running;
    // buy 1 @ 30,000 (fee 30), sell 1 @ 30,100 (fee 16.555): 53.445 / 30,000 = 17.815 bps
    assert.deepEqual(seen.map((a) => [a.event, a.netBps]), [["opened", 17.815], [
      "closed",
      17.815,
    ]]);
    assert.equal(seen[1].reason, "stopped");
    assert.equal(outcome.alerts, 2);
    assert.equal(onChannel.length, 2, "published on the given cache");
    const [row] = await store.listArbitrageOpportunities();
    assert.equal(row.closeReason, "stopped");
    assert.equal(row.source, "replay", "recorded time: a replay");
  } finally {
    await cache.close();
    store.close();
  }
});

Deno.test("a bad ARBITRAGE_FEES is refused before anything runs, naming the variable", async () => {
  const config = resolveConfig({
    LOG_FILE: "",
    REDIS_URL: "",
    ARBITRAGE_FEES: '{"binance:spot":0.5}',
  });
  const store = SqliteStore.open(":memory:");
  try {
    await assert.rejects(
      () =>
        runArbitrage({ config, store: () => store, redact: (t) => t }, {
          mode: "cache",
          cache: new MemoryCache({ ttlSeconds: 60 }),
          clock: "data",
          detector: {},
          store: true,
          signal: AbortSignal.abort(),
          onAlert: () => {},
          onProblem: () => {},
        }),
      (e: Error) => {
        assert.match(
          e.message,
          /^ARBITRAGE_FEES: fee binance:spot: expected a fraction in \[0, 0\.1\)/,
        );
        return true;
      },
    );
  } finally {
    store.close();
  }
});
