// deno-lint-ignore-file no-explicit-any
/**
 * `deno task serve --stream` as users run it: a subprocess with the serve permission set (plus
 * loopback) against the local exchanges of tests/stream in their real wire formats. The streams
 * publish into the cache the service reads: the served book equals the exchange's book, a
 * WebSocket client receives it live, `/ready` shows the in-process books' states, `/metrics`
 * (promtool-clean) counts their messages, the one resync and the one gap the test caused, price
 * alerts fire on the streamed mids, and
 * SIGTERM stops streams and server with exit 0.
 */
import assert from "node:assert/strict";
import { haveReference, type SimExchange } from "../helpers/exchange_sim.ts";
import { taskArgs } from "../helpers/task_permissions.ts";
import { ROOT, sandbox } from "../schedule/helpers.ts";
import { simEnv, startSims } from "../stream/helpers.ts";
import { call, metricSample, SECRET, wsClient } from "./helpers.ts";
import { promtool, spawnServe } from "./process.ts";

const SKIP = !haveReference();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The exchange's top `depth` levels as a published book holds them: numbers, best first. */
function serverTop(sim: SimExchange, symbol: string, depth: number) {
  const b = sim.books.get(symbol)!;
  const num = (l: [string, string][]) => l.slice(0, depth).map(([p, q]) => [Number(p), Number(q)]);
  return { bids: num(b.levels("bid")), asks: num(b.levels("ask")), id: b.id };
}

Deno.test({
  name:
    "serve --stream: live books from the exchanges reach /books and /ws; /ready, /metrics; SIGTERM exit 0",
  ignore: SKIP,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 150 });
    const box = sandbox("test-serve-stream");
    await Deno.mkdir(`${ROOT}${box.dir}`, { recursive: true });
    const env = {
      ...simEnv(sims, box.dir),
      ...box.env,
      REALTIME_SYMBOLS: "BTCUSDT",
      REALTIME_EXCHANGES: "binance,bybit",
    };
    const s = await spawnServe(env, ["--stream"]);
    try {
      const ws = await wsClient(`${s.url.replace("http", "ws")}/ws?token=${SECRET}`);
      ws.send({
        type: "subscribe",
        channels: ["books:binance:spot:BTCUSDT", "books:bybit:spot:BTCUSDT", "alerts"],
      });
      await ws.next((m) => m.type === "subscribed");
      // alerts on the streamed prices: a book's mid, and an asset's (its symbol's spot books)
      const alertIds: number[] = [];
      for (
        const json of [
          { book: { exchange: "binance", market: "spot", symbol: "BTCUSDT" }, above: 1 },
          { asset: "bitcoin", above: 1 },
        ]
      ) {
        const r = await call(`${s.url}/alerts`, { method: "POST", token: SECRET, json });
        assert.equal(r.status, 201, r.text);
        alertIds.push(r.body.id);
      }
      const live = await ws.next(
        (m) => m.channel === "books:binance:spot:BTCUSDT" && m.data.state === "live",
        20_000,
      );
      assert.equal(live.data.symbol, "BTCUSDT");
      // one gap on Binance spot: that book resyncs once
      sims.spot.faults.push({ type: "gap", symbol: "BTCUSDT" });
      for (let i = 0; i < 300 && !(sims.spot.finished && sims.bybit.finished); i++) {
        await sleep(50);
      }
      assert.ok(sims.spot.finished && sims.bybit.finished, "the exchanges are still sending");

      // the served books equal the exchanges' books once they stand still
      for (
        const [market, exchange, sim] of [
          ["spot", "binance", sims.spot],
          ["perp", "binance", sims.perp],
          ["spot", "bybit", sims.bybit],
        ] as const
      ) {
        const top = serverTop(sim, "BTCUSDT", 20);
        let book: any;
        for (let i = 0; i < 100; i++) {
          const r = await call(`${s.url}/books/${exchange}/${market}/BTCUSDT`, { token: SECRET });
          book = r.body;
          if (r.status === 200 && book.updateId === top.id && book.state === "live") break;
          await sleep(50);
        }
        const name = `${exchange}:${market}`;
        assert.equal(book.state, "live", `${name}: ${JSON.stringify(book)}`);
        assert.equal(book.updateId, top.id, `${name} update id`);
        assert.deepEqual(book.bids, top.bids, `${name} bids`);
        assert.deepEqual(book.asks, top.asks, `${name} asks`);
      }
      // funding from the streams, as the exchanges' wire samples give it
      const funding = await call(`${s.url}/funding`, { token: SECRET });
      assert.equal(funding.status, 200, funding.text);
      assert.deepEqual(
        funding.body.funding.map((f: any) => [f.exchange, f.symbol, f.rate]).sort(),
        [["binance", "BTCUSDT", 0.00058455], ["bybit", "BTCUSDT", -0.005]],
      );
      // both alerts fired once, each at the mid of a live spot book the server relayed
      const fired = ws.messages.filter((m) => m.channel === "alerts");
      assert.deepEqual(fired.map((m) => m.data.id).sort(), [...alertIds].sort());
      const mids = new Set(
        ws.messages.filter((m) => m.channel?.startsWith("books:") && m.data.state === "live")
          .map((m) => (m.data.bids[0][0] + m.data.asks[0][0]) / 2),
      );
      for (const f of fired) assert.ok(mids.has(f.data.triggeredPrice), JSON.stringify(f.data));
      const relayed = ws.messages.filter((m) => m.channel === "books:binance:spot:BTCUSDT");
      assert.equal(relayed.at(-1).data.updateId, sims.spot.books.get("BTCUSDT")!.id);

      const ready = await call(`${s.url}/ready`);
      assert.equal(ready.status, 200, ready.text);
      const own = ready.body.checks.streams.inProcess;
      assert.equal(own.status, "running");
      assert.equal(own.books.length, 4, "binance and bybit, spot and perp");
      assert.ok(own.books.every((b: any) => b.state === "live"), JSON.stringify(own.books));

      const text = await (await fetch(`${s.url}/metrics`)).text();
      const check = await promtool(text);
      assert.equal(check.code, 0, `promtool: ${check.output}`);
      const spot = 'exchange="binance",market="spot",symbol="BTCUSDT"';
      assert.equal(metricSample(text, "mts_stream_up", ""), 1);
      assert.equal(metricSample(text, "mts_stream_book_resyncs_total", spot), 1);
      assert.equal(metricSample(text, "mts_stream_book_gaps_total", spot), 1);
      assert.equal(metricSample(text, "mts_stream_book_state", `${spot},state="live"`), 1);
      assert.equal(metricSample(text, "mts_stream_book_state", `${spot},state="syncing"`), 0);
      // the exchange sent 150 updates, one skipped by the gap
      const messages = metricSample(text, "mts_stream_book_messages_total", spot)!;
      assert.ok(messages >= 140 && messages <= 150, `messages ${messages}`);
      const age = metricSample(text, "mts_stream_book_age_seconds", spot)!;
      assert.ok(age >= 0 && age < 60, `age ${age}`);

      s.child.kill("SIGTERM");
      assert.equal((await ws.closed).code, 1001);
      const status = await s.child.status;
      assert.equal(status.code, 0, await s.stderr);
      await s.rest;
    } finally {
      try {
        s.child.kill("SIGKILL");
      } catch { /* already exited */ }
      await s.child.status;
      await sims.close();
      await box.cleanup();
    }
  },
});

Deno.test({
  name:
    "serve with REALTIME_ENABLED=true starts the streams: a bad REALTIME_EXCHANGES or an ungranted host is refused at start",
  ignore: SKIP,
  fn: async () => {
    const box = sandbox("test-serve-stream-refused");
    await Deno.mkdir(`${ROOT}${box.dir}`, { recursive: true });
    const run = async (args: string[], env: Record<string, string>) => {
      const out = await new Deno.Command("deno", {
        args,
        cwd: ROOT,
        env: { API_SECRET_KEY: SECRET, REDIS_URL: "", ...box.env, ...env },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
    };
    try {
      const bad = await run([...taskArgs("serve", { loopback: true }), "--port", "0"], {
        REALTIME_ENABLED: "true",
        REALTIME_EXCHANGES: "kraken",
      });
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /^mts serve: REALTIME_EXCHANGES: unknown exchange "kraken"/m);
      // the production set (no loopback): a fixture URL is refused with its variable named
      const denied = await run([...taskArgs("serve"), "--port", "0", "--stream"], {
        REALTIME_EXCHANGES: "binance",
        BINANCE_WS_URL: "ws://127.0.0.1:9",
      });
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /BINANCE_WS_URL/);
      assert.equal(denied.stderr.trim().split("\n").length, 1, denied.stderr);
    } finally {
      await box.cleanup();
    }
  },
});
