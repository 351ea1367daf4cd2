/**
 * `deno task arbitrage` as a user runs it: following books published on a real redis-server (the
 * PublishedBook messages `deno task stream` sends) with a webhook on a local HTTP server, and over
 * a recording. The books cross by a known amount:
 *
 *   Binance spot asks 0.5 @ 30,000 and 1 @ 30,010 (taker 0.001)
 *   Bybit perp bids   0.3 @ 30,100 and 1 @ 30,060 (taker 0.00055)
 *
 *   u = bid × 0.99945 − ask × 1.001 per BTC:
 *     0.3 @ 30,000 / 30,100: 30,083.445 − 30,030    = 53.445
 *     0.2 @ 30,000 / 30,060: 30,043.467 − 30,030    = 13.467
 *     0.8 @ 30,010 / 30,060: 30,043.467 − 30,040.01 =  3.457
 *     (the next BTC at 30,010 has no bid left)          → size 1.3
 *   buy notional 0.5 × 30,000 + 0.8 × 30,010 = 39,008 → VWAP 30,006.1538461538
 *   sell notional 0.3 × 30,100 + 1 × 30,060   = 39,090 → VWAP 30,069.2307692308
 *   net 0.3 × 53.445 + 0.2 × 13.467 + 0.8 × 3.457 = 21.4925 → 21.4925 / 39,008 = 5.5098 bps
 *   (above --min-net-bps 5: the walk keeps the whole crossing)
 */
import assert from "node:assert/strict";
import { RedisCache } from "../../lib/storage/redis_cache.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { ARBITRAGE_CHANNEL, bookCacheKey } from "../../lib/streams/published.ts";
import type { PublishedBook } from "../../lib/streams/published.ts";
import { testRedis } from "../helpers/redis.ts";
import { book } from "./books.ts";
import { ArbitrageProcess, ROOT, runTask } from "./process.ts";

const EXPECTED = {
  size: 1.3,
  notional: 39008,
  buyVwap: 30006.1538461538,
  sellVwap: 30069.2307692308,
  netAmount: 21.4925,
  netBps: 5.5098,
};

type Levels = { bids: readonly (readonly number[])[]; asks: readonly (readonly number[])[] };
const SPOT: Levels = { bids: [[29_990, 1]], asks: [[30_000, 0.5], [30_010, 1]] };
const CROSSING_PERP: Levels = { bids: [[30_100, 0.3], [30_060, 1]], asks: [[30_110, 2]] };
const CALM_PERP: Levels = { bids: [[29_995, 2]], asks: [[30_005, 2]] };

function levels(l: Levels) {
  return {
    bids: l.bids.map(([p, q]) => [p, q] as const),
    asks: l.asks.map(([p, q]) => [p, q] as const),
  };
}

function sandbox() {
  const dir = `data/test-arbitrage-${crypto.randomUUID().slice(0, 8)}`;
  return {
    dir,
    env: { DATABASE_PATH: `${dir}/mts.db`, DATA_DIR: dir },
    cleanup: () => Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {}),
  };
}

function checkOpened(e: Record<string, unknown>) {
  const buy = e.buy as Record<string, unknown>, sell = e.sell as Record<string, unknown>;
  assert.equal(e.size, EXPECTED.size);
  assert.equal(e.notional, EXPECTED.notional);
  assert.equal(buy.vwap, EXPECTED.buyVwap);
  assert.equal(sell.vwap, EXPECTED.sellVwap);
  assert.equal(e.netAmount, EXPECTED.netAmount);
  assert.equal(e.netBps, EXPECTED.netBps);
  assert.equal(buy.exchange, "binance");
  assert.equal(sell.market, "perp");
}

/** A local webhook that fails its first request with a 500, then takes everything. */
function webhookServer() {
  const bodies: Record<string, unknown>[] = [];
  let calls = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    calls++;
    const body = await req.json();
    if (calls === 1) return new Response("busy", { status: 500 });
    bodies.push(body);
    return new Response(null, { status: 204 });
  });
  return { bodies, calls: () => calls, port: server.addr.port, close: () => server.shutdown() };
}

Deno.test("arbitrage --from-cache: alerts from books on Redis; stored, published, posted, closed", async () => {
  const redis = await testRedis({ own: true });
  if (!redis) return;
  const box = sandbox();
  const hook = webhookServer();
  const pub = await RedisCache.connect(redis.url, { ttlSeconds: 60 });
  const seen: Record<string, unknown>[] = [];
  const unsubscribe = await pub.subscribe(ARBITRAGE_CHANNEL, (m) => seen.push(m as never));
  let u = 100;
  const send = async (b: PublishedBook) => {
    await pub.set(bookCacheKey(b), b);
    await pub.publish(bookCacheKey(b), b);
  };
  const publish = async (perp: Levels) => {
    const now = Date.now();
    u++;
    await send(book("binance", "spot", "BTCUSDT", levels(SPOT), { atMs: now, updateId: u }));
    await send(book("bybit", "perp", "BTCUSDT", levels(perp), { atMs: now, updateId: u }));
  };
  const task = new ArbitrageProcess(
    ["--from-cache", "--symbols", "BTCUSDT", "--json", "--min-duration", "2"],
    {
      ...box.env,
      REDIS_URL: redis.url,
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${hook.port}/hooks/SECRET-TOKEN-123`,
    },
  );
  try {
    const opened = await task.waitFor(
      (e) => e.event === "opened",
      30_000,
      () => publish(CROSSING_PERP),
    );
    checkOpened(opened);
    const closed = await task.waitFor(
      (e) => e.event === "closed",
      10_000,
      () => publish(CALM_PERP),
    );
    assert.equal(closed.id, opened.id);
    assert.equal(closed.reason, "edge");
    task.child.kill("SIGTERM");
    const end = await task.exit();
    assert.equal(end.code, 0, end.stderr);
    assert.doesNotMatch(end.stderr, /SECRET-TOKEN/);
    // one opportunity: opened once, closed once
    const events = task.events().filter((e) => e.id === opened.id).map((e) => e.event);
    assert.equal(events.filter((e) => e === "opened").length, 1);
    assert.equal(events.filter((e) => e === "closed").length, 1);
    // SQLite
    const store = SqliteStore.open(`${ROOT}${box.dir}/mts.db`);
    const [row] = await store.listArbitrageOpportunities();
    store.close();
    assert.equal(row.id, opened.id);
    assert.equal(row.closeReason, "edge");
    assert.equal(row.openNetBps, EXPECTED.netBps);
    assert.equal(row.durationMs, closed.durationMs);
    // the channel and the webhook (its first attempt failed with a 500 and was retried)
    assert.deepEqual(seen.filter((e) => e.id === opened.id).map((e) => e.event).slice(0, 1), [
      "opened",
    ]);
    assert.ok(seen.some((e) => e.id === opened.id && e.event === "closed"));
    assert.ok(hook.calls() >= 3, `webhook calls ${hook.calls()}`);
    assert.deepEqual(hook.bodies.map((b) => b.event).filter((e) => e !== "updated"), [
      "opened",
      "closed",
    ]);
    checkOpened(hook.bodies[0]);
  } finally {
    if (!task.child.pid) task.child.kill();
    await unsubscribe();
    await pub.close();
    await hook.close();
    await redis.stop();
    await box.cleanup();
  }
});

function recording(): string {
  const t0 = Date.UTC(2026, 0, 5, 12);
  const b = (m: "spot" | "perp", l: Levels, t: number, u: number) =>
    JSON.stringify(
      m === "spot"
        ? book("binance", "spot", "BTCUSDT", levels(l), { atMs: t0 + t, updateId: u })
        : book("bybit", "perp", "BTCUSDT", levels(l), { atMs: t0 + t, updateId: u }),
    );
  return [
    b("spot", SPOT, 0, 1),
    b("perp", CALM_PERP, 10, 1),
    b("perp", CROSSING_PERP, 100, 2),
    b("perp", CROSSING_PERP, 200, 3), // second crossing update: opens at +200
    b("spot", SPOT, 250, 2),
    b("perp", CROSSING_PERP, 320, 4), // +100 ms after the alert: still executable
    b("perp", CALM_PERP, 400, 5), // closes
    b("spot", SPOT, 500, 3),
  ].join("\n") + "\n";
}

Deno.test("arbitrage --replay: the same alerts every time, scored with --evaluate", async () => {
  const box = sandbox();
  try {
    await Deno.mkdir(`${ROOT}${box.dir}`, { recursive: true });
    await Deno.writeTextFile(`${ROOT}${box.dir}/books.jsonl`, recording());
    const args = ["--replay", `${box.dir}/books.jsonl`, "--json"];
    const first = await runTask([...args, "--evaluate", "--latency", "100ms"], box.env);
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stdout.split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.event), ["opened", "closed", "evaluated"]);
    checkOpened(lines[0]);
    assert.equal(lines[0].openedAt, "2026-01-05T12:00:00.200Z");
    assert.equal(lines[1].durationMs, 200);
    assert.equal(lines[2].executable, true);
    assert.equal(lines[2].netBps, EXPECTED.netBps);
    const again = await runTask([...args, "--evaluate", "--latency", "100ms"], box.env);
    assert.equal(again.stdout, first.stdout, "a replay reproduces its alerts exactly");
    // stored once: replaying again changes nothing
    const store = SqliteStore.open(`${ROOT}${box.dir}/mts.db`);
    const rows = await store.listArbitrageOpportunities();
    store.close();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].events, 2);
    assert.equal(rows[0].source, "replay");
    // with latency 250 ms the books at +450 no longer cross: not executable
    const late = await runTask(
      [...args, "--evaluate", "--latency", "250ms", "--no-store"],
      box.env,
    );
    const verdict = late.stdout.split("\n").map((l) => JSON.parse(l)).at(-1);
    assert.equal(verdict.event, "evaluated");
    assert.equal(verdict.executable, false);
    assert.equal(verdict.reason, "sell price");
    assert.equal(verdict.sellVwap, 29_995);
  } finally {
    await box.cleanup();
  }
});

Deno.test("arbitrage: bad input is one line naming what and where, nothing stored", async () => {
  const box = sandbox();
  try {
    await Deno.mkdir(`${ROOT}${box.dir}`, { recursive: true });
    await Deno.writeTextFile(`${ROOT}${box.dir}/bad.jsonl`, recording() + "{not json\n");
    const bad = await runTask(["--replay", `${box.dir}/bad.jsonl`], box.env);
    assert.equal(bad.code, 1, "a bad file is a data error");
    assert.match(bad.stderr, /bad\.jsonl:9: not JSON/);
    assert.equal(bad.stdout, "");
    const exchange = await runTask(["--exchanges", "kraken"], box.env);
    assert.equal(exchange.code, 2);
    assert.match(exchange.stderr, /--exchanges.*kraken/);
    const mixed = await runTask(["--from-cache", "--markets", "spot"], box.env);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--markets: only when connecting/);
    const fees = await runTask(
      ["--replay", `${box.dir}/bad.jsonl`, "--fees", '{"kraken:spot":0.001}'],
      box.env,
    );
    assert.equal(fees.code, 2);
    assert.match(fees.stderr, /unknown fee key "kraken:spot"/);
    const noRedis = await runTask(["--from-cache"], { ...box.env, REDIS_URL: "" });
    assert.equal(noRedis.code, 1, "a configuration error");
    assert.match(noRedis.stderr, /--from-cache: set REDIS_URL/);
    await assert.rejects(Deno.stat(`${ROOT}${box.dir}/mts.db`));
  } finally {
    await box.cleanup();
  }
});
