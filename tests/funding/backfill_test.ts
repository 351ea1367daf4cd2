/**
 * The funding backfill against local Binance and Bybit funding servers in their wire formats:
 * paging on both (forward by startTime, backwards by endTime), an interval change mid-history,
 * exact decimal strings, idempotent and incremental runs, and faults (429 + Retry-After, 5xx, a
 * malformed row, an empty history, a missing settlement).
 */
import assert from "node:assert/strict";
import { BinanceFundingClient } from "../../lib/clients/binance/funding_client.ts";
import { BybitClient } from "../../lib/clients/bybit/client.ts";
import { resolveConfig } from "../../lib/config/config.ts";
import { DAY_MS } from "../../lib/core/time.ts";
import { backfillFunding, type FundingClients } from "../../lib/services/funding_backfill.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { H, type Settlement, settlements, startFundingMarket } from "./exchange_fixture.ts";

const T0 = Date.UTC(2026, 0, 1);
/** Ten days and two hours after T0: the 10-day window starts at T0 + 2 h. */
const NOW = T0 + 10 * DAY_MS + 2 * H;
const signal = new AbortController().signal;

function clients(url: string, pages: { binance?: number; bybit?: number } = {}): FundingClients {
  const common = { timeoutMs: 5_000, backoff: { baseMs: 10, maxMs: 50 }, random: () => 0.5 };
  return {
    binance: new BinanceFundingClient({ ...common, baseUrl: url, pageLimit: pages.binance }),
    bybit: new BybitClient({ ...common, baseUrl: url, pageLimit: pages.bybit }),
  };
}

/** Binance BTCUSDT: 8 h from T0 for six days, then 4 h through T0 + 10 d. */
function binanceBtc(): Settlement[] {
  return [
    ...settlements(T0, T0 + 6 * DAY_MS, 8),
    ...settlements(T0 + 6 * DAY_MS, T0 + 10 * DAY_MS + 1, 4, 18),
  ];
}

Deno.test("backfill pages both exchanges, keeps the wire's decimals and reads the 8 h → 4 h change from the history", async () => {
  const m = startFundingMarket();
  const store = SqliteStore.open(":memory:");
  try {
    m.binance.set("BTCUSDT", binanceBtc());
    m.binanceInfo.set("BTCUSDT", 4);
    m.bybit.set("BTCUSDT", settlements(T0, T0 + 10 * DAY_MS + 1, 8, 100));
    m.bybitInterval.set("BTCUSDT", 8);
    const r = await backfillFunding(store, {
      exchanges: ["binance", "bybit"],
      symbols: ["BTCUSDT"],
      days: 10,
      nowMs: NOW,
      signal,
      clients: clients(m.server.url, { binance: 5, bybit: 4 }),
      clock: () => NOW + 1,
    });
    assert.equal(r.status, "success", r.error);
    // Binance: T0 is before the window; 8 h settlements from T0+8h to T0+6d (18), then 4 h ones
    // from T0+6d+4h to T0+10d (4 days × 6 = 24)
    const bin = await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" });
    assert.equal(bin.length, 42);
    assert.deepEqual(bin.map((o) => o.intervalHours), [
      ...Array(18).fill(8),
      ...Array(24).fill(4),
    ]);
    assert.equal(bin[0].fundingTimeMs, T0 + 8 * H);
    assert.equal(bin[17].fundingTimeMs, T0 + 6 * DAY_MS);
    assert.equal(bin[41].fundingTimeMs, T0 + 10 * DAY_MS);
    // exactly the strings the server sent, in order
    const sent = binanceBtc().filter((s) => s.t >= T0 + 2 * H);
    assert.deepEqual(bin.map((o) => [o.rate, o.markPrice]), sent.map((s) => [s.rate, s.mark]));
    assert.equal(bin[0].rate, "0.00010037", "row 1 of the generated history: 0.0001 + 37e-8");
    assert.equal(bin[2].rate, "-0.00010111", "row 3: every third rate is negative");
    assert.ok(bin.every((o) => o.source === "rest" && o.receivedAtMs === NOW + 1));
    // 42 rows in pages of 5: eight full pages and one of 2, plus one fundingInfo
    const [binItem, bybItem] = r.items;
    assert.equal(m.server.requestsTo("/fapi/v1/fundingRate").length, 9);
    assert.equal(m.server.requestsTo("/fapi/v1/fundingInfo").length, 1);
    assert.equal(binItem.requests, 10);
    // each page starts one ms after the newest settlement of the page before
    const starts = m.server.requestsTo("/fapi/v1/fundingRate").map((q) =>
      Number(q.query.get("startTime"))
    );
    assert.deepEqual(starts.slice(0, 2), [T0 + 2 * H, T0 + 5 * 8 * H + 1]);
    // Bybit: 8 h from T0+8h to T0+10d = 30 settlements, paged backwards 4 at a time: 7 full + 1
    const byb = await store.listFunding({ exchange: "bybit", symbol: "BTCUSDT" });
    assert.equal(byb.length, 30);
    assert.ok(byb.every((o) => o.intervalHours === 8 && o.markPrice === null));
    const ends = m.server.requestsTo("/v5/market/funding/history").map((q) =>
      Number(q.query.get("endTime"))
    );
    assert.equal(ends.length, 8);
    assert.deepEqual(ends.slice(0, 2), [NOW, T0 + 10 * DAY_MS - 3 * 8 * H - 1]);
    assert.equal(bybItem.requests, 9);
    assert.deepEqual([r.rowsWritten, r.requests, r.gaps], [72, 19, 0]);
    const [run] = await store.listRuns({ task: "funding" });
    assert.equal(run.status, "success");
    assert.equal(run.rowsWritten, 72);
    assert.deepEqual(run.items.map((i) => [i.source, i.subject, i.rowsWritten]), [
      ["binance", "BTCUSDT", 42],
      ["bybit", "BTCUSDT", 30],
    ]);
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("a second run writes nothing and asks nothing; a later run asks only for what is newer", async () => {
  const m = startFundingMarket();
  const store = SqliteStore.open(":memory:");
  try {
    m.binance.set("BTCUSDT", binanceBtc());
    m.bybit.set("BTCUSDT", settlements(T0, T0 + 10 * DAY_MS + 1, 8, 100));
    m.bybitInterval.set("BTCUSDT", 8);
    const o = { exchanges: ["binance", "bybit"], symbols: ["BTCUSDT"], days: 10, signal };
    await backfillFunding(store, { ...o, nowMs: NOW, clients: clients(m.server.url) });
    const before = await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" });
    const sentBefore = m.server.requests.length;
    // same time again: the last settlements (4 h and 8 h ago at most) have no successor yet
    const again = await backfillFunding(store, {
      ...o,
      nowMs: NOW,
      clients: clients(m.server.url),
    });
    assert.deepEqual([again.status, again.rowsWritten, again.requests], ["success", 0, 0]);
    assert.equal(m.server.requests.length, sentBefore, "no request at all");
    assert.deepEqual(await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" }), before);

    // nine hours later Binance has settled twice more (4 h), Bybit once (8 h)
    m.binance.get("BTCUSDT")!.push(
      { t: T0 + 10 * DAY_MS + 4 * H, rate: "0.00012345", mark: "61000.5" },
      { t: T0 + 10 * DAY_MS + 8 * H, rate: "-0.00000001", mark: "61001" },
    );
    m.bybit.get("BTCUSDT")!.push({ t: T0 + 10 * DAY_MS + 8 * H, rate: "0.0001", mark: "" });
    const later = NOW + 7 * H;
    const mark = m.server.requests.length;
    const third = await backfillFunding(store, {
      ...o,
      nowMs: later,
      clients: clients(m.server.url),
    });
    assert.equal(third.status, "success", third.error);
    assert.deepEqual(third.items.map((i) => [i.exchange, i.inserted, i.updated]), [
      ["binance", 2, 0],
      ["bybit", 1, 0],
    ]);
    const asked = m.server.requests.slice(mark);
    const binAsk = asked.filter((q) => q.path === "/fapi/v1/fundingRate");
    assert.equal(binAsk.length, 1);
    assert.equal(Number(binAsk[0].query.get("startTime")), T0 + 10 * DAY_MS + 1);
    const bybAsk = asked.filter((q) => q.path === "/v5/market/funding/history");
    assert.equal(bybAsk.length, 1);
    assert.equal(Number(bybAsk[0].query.get("startTime")), T0 + 10 * DAY_MS + 1);
    const after = await store.listFunding({
      exchange: "binance",
      symbol: "BTCUSDT",
      fromMs: T0 + 10 * DAY_MS,
    });
    assert.deepEqual(after.map((x) => [x.rate, x.intervalHours]), [
      [before[before.length - 1].rate, 4],
      ["0.00012345", 4],
      ["-0.00000001", 4],
    ]);
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("429 with Retry-After and a 5xx are retried; a malformed row fails only its symbol, naming the field", async () => {
  const m = startFundingMarket();
  const store = SqliteStore.open(":memory:");
  try {
    const hist = settlements(T0 + 8 * DAY_MS, T0 + 10 * DAY_MS + 1, 8);
    m.binance.set("BTCUSDT", hist);
    m.binance.set("ETHUSDT", [
      // the documented example row, exactly
      { t: T0 + 9 * DAY_MS, rate: "-0.03750000", mark: "34287.54619963" },
      ...settlements(T0 + 9 * DAY_MS + 8 * H, T0 + 10 * DAY_MS + 1, 8),
    ]);
    m.binance.set("SOLUSDT", hist);
    m.binanceRowHook = (row, symbol) =>
      symbol === "SOLUSDT" && row.fundingTime === T0 + 9 * DAY_MS
        ? { ...row, fundingRate: 0.0001 }
        : row;
    m.bybit.set("BTCUSDT", hist);
    m.bybit.set("ETHUSDT", []);
    m.bybit.set("SOLUSDT", hist);
    for (const s of ["BTCUSDT", "ETHUSDT", "SOLUSDT"]) m.bybitInterval.set(s, 8);
    m.server.fault("/fapi/v1/fundingRate", {
      type: "status",
      status: 429,
      body:
        '{"code":-1003,"msg":"Too many requests; current limit of IP is 500 requests per 5 minutes."}',
      headers: { "retry-after": "1" },
    });
    m.server.fault("/v5/market/funding/history", {
      type: "status",
      status: 502,
      body: "bad gateway",
    });
    const started = Date.now();
    const r = await backfillFunding(store, {
      exchanges: ["binance", "bybit"],
      symbols: ["BTCUSDT", "ETHUSDT", "SOLUSDT"],
      days: 3,
      nowMs: NOW,
      signal,
      clients: clients(m.server.url),
    });
    assert.ok(Date.now() - started >= 950, "waited the Retry-After second");
    assert.equal(r.status, "partial");
    const by = Object.fromEntries(r.items.map((i) => [`${i.exchange}:${i.symbol}`, i]));
    assert.equal(by["binance:BTCUSDT"].status, "success");
    assert.equal(by["binance:BTCUSDT"].inserted, 7, "T0+8d .. T0+10d every 8 h");
    assert.equal(by["binance:BTCUSDT"].requests, 3, "fundingInfo, the 429, the retry");
    assert.equal(by["bybit:BTCUSDT"].requests, 3, "instruments-info, the 502, the retry");
    assert.equal(by["bybit:BTCUSDT"].inserted, 7);
    assert.equal(by["binance:SOLUSDT"].status, "failed");
    assert.match(
      by["binance:SOLUSDT"].error!,
      /^binance \/fapi\/v1\/fundingRate\?symbol=SOLUSDT&startTime=\d+&endTime=\d+&limit=1000: invalid payload: field \[3\]\.fundingRate: /,
    );
    assert.deepEqual(
      await store.listFunding({ exchange: "binance", symbol: "SOLUSDT" }),
      [],
      "nothing of the bad symbol is kept",
    );
    assert.equal(by["bybit:SOLUSDT"].inserted, 7, "the same symbol on the other exchange is fine");
    // an empty history is a success with nothing written, not a failure
    assert.deepEqual(
      [by["bybit:ETHUSDT"].status, by["bybit:ETHUSDT"].fetched, by["bybit:ETHUSDT"].requests],
      ["success", 0, 2],
    );
    const eth = await store.listFunding({ exchange: "binance", symbol: "ETHUSDT" });
    assert.deepEqual([eth[0].rate, eth[0].markPrice], ["-0.03750000", "34287.54619963"]);
    const [run] = await store.listRuns({ task: "funding" });
    assert.equal(run.status, "partial");
    assert.match(run.error ?? "", /^binance SOLUSDT: /);
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("a page boundary exactly at the limit asks one more (empty) page; a missing settlement is a gap, never a 0", async () => {
  const m = startFundingMarket();
  const store = SqliteStore.open(":memory:");
  try {
    // 30 Bybit settlements in the window, pages of 5: six full pages, then an empty one
    m.bybit.set("BTCUSDT", settlements(T0, T0 + 10 * DAY_MS + 1, 8));
    m.bybitInterval.set("BTCUSDT", 8);
    // Binance 4 h history with the settlement at T0+9d missing; XRPUSDT alone in its window and
    // absent from fundingInfo (so 8 h, Binance's default); ADAUSDT alone and listed at 4 h
    const four = settlements(T0 + 8 * DAY_MS, T0 + 10 * DAY_MS + 1, 4)
      .filter((s) => s.t !== T0 + 9 * DAY_MS);
    m.binance.set("BTCUSDT", four);
    m.binance.set("XRPUSDT", [{ t: T0 + 10 * DAY_MS, rate: "0.00005000", mark: "0.5123" }]);
    m.binance.set("ADAUSDT", [{ t: T0 + 10 * DAY_MS, rate: "0.00002500", mark: "" }]);
    m.binanceInfo.set("ADAUSDT", 4);
    const r = await backfillFunding(store, {
      exchanges: ["bybit", "binance"],
      symbols: ["BTCUSDT"],
      days: 10,
      nowMs: NOW,
      signal,
      clients: clients(m.server.url, { bybit: 5 }),
    });
    assert.equal(r.status, "success", r.error);
    assert.equal(m.server.requestsTo("/v5/market/funding/history").length, 7);
    assert.equal((await store.listFunding({ exchange: "bybit", symbol: "BTCUSDT" })).length, 30);
    const bin = r.items.find((i) => i.exchange === "binance")!;
    assert.deepEqual(bin.gaps, [{
      afterMs: T0 + 9 * DAY_MS - 4 * H,
      beforeMs: T0 + 9 * DAY_MS + 4 * H,
      missing: 1,
      intervalHours: 4,
    }]);
    const rows = await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" });
    assert.equal(rows.length, 12, "T0+8d..T0+10d every 4 h is 13, one missing");
    assert.ok(rows.every((o) => o.intervalHours === 4));
    assert.ok(!rows.some((o) => o.fundingTimeMs === T0 + 9 * DAY_MS), "no row made up");
    const [issue] = await store.listQualityIssues({ kind: "funding_gap" });
    assert.equal(issue.source, "binance:perp");
    assert.equal(issue.subject, "BTCUSDT");
    assert.equal(issue.ts, T0 + 9 * DAY_MS);
    assert.equal(issue.missingBars, 1);

    const single = await backfillFunding(store, {
      exchanges: ["binance"],
      symbols: ["XRPUSDT", "ADAUSDT"],
      days: 1,
      nowMs: NOW,
      signal,
      clients: clients(m.server.url),
    });
    assert.equal(single.status, "success", single.error);
    const [xrp] = await store.listFunding({ exchange: "binance", symbol: "XRPUSDT" });
    const [ada] = await store.listFunding({ exchange: "binance", symbol: "ADAUSDT" });
    assert.deepEqual([xrp.intervalHours, xrp.markPrice], [8, "0.5123"]);
    assert.deepEqual([ada.intervalHours, ada.markPrice], [4, null]);
  } finally {
    store.close();
    await m.server.close();
  }
});

Deno.test("unknown exchanges and missing clients are refused before any request", async () => {
  const store = SqliteStore.open(":memory:");
  try {
    const base = { symbols: ["BTCUSDT"], days: 1, nowMs: NOW, signal };
    await assert.rejects(
      backfillFunding(store, { ...base, exchanges: ["okx"], config: resolveConfig({}) }),
      /unknown exchange "okx" \(known: binance, bybit\)/,
    );
    await assert.rejects(
      backfillFunding(store, { ...base, exchanges: ["binance"] }),
      /needs `clients` or `config`/,
    );
    await assert.rejects(
      backfillFunding(store, {
        ...base,
        exchanges: ["binance"],
        days: 0,
        config: resolveConfig({}),
      }),
      /days must be > 0/,
    );
    assert.deepEqual(await store.listRuns({ task: "funding" }), []);
  } finally {
    store.close();
  }
});

Deno.test("an unknown symbol fails with the exchange's own message; an aborted run skips what is left", async () => {
  const m = startFundingMarket();
  const store = SqliteStore.open(":memory:");
  try {
    m.bybitInterval.set("NOPEUSDT", 8); // listed, but the history endpoint refuses it
    const r = await backfillFunding(store, {
      exchanges: ["binance", "bybit"],
      symbols: ["NOPEUSDT"],
      days: 1,
      nowMs: NOW,
      signal,
      clients: clients(m.server.url),
    });
    assert.equal(r.status, "failed");
    assert.match(r.items[0].error!, /Binance error -1121: Invalid symbol\./);
    assert.match(r.items[0].error!, /symbol=NOPEUSDT/);
    assert.match(r.items[1].error!, /Bybit error 10001: params error: symbol invalid/);
    assert.match(r.items[1].error!, /symbol=NOPEUSDT/);

    const stop = new AbortController();
    stop.abort(new Error("interrupted by SIGTERM"));
    const aborted = await backfillFunding(store, {
      exchanges: ["binance"],
      symbols: ["BTCUSDT", "ETHUSDT"],
      days: 1,
      nowMs: NOW,
      signal: stop.signal,
      clients: clients(m.server.url),
    });
    assert.equal(aborted.status, "failed");
    assert.equal(aborted.error, "interrupted: interrupted by SIGTERM");
    assert.deepEqual(aborted.items.map((i) => i.status), ["skipped", "skipped"]);
    const [run] = await store.listRuns({ task: "funding" });
    assert.equal(run.status, "failed");
  } finally {
    store.close();
    await m.server.close();
  }
});
