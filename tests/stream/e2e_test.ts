/**
 * `deno task stream` end to end against local exchanges in the real wire formats: the books it
 * prints equal the servers' books, a gap and a dropped connection cost one resync each, funding
 * comes from the streams (intervals from the exchange), the recording replays to the same summary
 * (twice, byte-identical), and SIGTERM stops it cleanly with exit 0.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { haveReference, type SimExchange } from "../helpers/exchange_sim.ts";
import { runStream, simEnv, startSims } from "./helpers.ts";

const SKIP = !haveReference();
if (SKIP) console.warn("skipping stream e2e tests: ../shared/reference/messages is missing");

interface Book {
  exchange: string;
  market: string;
  symbol: string;
  state: string;
  updateId: number;
  bids: [number, number][];
  asks: [number, number][];
  resyncs: number;
  gaps: number;
  messages: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilConnected(sims: SimExchange[]): Promise<void> {
  for (let i = 0; i < 200 && sims.some((s) => s.connections === 0); i++) await sleep(50);
  assert.ok(sims.every((s) => s.connections > 0), "the task never connected");
}

/** The server's top `depth` levels as the summary shows them: numbers, best first. */
function serverTop(sim: SimExchange, symbol: string, depth: number) {
  const b = sim.books.get(symbol)!;
  const num = (l: [string, string][]) => l.slice(0, depth).map(([p, q]) => [Number(p), Number(q)]);
  return { bids: num(b.levels("bid")), asks: num(b.levels("ask")), id: b.id };
}

Deno.test({
  name:
    "stream --for --json: books equal the servers' after a gap and a drop, one resync each; replay prints the same summary",
  ignore: SKIP,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 150 });
    const dir = await Deno.makeTempDir();
    try {
      const rec = `${dir}/frames/run.jsonl.gz`;
      const running = runStream(
        ["--exchanges", "binance,bybit", "--markets", "spot,perp", "--symbols", "BTCUSDT"]
          .concat(["--depth", "20", "--for", "8s", "--json", "--record", rec]),
        simEnv(sims, dir),
      );
      await untilConnected([sims.spot, sims.perp, sims.bybit]);
      await sleep(800);
      sims.spot.faults.push({ type: "gap", symbol: "BTCUSDT" });
      sims.perp.faults.push({ type: "gap", symbol: "BTCUSDT" });
      sims.bybit.faults.push({ type: "gap", symbol: "BTCUSDT" });
      await sleep(700);
      sims.perp.faults.push({ type: "drop" });
      sims.bybit.faults.push({ type: "drop" });
      const r = await running;
      assert.equal(r.code, 0, r.stderr);
      const summary = JSON.parse(r.stdout) as {
        books: Book[];
        funding: unknown[];
        stats: Record<string, number>;
      };
      assert.ok(
        sims.spot.finished && sims.perp.finished && sims.bybit.finished,
        "servers still sending",
      );
      const expectResyncs: Record<string, number> = {
        "binance:spot": 1, // the gap
        "binance:perp": 2, // the gap, the drop
        "bybit:spot": 2, // the gap (same topic on both Bybit connections), the drop
        "bybit:perp": 2,
      };
      for (const b of summary.books) {
        const sim = b.exchange === "bybit"
          ? sims.bybit
          : b.market === "spot"
          ? sims.spot
          : sims.perp;
        const top = serverTop(sim, b.symbol, 20);
        const name = `${b.exchange}:${b.market}`;
        assert.equal(b.state, "live", name);
        assert.equal(b.updateId, top.id, `${name} update id`);
        assert.deepEqual(b.bids, top.bids, `${name} bids`);
        assert.deepEqual(b.asks, top.asks, `${name} asks`);
        assert.ok(b.bids.length >= 10 && b.asks.length >= 10, `${name} depth`);
        assert.equal(b.resyncs, expectResyncs[name], `${name} resyncs`);
        assert.equal(b.gaps, 1, `${name} gaps`);
      }
      assert.equal(summary.stats.reconnects, 3, "perp + two Bybit connections reconnected");
      const funding = summary.funding as {
        exchange: string;
        intervalHours: number;
        rate: number;
      }[];
      assert.deepEqual(funding.map((f) => [f.exchange, f.intervalHours, f.rate]), [
        ["binance", 4, 0.00058455], // interval from /fapi/v1/fundingInfo, rate from markPrice
        ["bybit", 8, -0.005], // from the tickers snapshot
      ]);
      // the funding observations of the streams are stored, exactly as the wire gave them
      const store = SqliteStore.open(`${dir}/mts.db`);
      try {
        const rows = await store.latestFunding({ source: "ws" });
        assert.deepEqual(rows.map((x) => [x.exchange, x.symbol, x.rate, x.intervalHours]), [
          ["binance", "BTCUSDT", "0.00058455", 4],
          ["bybit", "BTCUSDT", "-0.005", 8],
        ]);
        const resyncs = await store.listResyncs();
        assert.equal(resyncs.length, 7, "one stored row per resync");
      } finally {
        store.close();
      }
      // replay: same summary, twice, byte for byte
      const env = simEnv(sims, dir);
      const a = await runStream(["--replay", rec, "--json"], env);
      const b = await runStream(["--replay", rec, "--json"], env);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, r.stdout, "replay summary equals the live summary");
      assert.equal(b.stdout, a.stdout, "two replays are byte-identical");
    } finally {
      await sims.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "stream stops on SIGTERM: sockets closed, summary printed, exit 0",
  ignore: SKIP,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sims = startSims(["ETHUSDT"], { maxUpdates: 1000 });
    const dir = await Deno.makeTempDir();
    try {
      const r = await runStream(
        ["--exchanges", "binance", "--markets", "spot", "--symbols", "ETHUSDT", "--json"],
        simEnv(sims, dir),
        {
          when: () => sims.spot.requests.some((r) => r.startsWith("/api/v3/depth")),
          thenMs: 1_500,
        },
      );
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout);
      assert.equal(s.books.length, 1);
      assert.equal(s.books[0].state, "live");
      assert.ok(s.books[0].messages > 10);
    } finally {
      await sims.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
