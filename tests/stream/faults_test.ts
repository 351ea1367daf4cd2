/**
 * The live stream against local exchanges with injected faults, in-process (so each book's
 * counters, the cache and the store can be inspected): every fault is detected on the message
 * that reveals it, costs the one book it hits one resync, and the books end equal to the servers'.
 */
import assert from "node:assert/strict";
import { resolveConfig } from "../../lib/config/config.ts";
import type { StreamPipeline } from "../../lib/services/stream_pipeline.ts";
import { runLive, type StreamResult } from "../../lib/services/stream_runner.ts";
import { MemoryCache } from "../../lib/storage/memory_cache.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import type { PlanOptions } from "../../lib/streams/plan.ts";
import type { PublishedBook } from "../../lib/streams/published.ts";
import { haveReference, type SimExchange, TcpRelay } from "../helpers/exchange_sim.ts";
import { simEnv, type Sims, startSims } from "./helpers.ts";

const SKIP = !haveReference();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const opts = { ignore: SKIP, sanitizeOps: false, sanitizeResources: false };

async function untilConnected(sims: SimExchange[]): Promise<void> {
  for (let i = 0; i < 200 && sims.some((s) => s.connections === 0); i++) await sleep(25);
  assert.ok(sims.every((s) => s.connections > 0), "never connected");
}

interface Run {
  result: StreamResult;
  pipeline: StreamPipeline;
}

/**
 * Runs the stream in-process until every simulator it uses has sent its updates (then 300 ms
 * more, far below --stale-after), or `maxMs` as a safety net: robust to a slow machine.
 */
async function live(
  sims: Sims,
  plan: Partial<PlanOptions>,
  maxMs: number,
  extra: Partial<Parameters<typeof runLive>[0]> = {},
  env: Record<string, string> = {},
): Promise<Run> {
  const config = resolveConfig({ ...simEnv(sims, "/tmp"), ...env });
  const full: PlanOptions = {
    exchanges: ["binance"],
    markets: ["spot", "perp"],
    symbols: ["BTCUSDT"],
    depth: 20,
    snapshotLimit: 1000,
    staleAfterMs: 15_000,
    ...plan,
  };
  const watch = [
    ...(full.exchanges.includes("binance") && full.markets.includes("spot") ? [sims.spot] : []),
    ...(full.exchanges.includes("binance") && full.markets.includes("perp") ? [sims.perp] : []),
    ...(full.exchanges.includes("bybit") ? [sims.bybit] : []),
  ];
  const ac = new AbortController();
  const poll = setInterval(() => {
    if (!watch.every((x) => x.finished)) return;
    clearInterval(poll);
    setTimeout(() => ac.abort(new Error("the servers finished")), 300);
  }, 50);
  let pipeline: StreamPipeline | undefined;
  try {
    const result = await runLive({
      plan: full,
      config,
      forMs: maxMs,
      signal: ac.signal,
      onTick: (p) => (pipeline = p),
      ...extra,
    });
    assert.equal(result.stoppedBy, "the servers finished", "the run ended before the servers");
    return { result, pipeline: pipeline! };
  } finally {
    clearInterval(poll);
  }
}

function counters(run: Run, id: string) {
  return run.pipeline.engine.sync(id)!.status().counters;
}

/** Asserts the book of the summary equals the simulator's (whole top 20, update id, live). */
function assertSameBook(run: Run, exchange: string, market: string, sim: SimExchange) {
  const b = run.result.summary.books.find((x) => x.exchange === exchange && x.market === market)!;
  const server = sim.books.get(b.symbol)!;
  const num = (l: [string, string][]) => l.slice(0, 20).map(([p, q]) => [Number(p), Number(q)]);
  assert.equal(b.state, "live", `${exchange} ${market} state`);
  assert.equal(b.updateId, server.id, `${exchange} ${market} update id`);
  assert.deepEqual(b.bids, num(server.levels("bid")), `${exchange} ${market} bids`);
  assert.deepEqual(b.asks, num(server.levels("ask")), `${exchange} ${market} asks`);
  return b;
}

Deno.test({
  ...opts,
  name:
    "Binance: duplicate dropped, out-of-order and gap and crossed resync one book each, an old snapshot and a 429 are retried; resyncs stored, books published",
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 160, seed: 11 });
    const dir = await Deno.makeTempDir();
    const store = SqliteStore.open(`${dir}/mts.db`);
    const cache = new MemoryCache({ ttlSeconds: 60 });
    const heard: PublishedBook[] = [];
    await cache.subscribe("mts:book:binance:spot:BTCUSDT", (m) => heard.push(m as PublishedBook));
    try {
      const running = live(sims, {}, 30_000, { cache, books: store, snapshotEveryMs: 500 });
      await untilConnected([sims.spot, sims.perp]);
      await sleep(600);
      sims.spot.faults.push({ type: "duplicate", symbol: "BTCUSDT" });
      sims.perp.faults.push({ type: "duplicate", symbol: "BTCUSDT" });
      await sleep(300);
      sims.spot.faults.push({ type: "outOfOrder", symbol: "BTCUSDT" });
      await sleep(700);
      sims.spot.faults.push({ type: "oldSnapshot" }, { type: "gap", symbol: "BTCUSDT" });
      sims.perp.faults.push(
        { type: "status", status: 429, count: 1, retryAfterS: 1 },
        { type: "gap", symbol: "BTCUSDT" },
      );
      await sleep(1_500);
      sims.spot.faults.push({ type: "crossed", symbol: "BTCUSDT" });
      const run = await running;
      assert.ok(sims.spot.finished && sims.perp.finished);
      const spot = assertSameBook(run, "binance", "spot", sims.spot);
      const perp = assertSameBook(run, "binance", "perp", sims.perp);
      assert.equal(spot.resyncs, 3, "out-of-order, gap, crossed");
      assert.equal(perp.resyncs, 1, "gap");
      const cs = counters(run, "binance:spot:BTCUSDT");
      assert.ok(cs.duplicates >= 1, "the duplicate was dropped as already applied");
      assert.equal(cs.crossed, 1);
      assert.ok(cs.snapshotsDiscarded >= 1, "the old snapshot was discarded");
      assert.ok(run.result.summary.stats.snapshotFailures >= 1, "the 429 was a failed snapshot");
      assert.ok(counters(run, "binance:perp:BTCUSDT").duplicates >= 1);
      // storage: one row per resync, each with its duration
      const rows = await store.listResyncs({ exchange: "binance" });
      assert.deepEqual(
        rows.map((r) => `${r.market}:${r.reason}`).sort(),
        ["perp:gap", "spot:crossed", "spot:gap", "spot:gap"],
      );
      assert.ok(rows.every((r) => r.durationMs !== undefined && r.durationMs >= 0));
      // the 429's Retry-After (1 s) delayed the perp rebuild
      assert.ok(rows.find((r) => r.market === "perp")!.durationMs! >= 1_000);
      // --snapshot-every: top-20 snapshots of the live books, each at its update id
      const snaps = await store.listBookSnapshots({ market: "spot" });
      assert.ok(snaps.length >= 3, `${snaps.length} snapshots`);
      assert.ok(snaps.every((x) => x.bids.length > 0 && x.bids.length <= 20 && x.updateId > 0));
      // the cache holds the final book, and its changes were published on the channel
      const cached = await cache.get<PublishedBook>("mts:book:binance:spot:BTCUSDT");
      assert.equal(cached?.updateId, spot.updateId);
      assert.deepEqual(cached?.bids, spot.bids);
      assert.equal(cached?.state, "live");
      assert.ok(heard.length > 10, `published ${heard.length} times`);
      assert.deepEqual(await cache.get("mts:books"), [
        "binance:spot:BTCUSDT",
        "binance:perp:BTCUSDT",
      ]);
    } finally {
      store.close();
      await cache.close();
      await sims.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name:
    "Bybit: u = 1 restart, a crossed delta and a repeated delta each resync the book they hit; books end equal",
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 140, seed: 5 });
    try {
      // NOPEUSDT: Bybit refuses the subscription, naming the topic; the other books stream on
      const running = live(
        sims,
        { exchanges: ["bybit"], symbols: ["BTCUSDT", "NOPEUSDT"] },
        30_000,
      );
      await untilConnected([sims.bybit]);
      await sleep(600);
      sims.bybit.faults.push({ type: "restart", symbol: "BTCUSDT" });
      await sleep(600);
      sims.bybit.faults.push({ type: "crossed", symbol: "BTCUSDT" });
      await sleep(600);
      sims.bybit.faults.push({ type: "duplicate", symbol: "BTCUSDT" });
      const run = await running;
      assert.ok(sims.bybit.finished);
      for (const market of ["spot", "perp"]) {
        const b = assertSameBook(run, "bybit", market, sims.bybit);
        assert.equal(b.resyncs, 3, `${market}: restart, crossed, backwards`);
      }
      assert.equal(counters(run, "bybit:spot:BTCUSDT").crossed, 1);
      assert.equal(run.result.summary.stats.exchangeErrors, 2, "one refused subscribe per market");
      assert.equal(run.result.summary.stats.unknownSymbols, 2, "NOPEUSDT on spot and linear");
      for (const b of run.result.summary.books.filter((x) => x.symbol === "NOPEUSDT")) {
        assert.equal(b.state, "unknown-symbol");
        assert.match(b.error ?? "", /NOPEUSDT/);
        assert.deepEqual([b.bids, b.asks, b.updateId], [[], [], null]);
      }
      const funding = run.result.summary.funding;
      assert.equal(funding.length, 1, "funding of BTCUSDT only");
      assert.equal(funding[0].intervalHours, 8);
    } finally {
      await sims.close();
    }
  },
});

Deno.test({
  ...opts,
  name:
    "connections: serverShutdown and a silent server reconnect (one resync each), a drop reconnects with backoff; books end equal",
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 260, seed: 3 });
    sims.perp.maxUpdates = 110; // its 3 s of silence (150 ticks) do not count
    try {
      const running = live(sims, { exchanges: ["binance", "bybit"], staleAfterMs: 2_000 }, 30_000);
      await untilConnected([sims.spot, sims.perp, sims.bybit]);
      await sleep(600);
      sims.spot.faults.push({ type: "serverShutdown" });
      sims.perp.faults.push({ type: "silence", ms: 3_000 });
      sims.bybit.faults.push({ type: "drop" });
      const run = await running;
      assert.ok(sims.spot.finished && sims.perp.finished && sims.bybit.finished);
      assertSameBook(run, "binance", "spot", sims.spot);
      assertSameBook(run, "binance", "perp", sims.perp);
      const books = run.result.summary.books;
      assert.deepEqual(books.map((b) => b.resyncs), [1, 1, 1, 1]);
      const stats = run.result.summary.stats;
      assert.equal(stats.serverShutdowns, 1);
      assert.equal(stats.reconnects, 4);
      assert.equal(sims.perp.connections, 2, "the silent connection was replaced");
    } finally {
      await sims.close();
    }
  },
});

Deno.test({
  ...opts,
  name: "a Binance connection replaced before its age limit hands over without a gap or a resync",
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 180, seed: 9 });
    try {
      const run = await live(sims, { markets: ["spot", "perp"] }, 30_000, {
        maxConnectionAgeMs: 1_200,
      });
      assertSameBook(run, "binance", "spot", sims.spot);
      assertSameBook(run, "binance", "perp", sims.perp);
      const stats = run.result.summary.stats;
      assert.ok(stats.handovers >= 4, `handovers ${stats.handovers}`);
      assert.equal(stats.reconnects, 0);
      assert.deepEqual(run.result.summary.books.map((b) => b.resyncs), [0, 0]);
      assert.ok(counters(run, "binance:spot:BTCUSDT").duplicates > 0, "overlap frames dropped");
      assert.ok(sims.spot.connections >= 3);
    } finally {
      await sims.close();
    }
  },
});

Deno.test({
  ...opts,
  name:
    "an abrupt network drop (no close frame: not clean) reconnects with one resync; the book ends equal",
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 150, seed: 13 });
    const relay = new TcpRelay({
      hostname: "127.0.0.1",
      port: Number(new URL(sims.spot.url).port),
    });
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/drop.jsonl`;
      const running = live(sims, { markets: ["spot"] }, 30_000, { record: { path } }, {
        BINANCE_WS_URL: relay.wsUrl,
      });
      await untilConnected([sims.spot]);
      await sleep(700);
      relay.cut();
      const run = await running;
      const b = assertSameBook(run, "binance", "spot", sims.spot);
      assert.equal(b.resyncs, 1);
      assert.equal(relay.accepted, 2, "reconnected through the relay");
      const closes = (await Deno.readTextFile(path)).split("\n").filter(Boolean).map((l) =>
        JSON.parse(l)
      ).filter((e) => e.t === "close");
      assert.equal(closes.length, 1);
      assert.equal(closes[0].clean, false, `close ${JSON.stringify(closes[0])}`);
      assert.ok([0, 1006].includes(closes[0].code), `code ${closes[0].code}`);
    } finally {
      relay.close();
      await sims.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
