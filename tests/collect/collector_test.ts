/**
 * The price collector against local servers in the real wire formats, with injected faults.
 * Waits run on a virtual clock (ManualClock), so Retry-After and backoff are asserted, not slept.
 */
import assert from "node:assert/strict";
import { BinanceClient } from "../../lib/clients/binance/client.ts";
import { CoinGeckoClient, type CoinGeckoPlan } from "../../lib/clients/coingecko/client.ts";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../../lib/core/time.ts";
import { BreakerRegistry } from "../../lib/net/circuit_breaker.ts";
import { ManualClock } from "../../lib/net/clock.ts";
import { collectPrices } from "../../lib/services/collector.ts";
import { binanceSource, coinGeckoSource } from "../../lib/services/price_sources.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { json, refusedUrl } from "../helpers/fixture_server.ts";
import { priceAt, startMarket } from "./market_fixture.ts";

// Friday 2026-11-20 12:30 UTC. Daily window for --days 7: bars 2026-11-13 .. 2026-11-19.
const NOW = Date.UTC(2026, 10, 20, 12, 30);
const D19 = Date.UTC(2026, 10, 19);
const PRO_KEY = "CG-test-pro-key";

function gecko(
  plan: CoinGeckoPlan,
  urls: { pro?: string; pub: string },
  extra: { timeoutMs?: number } = {},
) {
  const clock = new ManualClock(NOW);
  const client = new CoinGeckoClient({
    plan,
    apiKey: plan === "public" ? undefined : PRO_KEY,
    baseUrl: `${urls.pub}/api/v3`,
    proBaseUrl: `${urls.pro ?? refusedUrl()}/api/v3`,
    timeoutMs: extra.timeoutMs ?? 2_000,
    backoff: { baseMs: 100, maxMs: 1_000 },
    clock,
    random: () => 0.5,
    breakers: new BreakerRegistry({ clock }),
  });
  return { source: coinGeckoSource(client), clock };
}

Deno.test("Pro host unreachable: the data arrives through the public host, without the Pro key", async () => {
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const { source } = gecko("pro", { pro: refusedUrl(), pub: pub.server.url });
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin", "ethereum"],
      interval: "1d",
      days: 7,
      nowMs: NOW,
    });
    assert.equal(r.status, "success");
    assert.deepEqual(r.items.map((i) => [i.asset, i.via, i.inserted]), [
      ["bitcoin", "public", 7],
      ["ethereum", "public", 7],
    ]);
    // the public fixture answers 10010 to a Pro key, so success proves no key was sent there
    assert.ok(pub.server.requests.every((q) => q.headers.get("x-cg-pro-api-key") === null));
    const btc = await store.getCandles({ source: "coingecko", asset: "bitcoin", interval: "1d" });
    // close of day D is the 00:00 snapshot of D+1
    assert.equal(btc[btc.length - 1].ts, D19);
    assert.equal(btc[btc.length - 1].close, priceAt("bitcoin", D19 + DAY_MS));
    assert.ok(Number.isNaN(btc[0].open), "daily snapshots are close-only");
  } finally {
    store.close();
    await pub.server.close();
  }
});

Deno.test("429 with Retry-After: the client waits that long on the Pro host and never falls back", async () => {
  const pro = startMarket({ now: () => NOW, requireProKey: PRO_KEY });
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    pro.server.fault("/api/v3/coins/bitcoin", {
      type: "status",
      status: 429,
      headers: { "retry-after": "3" },
      body: JSON.stringify(
        { status: { error_code: 429, error_message: "You've exceeded the Rate Limit." } },
      ),
    });
    const { source, clock } = gecko("pro", { pro: pro.server.url, pub: pub.server.url });
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin"],
      interval: "1d",
      days: 7,
      nowMs: NOW,
    });
    assert.equal(r.items[0].status, "success");
    assert.equal(r.items[0].via, "pro");
    assert.ok(clock.sleeps.includes(3_000), `waited ${clock.sleeps}`);
    assert.equal(pro.server.requestsTo("/api/v3/coins/bitcoin").length, 2);
    assert.equal(pub.server.requests.length, 0, "a rate limit is not an outage");
  } finally {
    store.close();
    await pro.server.close();
    await pub.server.close();
  }
});

Deno.test("a rate-limit body sent with HTTP 200 is waited out and retried", async () => {
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    pub.server.fault("/api/v3/coins/bitcoin", {
      type: "status",
      status: 200,
      headers: { "content-type": "application/json", "retry-after": "2" },
      body: JSON.stringify({
        status: { error_code: 429, error_message: "You've exceeded the Rate Limit." },
      }),
    });
    const { source, clock } = gecko("public", { pub: pub.server.url });
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin"],
      interval: "1d",
      days: 3,
      nowMs: NOW,
    });
    assert.equal(r.items[0].status, "success");
    assert.equal(r.items[0].inserted, 3);
    assert.ok(clock.sleeps.includes(2_000));
  } finally {
    store.close();
    await pub.server.close();
  }
});

Deno.test("persistent 5xx: retried with backoff, recorded as failed, the other assets still collected", async () => {
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    pub.server.faultAlways("/api/v3/coins/ethereum", { type: "status", status: 503, body: "busy" });
    const { source, clock } = gecko("public", { pub: pub.server.url });
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin", "ethereum", "solana"],
      interval: "1d",
      days: 2,
      nowMs: NOW,
    });
    assert.equal(r.status, "partial");
    assert.deepEqual(r.items.map((i) => i.status), ["success", "failed", "success"]);
    assert.match(r.items[1].error!, /HTTP 503 .*after 4 attempts/);
    assert.equal(pub.server.requestsTo("/api/v3/coins/ethereum").length, 4);
    // backoff 0.5 * 100 * 2^n for n = 0..2
    assert.deepEqual(clock.sleeps.filter((s) => s < 1_000), [50, 100, 200]);
    const [run] = await store.listRuns({ task: "collect" });
    assert.equal(run.status, "partial");
    assert.equal(run.items.find((i) => i.subject === "ethereum")?.status, "failed");
  } finally {
    store.close();
    await pub.server.close();
  }
});

Deno.test("a timeout on the Pro host falls back to the public host", async () => {
  const pro = startMarket({ now: () => NOW, requireProKey: PRO_KEY });
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    pro.server.faultAlways("/api/v3/coins", { type: "delay", ms: 3_000 });
    const { source } = gecko("pro", { pro: pro.server.url, pub: pub.server.url }, {
      timeoutMs: 200,
    });
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin"],
      interval: "1d",
      days: 2,
      nowMs: NOW,
    });
    assert.equal(r.items[0].status, "success");
    assert.equal(r.items[0].via, "public");
  } finally {
    store.close();
    await pro.server.close();
    await pub.server.close();
  }
});

Deno.test("malformed JSON and a wrong field type are rejected, recorded, and do not stop the others", async () => {
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    pub.server.fault("/api/v3/coins/bitcoin", { type: "malformed" });
    pub.server.fault("/api/v3/coins/ethereum", {
      type: "status",
      status: 200,
      body: JSON.stringify({
        prices: [[NOW - DAY_MS, "3000"]],
        market_caps: [],
        total_volumes: [],
      }),
    });
    const { source } = gecko("public", { pub: pub.server.url });
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin", "ethereum", "solana"],
      interval: "1d",
      days: 2,
      nowMs: NOW,
    });
    assert.deepEqual(r.items.map((i) => i.status), ["failed", "failed", "success"]);
    assert.match(r.items[0].error!, /coingecko\(public\) \/coins\/bitcoin\/market_chart.*not JSON/);
    assert.match(r.items[1].error!, /\/coins\/ethereum\/market_chart.*field prices\[0\]\[1\]/);
    const ledger = await store.listQualityIssues({ kind: "invalid_payload" });
    assert.deepEqual(ledger.map((i) => [i.subject, i.field]).sort(), [
      ["bitcoin", undefined],
      ["ethereum", "prices[0][1]"],
    ]);
    assert.equal(
      (await store.getCandles({ source: "coingecko", asset: "ethereum", interval: "1d" })).length,
      0,
    );
  } finally {
    store.close();
    await pub.server.close();
  }
});

Deno.test("a CoinGecko error body (unknown coin) fails only that asset, with the message", async () => {
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const { source } = gecko("public", { pub: pub.server.url });
    const r = await collectPrices(store, {
      source,
      assets: ["no-such-coin", "bitcoin"],
      interval: "1d",
      days: 1,
      nowMs: NOW,
    });
    assert.deepEqual(r.items.map((i) => i.status), ["failed", "success"]);
    assert.match(r.items[0].error!, /HTTP 404 .*coin not found/);
  } finally {
    store.close();
    await pub.server.close();
  }
});

Deno.test("a second run fetches nothing; a wider window fetches only the older bars", async () => {
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const { source } = gecko("public", { pub: pub.server.url });
    const opts = { source, assets: ["bitcoin"], interval: "1d" as const, nowMs: NOW };
    const first = await collectPrices(store, { ...opts, days: 3 });
    assert.equal(first.items[0].inserted, 3);
    const n = pub.server.requests.length;
    const second = await collectPrices(store, { ...opts, days: 3 });
    assert.equal(second.items[0].requests, 0);
    assert.equal(second.rowsWritten, 0);
    assert.equal(pub.server.requests.length, n, "no request at all");
    const wider = await collectPrices(store, { ...opts, days: 7 });
    assert.equal(wider.items[0].inserted, 4);
    assert.equal(wider.items[0].fetchedFrom, D19 - 6 * DAY_MS);
    assert.equal(wider.items[0].fetchedTo, D19 - 3 * DAY_MS);
    const all = await store.getCandles({ source: "coingecko", asset: "bitcoin", interval: "1d" });
    assert.deepEqual(all.map((c) => c.ts), [6, 5, 4, 3, 2, 1, 0].map((k) => D19 - k * DAY_MS));
  } finally {
    store.close();
    await pub.server.close();
  }
});

Deno.test("a bar the source lacks is recorded as a gap once and not asked for again", async () => {
  const missingDay = D19 - 2 * DAY_MS;
  const pub = startMarket({ now: () => NOW, missing: { bitcoin: new Set([missingDay]) } });
  const store = SqliteStore.open(":memory:");
  try {
    const { source } = gecko("public", { pub: pub.server.url });
    const opts = { source, assets: ["bitcoin"], interval: "1d" as const, nowMs: NOW, days: 5 };
    const first = await collectPrices(store, opts);
    assert.equal(first.items[0].inserted, 4);
    assert.equal(first.items[0].missingAfter, 1);
    const gaps = await store.listQualityIssues({ kind: "gap", subject: "bitcoin" });
    assert.deepEqual(gaps.map((g) => [g.ts, g.tsEnd]), [[missingDay, missingDay + DAY_MS]]);
    const second = await collectPrices(store, opts);
    assert.equal(second.items[0].requests, 0, "the known gap is not refetched");
    // the source fills it later; --refetch-gaps picks it up
    pub.opts.missing = {};
    const third = await collectPrices(store, { ...opts, refetchGaps: true });
    assert.equal(third.items[0].inserted, 1);
  } finally {
    store.close();
    await pub.server.close();
  }
});

Deno.test("the newest bar not published yet is not recorded as a gap and is fetched on the next run", async () => {
  // CoinGecko publishes a day's 00:00 point some time after midnight: at 00:05 the close of
  // yesterday (D19) may be absent. That is a delay, not a hole at the source.
  const pub = startMarket({ now: () => NOW, missing: { bitcoin: new Set([D19]) } });
  const store = SqliteStore.open(":memory:");
  try {
    const { source } = gecko("public", { pub: pub.server.url });
    const opts = { source, assets: ["bitcoin"], interval: "1d" as const, nowMs: NOW, days: 5 };
    const first = await collectPrices(store, opts);
    assert.equal(first.items[0].inserted, 4);
    assert.equal(first.items[0].missingAfter, 1);
    assert.equal(first.items[0].pending, 1);
    assert.deepEqual(await store.listQualityIssues({ kind: "gap", subject: "bitcoin" }), []);
    pub.opts.missing = {};
    const second = await collectPrices(store, opts);
    assert.equal(second.items[0].requests, 1, "the newest bar is asked for again");
    assert.equal(second.items[0].inserted, 1);
    const btc = await store.getCandles({ source: "coingecko", asset: "bitcoin", interval: "1d" });
    assert.equal(btc[btc.length - 1].ts, D19);
  } finally {
    store.close();
    await pub.server.close();
  }
});

Deno.test("the public CoinGecko client never sends more than 10 calls in any minute", async () => {
  const pub = startMarket({ now: () => NOW });
  try {
    const clock = new ManualClock(NOW);
    const sent: number[] = [];
    const client = new CoinGeckoClient({
      plan: "public",
      baseUrl: `${pub.server.url}/api/v3`,
      proBaseUrl: `${refusedUrl()}/api/v3`,
      timeoutMs: 2_000,
      clock,
      fetchFn: (url, init) => {
        sent.push(clock.now());
        return fetch(url, init);
      },
    });
    for (let i = 0; i < 25; i++) await client.ping();
    for (let i = 0; i + 10 < sent.length; i++) {
      assert.ok(
        sent[i + 10] - sent[i] >= MINUTE_MS,
        `11 calls within ${sent[i + 10] - sent[i]} ms`,
      );
    }
  } finally {
    await pub.server.close();
  }
});

Deno.test("an hourly CoinGecko series never stores the still-forming hour", async () => {
  const pub = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const { source } = gecko("public", { pub: pub.server.url });
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin"],
      interval: "1h",
      days: 1,
      nowMs: NOW,
    });
    assert.equal(r.items[0].inserted, 24);
    const c = await store.getCandles({ source: "coingecko", asset: "bitcoin", interval: "1h" });
    // NOW is 12:30: the last complete hour is 11:00, its point is 11:00:23
    assert.equal(c[c.length - 1].ts, NOW - 30 * MINUTE_MS - HOUR_MS);
    assert.equal(
      c[c.length - 1].close,
      priceAt("bitcoin", NOW - 30 * MINUTE_MS - HOUR_MS + 23_000),
    );
  } finally {
    store.close();
    await pub.server.close();
  }
});

function binance(url: string, weightPerMinute = 6000) {
  const clock = new ManualClock(NOW);
  const client = new BinanceClient({
    baseUrl: url,
    timeoutMs: 2_000,
    weightPerMinute,
    backoff: { baseMs: 100, maxMs: 1_000 },
    maxRetryAfterMs: 60_000,
    clock,
    random: () => 0.5,
  });
  return { source: binanceSource(client), clock, client };
}

Deno.test("Binance klines are paged 1000 at a time over a long range, without duplicates", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const { source } = binance(m.server.url);
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin"],
      interval: "1m",
      days: 3,
      nowMs: NOW,
    });
    // 3 days of minutes = 4320 bars -> pages of 1000, 1000, 1000, 1000, 320
    assert.equal(r.items[0].inserted, 4320);
    assert.equal(r.items[0].requests, 5);
    const starts = m.server.requestsTo("/api/v3/klines").map((q) =>
      Number(q.query.get("startTime"))
    );
    // NOW is on a minute boundary: the last complete bar is 12:29, the first 4319 minutes earlier
    const first = NOW - 4320 * MINUTE_MS;
    assert.deepEqual(
      starts,
      [0, 1, 2, 3, 4].map((k) => first + k * 1000 * MINUTE_MS + (k ? 1 - MINUTE_MS : 0)),
    );
    const c = await store.getCandles({ source: "binance", asset: "bitcoin", interval: "1m" });
    assert.equal(new Set(c.map((x) => x.ts)).size, 4320);
    assert.equal(c[c.length - 1].ts, NOW - MINUTE_MS);
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("Binance 429 and 418 with Retry-After: a short wait is honoured, a long ban fails fast", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    m.server.fault(
      (q) => q.query.get("symbol") === "BTCUSDT",
      {
        type: "status",
        status: 429,
        headers: { "retry-after": "5" },
        body: '{"code":-1003,"msg":"Too many requests."}',
      },
    );
    m.server.fault(
      (q) => q.query.get("symbol") === "ETHUSDT",
      {
        type: "status",
        status: 418,
        headers: { "retry-after": "7200" },
        body: '{"code":-1003,"msg":"Way too many requests; IP banned."}',
      },
    );
    const { source, clock } = binance(m.server.url);
    const r = await collectPrices(store, {
      source,
      assets: ["bitcoin", "ethereum"],
      interval: "1d",
      days: 2,
      nowMs: NOW,
    });
    assert.equal(r.items[0].status, "success");
    assert.ok(clock.sleeps.includes(5_000));
    assert.equal(r.items[1].status, "failed");
    assert.match(r.items[1].error!, /asks to wait 7200 s/);
    assert.ok(!clock.sleeps.includes(7_200_000), "a two-hour ban is not slept through");
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("Binance's used-weight header near the budget pauses until the next minute", async () => {
  const m = startMarket({ now: () => NOW });
  try {
    const { client, clock } = binance(m.server.url, 10); // budget 10, safety 80% -> 8
    m.server.setHandler(() => json([], { headers: { "x-mbx-used-weight-1m": "7" } }));
    await client.klines("BTCUSDT", "1m", { startTime: NOW - 60_000 });
    assert.equal(client.usedWeight, 7);
    await client.klines("BTCUSDT", "1m", { startTime: NOW - 60_000 });
    // 7 + 2 > 8: the second request waited until 12:31:00
    assert.ok(
      clock.sleeps.some((s) => s === Date.UTC(2026, 10, 20, 12, 31) - NOW),
      `${clock.sleeps}`,
    );
  } finally {
    await m.server.close();
  }
});

Deno.test("a hole inside the stored window is backfilled with exactly one ranged request", async () => {
  const m = startMarket({ now: () => NOW });
  const store = SqliteStore.open(":memory:");
  try {
    const { source } = binance(m.server.url);
    const key = { source: "binance", asset: "bitcoin", interval: "1h" as const };
    const opts = { source, assets: ["bitcoin"], interval: "1h" as const, days: 1, nowMs: NOW };
    await collectPrices(store, opts);
    const all = await store.getCandles(key);
    // rebuild the store without hours 5..7 of the window, as an interrupted import would leave it
    const holed = SqliteStore.open(":memory:");
    await holed.upsertCandles(key, all.filter((_, i) => i < 5 || i > 7));
    const before = m.server.requests.length;
    const r = await collectPrices(holed, opts);
    assert.equal(r.items[0].inserted, 3);
    const reqs = m.server.requests.slice(before);
    assert.equal(reqs.length, 1);
    assert.equal(Number(reqs[0].query.get("startTime")), all[5].ts);
    assert.equal(Number(reqs[0].query.get("endTime")), all[7].ts);
    assert.deepEqual((await holed.getCandles(key)).map((c) => c.ts), all.map((c) => c.ts));
    holed.close();
  } finally {
    store.close();
    await m.server.close();
  }
});
