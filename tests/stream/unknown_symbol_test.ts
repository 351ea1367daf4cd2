/**
 * Unknown symbols against local exchanges that list only the symbols they were started with:
 * Binance spot answers `/api/v3/exchangeInfo` with `400 -1121` (the run then asks per symbol),
 * USDⓈ-M leaves the symbol out of `/fapi/v1/exchangeInfo`, Bybit lists nothing for it in
 * `/v5/market/instruments-info` and refuses the subscription naming the topic. The unknown books
 * end `unknown-symbol` with the exchange's words, the others stream on and equal the servers', and
 * the recording replays to the same summary. A metadata outage (HTTP 500) delays nothing.
 */
import assert from "node:assert/strict";
import { resolveConfig } from "../../lib/config/config.ts";
import { streamReadiness } from "../../lib/server/stream_view.ts";
import { LiveStreamView } from "../../lib/services/serve_stream.ts";
import type { StreamPipeline } from "../../lib/services/stream_pipeline.ts";
import { runLive, runReplay, type StreamResult } from "../../lib/services/stream_runner.ts";
import type { PlanOptions } from "../../lib/streams/plan.ts";
import { haveReference, type SimExchange } from "../helpers/exchange_sim.ts";
import { simEnv, type Sims, startSims } from "./helpers.ts";

const SKIP = !haveReference();
const opts = { ignore: SKIP, sanitizeOps: false, sanitizeResources: false };

const PLAN: PlanOptions = {
  exchanges: ["binance", "bybit"],
  markets: ["spot", "perp"],
  symbols: ["BTCUSDT", "NOPEUSDT"],
  depth: 20,
  snapshotLimit: 1000,
  staleAfterMs: 15_000,
};

/** Runs until every simulator sent its updates (+300 ms), recording to `record`. */
async function live(
  sims: Sims,
  plan: PlanOptions,
  record: string,
): Promise<{ result: StreamResult; pipeline: StreamPipeline }> {
  const config = resolveConfig(simEnv(sims, "/tmp"));
  const all = [sims.spot, sims.perp, sims.bybit];
  const ac = new AbortController();
  const poll = setInterval(() => {
    if (!all.every((x) => x.finished)) return;
    clearInterval(poll);
    setTimeout(() => ac.abort(new Error("the servers finished")), 300);
  }, 50);
  let pipeline: StreamPipeline | undefined;
  try {
    const result = await runLive({
      plan,
      config,
      forMs: 30_000,
      signal: ac.signal,
      record: { path: record },
      onStart: (p) => (pipeline = p),
    });
    assert.equal(result.stoppedBy, "the servers finished", "the run ended before the servers");
    return { result, pipeline: pipeline! };
  } finally {
    clearInterval(poll);
  }
}

function assertSameBook(r: StreamResult, exchange: string, market: string, sim: SimExchange) {
  const b = r.summary.books.find((x) =>
    x.exchange === exchange && x.market === market && x.symbol === "BTCUSDT"
  )!;
  const server = sim.books.get("BTCUSDT")!;
  const num = (l: [string, string][]) => l.slice(0, 20).map(([p, q]) => [Number(p), Number(q)]);
  assert.equal(b.state, "live", `${exchange} ${market} state`);
  assert.equal(b.updateId, server.id, `${exchange} ${market} update id`);
  assert.deepEqual(b.bids, num(server.levels("bid")), `${exchange} ${market} bids`);
  assert.deepEqual(b.asks, num(server.levels("ask")), `${exchange} ${market} asks`);
  assert.equal(b.error, undefined);
}

Deno.test({
  ...opts,
  name:
    "an unknown symbol ends unknown-symbol on Binance spot and USDⓈ-M and on Bybit with the exchange's words; the other books stream on; the replay prints the same summary",
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 80, seed: 21 });
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/unknown.jsonl`;
      const { result, pipeline } = await live(sims, PLAN, path);
      assertSameBook(result, "binance", "spot", sims.spot);
      assertSameBook(result, "binance", "perp", sims.perp);
      assertSameBook(result, "bybit", "spot", sims.bybit);
      assertSameBook(result, "bybit", "perp", sims.bybit);
      const nope = Object.fromEntries(
        result.summary.books.filter((b) => b.symbol === "NOPEUSDT").map((
          b,
        ) => [`${b.exchange}:${b.market}`, b]),
      );
      for (const b of Object.values(nope)) {
        assert.equal(b.state, "unknown-symbol");
        assert.deepEqual([b.bids, b.asks, b.updateId, b.messages], [[], [], null, 0]);
      }
      assert.equal(
        nope["binance:spot"].error,
        "binance /api/v3/exchangeInfo: binance -1121: Invalid symbol.",
      );
      assert.equal(
        nope["binance:perp"].error,
        'binance /fapi/v1/exchangeInfo: "NOPEUSDT" is not listed by binance /fapi/v1/exchangeInfo',
      );
      // Bybit: the REST check or the refused subscription, whichever came first
      for (const m of ["spot", "perp"]) {
        assert.match(
          nope[`bybit:${m}`].error!,
          /no (spot|linear) instrument "NOPEUSDT"|Invalid symbol :\[.*NOPEUSDT/,
        );
      }
      const stats = result.summary.stats;
      assert.equal(stats.unknownSymbols, 4);
      assert.equal(stats.symbolCheckFailures, 0);
      // spot: one request for both (-1121), then one per symbol; USDⓈ-M: one; Bybit: one each
      assert.equal(stats.symbolChecks, 3 + 1 + 4);
      assert.deepEqual(
        sims.spot.requests.filter((r) => r.startsWith("/api/v3/exchangeInfo")).map(
          decodeURIComponent,
        ).sort(),
        [
          '/api/v3/exchangeInfo?symbols=["BTCUSDT","NOPEUSDT"]',
          "/api/v3/exchangeInfo?symbol=BTCUSDT",
          "/api/v3/exchangeInfo?symbol=NOPEUSDT",
        ].sort(),
      );
      // the unknown books' connections were not reconnected for their silence, nor resubscribed
      assert.equal(stats.reconnects, 0);
      // serve --stream's view: not live, with the reason
      const view = new LiveStreamView();
      view.attach(pipeline);
      const ready = streamReadiness(view, Date.now()).report.books as {
        id: string;
        state: string;
        error?: string;
      }[];
      const r = ready.find((b) => b.id === "binance:spot:NOPEUSDT")!;
      assert.equal(r.state, "unknown-symbol");
      assert.match(r.error!, /-1121/);
      // replay: the same books and counters, from the recording alone
      const replay = await runReplay(path, {});
      assert.deepEqual(replay.summary, result.summary);
    } finally {
      await sims.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name:
    "a symbol-list outage (HTTP 500 on every metadata endpoint) is logged and counted, and streaming goes on as before",
  fn: async () => {
    const sims = startSims(["BTCUSDT"], { maxUpdates: 60, seed: 23 });
    for (const s of [sims.spot, sims.perp, sims.bybit]) s.metadataStatus = 500;
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/outage.jsonl`;
      const { result, pipeline } = await live(sims, { ...PLAN, symbols: ["BTCUSDT"] }, path);
      assertSameBook(result, "binance", "spot", sims.spot);
      assertSameBook(result, "binance", "perp", sims.perp);
      assertSameBook(result, "bybit", "spot", sims.bybit);
      assertSameBook(result, "bybit", "perp", sims.bybit);
      const stats = result.summary.stats;
      assert.equal(stats.symbolChecks, 4);
      assert.equal(stats.symbolCheckFailures, 4);
      assert.equal(stats.unknownSymbols, 0);
      assert.ok(pipeline.stats.lastProblem !== undefined);
      const replay = await runReplay(path, {});
      assert.deepEqual(replay.summary, result.summary);
    } finally {
      await sims.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
