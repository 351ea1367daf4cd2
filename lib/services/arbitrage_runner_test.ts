import assert from "node:assert/strict";
import { book } from "../../tests/arbitrage/books.ts";
import { MemoryCache } from "../storage/memory_cache.ts";
import type { ArbitrageAlert } from "../streams/arbitrage/alert.ts";
import { ArbitrageDetector } from "../streams/arbitrage/detector.ts";
import { ARBITRAGE_CHANNEL, BOOK_INDEX_KEY, bookCacheKey } from "../streams/published.ts";
import type { PublishedBook } from "../streams/published.ts";
import { AlertFanout, channelsFor, followCache } from "./arbitrage_runner.ts";

const ZERO_FEES = { "binance:spot": 0, "binance:perp": 0, "bybit:spot": 0, "bybit:perp": 0 };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("channelsFor: every exchange and market of each symbol", () => {
  const c = channelsFor(["btcusdt"]);
  assert.deepEqual(c.books, [
    "mts:book:binance:spot:BTCUSDT",
    "mts:book:binance:perp:BTCUSDT",
    "mts:book:bybit:spot:BTCUSDT",
    "mts:book:bybit:perp:BTCUSDT",
  ]);
  assert.deepEqual(c.funding, ["mts:funding:binance:BTCUSDT", "mts:funding:bybit:BTCUSDT"]);
});

Deno.test("followCache on a memory cache: finds books through mts:books, alerts, stops cleanly", async () => {
  const cache = new MemoryCache({ ttlSeconds: 60 });
  const clock = { now: 1_000_000 };
  const detector = new ArbitrageDetector({
    fees: ZERO_FEES,
    minNotional: 0,
    minDuration: { updates: 1 },
  });
  const published: ArbitrageAlert[] = [];
  await cache.subscribe(ARBITRAGE_CHANNEL, (m) => published.push(m as ArbitrageAlert));
  const bad: string[] = [];
  const fanout = new AlertFanout({ cache, source: "live" });
  const stop = new AbortController();
  // a book already cached before the follower starts is read at once
  const spot = book("binance", "spot", "BTCUSDT", { bids: [[99, 1]], asks: [[100, 1]] }, {
    atMs: clock.now,
  });
  await cache.set(bookCacheKey(spot), spot);
  await cache.set(BOOK_INDEX_KEY, ["binance:spot:BTCUSDT"]);
  const running = followCache({
    cache,
    detector,
    fanout,
    signal: stop.signal,
    tickMs: 10,
    discoverMs: 10,
    now: () => clock.now,
    onBadMessage: (ch, why) => bad.push(`${ch}: ${why}`),
  });
  await wait(30);
  assert.ok(detector.book("binance:spot:BTCUSDT"), "seeded from its cache key");
  // a second book appears in the index later; the follower subscribes on its next scan
  await cache.set(BOOK_INDEX_KEY, ["binance:spot:BTCUSDT", "bybit:perp:BTCUSDT"]);
  await wait(40);
  const perp: PublishedBook = book("bybit", "perp", "BTCUSDT", {
    bids: [[101, 1]],
    asks: [[102, 1]],
  }, { atMs: clock.now });
  await cache.publish(bookCacheKey(perp), perp);
  await cache.publish(bookCacheKey(perp), { nonsense: true });
  await wait(20);
  assert.deepEqual(published.map((a) => `${a.event} ${a.netBps}`), ["opened 100"]);
  assert.deepEqual(bad, ["mts:book:bybit:perp:BTCUSDT: exchange: expected binance or bybit"]);
  stop.abort();
  await running;
  assert.deepEqual(published.map((a) => a.event), ["opened", "closed"]);
  assert.equal(published[1].reason, "stopped");
  await cache.close();
});

Deno.test("followCache with the data clock: recorded times, not the wall clock, age the books", async () => {
  const cache = new MemoryCache({ ttlSeconds: 60 });
  const detector = new ArbitrageDetector({
    fees: ZERO_FEES,
    minNotional: 0,
    minDuration: { updates: 1 },
  });
  const alerts: ArbitrageAlert[] = [];
  const fanout = new AlertFanout({ source: "replay", onAlert: (a) => alerts.push(a) });
  const stop = new AbortController();
  const running = followCache({
    cache,
    detector,
    fanout,
    symbols: ["BTCUSDT"],
    signal: stop.signal,
    clock: "data",
  });
  await wait(10);
  const t0 = Date.UTC(2024, 0, 1); // two years old on the wall clock
  const spot = book("binance", "spot", "BTCUSDT", { bids: [[99, 1]], asks: [[100, 1]] }, {
    atMs: t0,
  });
  const perp = (at: number, u: number) =>
    book("bybit", "perp", "BTCUSDT", { bids: [[101, 1]], asks: [[102, 1]] }, {
      atMs: at,
      updateId: u,
    });
  await cache.publish(bookCacheKey(spot), spot);
  await cache.publish(bookCacheKey(perp(t0 + 10, 1)), perp(t0 + 10, 1));
  await wait(10);
  assert.deepEqual(alerts.map((a) => a.event), ["opened"], "recorded books are not old");
  // 6 s of recorded time without a spot update: the spot book is now older than --max-age 5s
  await cache.publish(bookCacheKey(perp(t0 + 6010, 2)), perp(t0 + 6010, 2));
  await wait(10);
  assert.deepEqual(alerts.map((a) => [a.event, a.reason]), [["opened", undefined], [
    "closed",
    "old",
  ]]);
  stop.abort();
  await running;
  await cache.close();
});

Deno.test("followCache stops cleanly when the cache's connection is gone (unsubscribe fails)", async () => {
  class GoneCache extends MemoryCache {
    override async subscribe(channel: string, handler: (m: unknown) => void) {
      await super.subscribe(channel, handler);
      return () => Promise.reject(new Error("Connection is closed."));
    }
  }
  const cache = new GoneCache({ ttlSeconds: 60 });
  const detector = new ArbitrageDetector({
    fees: ZERO_FEES,
    minNotional: 0,
    minDuration: { updates: 1 },
  });
  const seen: ArbitrageAlert[] = [];
  const fanout = new AlertFanout({ source: "live", onAlert: (a) => seen.push(a) });
  const stop = new AbortController();
  const running = followCache({
    cache,
    detector,
    fanout,
    symbols: ["BTCUSDT"],
    signal: stop.signal,
    now: () => 1_000_000,
  });
  await wait(20);
  const at = { atMs: 1_000_000 };
  await cache.publish(
    "mts:book:binance:spot:BTCUSDT",
    book("binance", "spot", "BTCUSDT", { bids: [[99, 1]], asks: [[100, 1]] }, at),
  );
  await cache.publish(
    "mts:book:bybit:perp:BTCUSDT",
    book("bybit", "perp", "BTCUSDT", { bids: [[101, 1]], asks: [[102, 1]] }, at),
  );
  await wait(20);
  stop.abort();
  await running; // rejected with "Connection is closed." before the fix (exit 1 on SIGTERM)
  assert.deepEqual(seen.map((a) => [a.event, a.reason]), [["opened", undefined], [
    "closed",
    "stopped",
  ]]);
  await cache.close();
});
