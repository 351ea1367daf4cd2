// deno-lint-ignore-file no-explicit-any
/**
 * Live data through the memory cache: funding ids listed under the index key are relayed to the
 * `funding` channel, arbitrage alerts to `arbitrage`, and served by GET /funding and
 * GET /arbitrage; without a stream those routes say why they have nothing. Also the long
 * backtest path (202 + Location, then the job) and the bind refusals.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { resolveConfig } from "../../lib/config/config.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { checkBind, startService } from "../../lib/services/serve.ts";
import { MemoryCache } from "../../lib/storage/memory_cache.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import {
  ARBITRAGE_CHANNEL,
  BOOK_INDEX_KEY,
  EVENT_CHANNELS,
  FUNDING_INDEX_KEY,
  fundingCacheKey,
  type PublishedFunding,
} from "../../lib/streams/published.ts";
import { STRATEGIES } from "../../strategies/mod.ts";
import { call, sampleBook, SECRET, withService, wsClient } from "./helpers.ts";

const FUNDING: PublishedFunding = {
  exchange: "bybit",
  symbol: "BTCUSDT",
  rate: 0.0001,
  nextFundingTime: "2026-01-01T08:00:00.000Z",
  intervalHours: 8,
  markPrice: 64_000.5,
  receivedAtMs: 1_767_225_600_000,
};

Deno.test("funding and arbitrage published on the cache reach WebSocket clients and the routes", async () => {
  await withService({}, async ({ url, cache }) => {
    const none = await call(`${url}/funding`, { token: SECRET });
    assert.equal(none.status, 404);
    assert.match(none.body.error, /no funding in the cache: is the stream running/);
    assert.equal((await call(`${url}/arbitrage`, { token: SECRET })).status, 404);
    const book = await call(`${url}/books/bybit/perp/BTCUSDT`, { token: SECRET });
    assert.equal(book.status, 404);
    assert.match(book.body.error, /no book bybit perp BTCUSDT in the cache/);

    const c = await wsClient(`${url.replace("http", "ws")}/ws?token=${SECRET}`);
    try {
      c.send({ type: "subscribe", channels: ["funding", "arbitrage"] });
      await c.next((m) => m.type === "subscribed");
      await cache.set(FUNDING_INDEX_KEY, ["bybit:BTCUSDT"]);
      await cache.set(fundingCacheKey("bybit", "BTCUSDT"), FUNDING);
      // the relay re-reads the index every 100 ms in these tests: wait until it subscribed
      for (
        let i = 0;
        i < 50 && await cache.publish(fundingCacheKey("bybit", "BTCUSDT"), FUNDING) === 0;
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const f = await c.next((m) => m.channel === "funding");
      assert.equal(f.type, "funding");
      assert.deepEqual(f.data, FUNDING);
      const alert = { buy: "binance", sell: "bybit", symbol: "BTCUSDT", spreadBps: 12.5 };
      assert.equal(await cache.publish(ARBITRAGE_CHANNEL, alert), 1);
      const a = await c.next((m) => m.channel === "arbitrage");
      assert.deepEqual(a.data, alert);
      await cache.set(BOOK_INDEX_KEY, ["binance:spot:BTCUSDT", "bybit:perp:ETHUSDT"]);
      await cache.set("mts:book:binance:spot:BTCUSDT", { ...sampleBook(3), state: "resyncing" });
      const ready = await call(`${url}/ready`);
      assert.deepEqual(ready.body.checks.streams.books.map((b: any) => [b.id, b.state]), [
        ["binance:spot:BTCUSDT", "resyncing"],
        ["bybit:perp:ETHUSDT", "missing"],
      ]);
      const list = await call(`${url}/funding`, { token: SECRET });
      assert.deepEqual(list.body.funding, [FUNDING]);
      const alerts = await call(`${url}/arbitrage`, { token: SECRET });
      assert.deepEqual(alerts.body.alerts.map((x: any) => x.data), [alert]);
    } finally {
      await c.close();
    }
  });
});

Deno.test("a backtest slower than API_SYNC_TIMEOUT_MS answers 202 with a Location to poll", async () => {
  await withService({ env: { API_SYNC_TIMEOUT_MS: "300" } }, async ({ url, store, dbPath }) => {
    // another connection (as a collector in another process would) holds the write lock, so the
    // run cannot store its result yet: it outlasts the 300 ms
    const other = new DatabaseSync(dbPath);
    other.exec("BEGIN IMMEDIATE");
    let held = true;
    try {
      const r = await call(`${url}/backtest`, {
        method: "POST",
        token: SECRET,
        json: {
          symbols: ["bitcoin"],
          start: "2023-01-01",
          end: "2023-12-31",
          strategy: "sma_cross",
        },
      });
      assert.equal(r.status, 202, r.text.slice(0, 300));
      assert.equal(r.body.status, "running");
      assert.equal(r.headers.get("location"), `/backtests/${r.body.id}`);
      const running = await call(`${url}${r.headers.get("location")}`, { token: SECRET });
      assert.equal(running.body.status, "running");
      other.exec("ROLLBACK");
      held = false;
      let job: any;
      for (let i = 0; i < 200; i++) {
        job = (await call(`${url}${r.headers.get("location")}`, { token: SECRET })).body;
        if (job.status !== "running") break;
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(job.status, "done");
      const [run] = await store.listBacktestRuns(1);
      assert.equal(job.runId, run.id, "the job's run was stored");
      assert.equal(job.result.strategy, "sma_cross");
      const stored = await call(`${url}/backtests/${run.id}`, { token: SECRET });
      assert.equal(stored.body.strategy, "sma_cross");
      assert.deepEqual(stored.body.assets, ["bitcoin"]);
      assert.equal(stored.body.start, "2023-01-01T00:00:00Z");
      for (const id of [r.body.id, String(run.id)]) {
        const html = await fetch(`${url}/backtests/${id}/report`, {
          headers: { authorization: `Bearer ${SECRET}` },
        });
        assert.equal(html.status, 200, id);
        assert.match(html.headers.get("content-type") ?? "", /^text\/html/);
        const text = await html.text();
        assert.match(text, /^<!doctype html>/i);
        assert.match(text, /sma_cross/);
      }
      const none = await call(`${url}/backtests/job-999/report`, { token: SECRET });
      assert.equal(none.status, 404);
      assert.match(none.body.error, /no report for backtest job-999/);
    } finally {
      if (held) other.exec("ROLLBACK");
      other.close();
    }
  });
});

Deno.test("a domain refusal is a 4xx with the CLI's reason: unknown strategy 404, no data 4xx", async () => {
  await withService({}, async ({ url }) => {
    const post = (json: unknown) =>
      call(`${url}/backtest`, { method: "POST", token: SECRET, json });
    const unknown = await post({ symbols: ["bitcoin"], strategy: "nope" });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /json\.strategy: unknown strategy "nope"/);
    const params = await post({
      symbols: ["bitcoin"],
      strategy: "sma_cross",
      params: { fast: -1 },
    });
    assert.equal(params.status, 400);
    assert.match(params.body.error, /^json\.params: .*fast/);
    const noData = await post({ symbols: ["dogecoin"], strategy: "buy_hold" });
    assert.ok(noData.status >= 400 && noData.status < 500, noData.text);
    assert.match(noData.body.error, /dogecoin/);
  });
});

Deno.test("the API refuses to listen beyond loopback without a real key", async () => {
  assert.doesNotThrow(() => checkBind("127.0.0.1", undefined));
  assert.doesNotThrow(() => checkBind("::1", "your-secret-key-change-in-production"));
  assert.throws(
    () => checkBind("0.0.0.0", undefined),
    /without API_SECRET_KEY the API listens on loopback only/,
  );
  assert.throws(
    () => checkBind("0.0.0.0", "your-secret-key-change-in-production"),
    (e: Error) => e instanceof ConfigError && /placeholder: refused on 0\.0\.0\.0/.test(e.message),
  );
  assert.doesNotThrow(() => checkBind("0.0.0.0", "a-real-key"));
  const dir = await Deno.makeTempDir();
  const store = SqliteStore.open(`${dir}/mts.db`);
  try {
    await assert.rejects(
      startService({
        config: resolveConfig({ LOG_FILE: "", API_SECRET_KEY: "" }),
        store,
        cache: new MemoryCache({ ttlSeconds: 1 }),
        registry: STRATEGIES,
        hostname: "0.0.0.0",
        port: 0,
        version: "0",
      }),
      /loopback only/,
    );
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CORS headers only for the configured origins", async () => {
  await withService({ env: { API_CORS_ORIGINS: "https://app.example" } }, async ({ url }) => {
    const ok = await fetch(`${url}/health`, { headers: { origin: "https://app.example" } });
    await ok.body?.cancel();
    assert.equal(ok.headers.get("access-control-allow-origin"), "https://app.example");
    const other = await fetch(`${url}/health`, { headers: { origin: "https://evil.example" } });
    await other.body?.cancel();
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });
});

Deno.test("events other processes publish on mts:events:* reach the WebSocket channels", async () => {
  await withService({}, async ({ url, cache }) => {
    const c = await wsClient(`${url.replace("http", "ws")}/ws?token=${SECRET}`);
    try {
      c.send({ type: "subscribe", channels: ["collection", "signals"] });
      await c.next((m) => m.type === "subscribed");
      const finished = {
        job: "collect",
        slot: "2026-01-01T00:00:00Z",
        start: "2026-01-01T00:00:01Z",
        end: "2026-01-01T00:00:09Z",
        outcome: "success",
        catchUp: false,
        missedSlots: 0,
        attempts: 1,
      };
      assert.equal(
        await cache.publish(EVENT_CHANNELS.collection, { type: "finished", data: finished }),
        1,
      );
      // not an event, and a `run` that breaks its schema: dropped, nothing relayed
      await cache.publish(EVENT_CHANNELS.signals, "garbage");
      await cache.publish(EVENT_CHANNELS.signals, { type: "run", data: { signals: 2 } });
      const summary = {
        now: "2024-06-29T00:00:00Z",
        at: "2024-06-28",
        assets: ["bitcoin"],
        strategies: [{ name: "mean_reversion", params: {} }],
        signals: 2,
        aggregate: 1,
        stored: 3,
      };
      await cache.publish(EVENT_CHANNELS.signals, { type: "run", data: summary });
      const got = await c.next((m) => m.channel === "collection");
      assert.deepEqual([got.type, got.seq, got.data], ["finished", 1, finished]);
      const run = await c.next((m) => m.channel === "signals");
      assert.deepEqual([run.type, run.seq, run.data], ["run", 1, summary]);
    } finally {
      await c.close();
    }
  });
});
