/**
 * Live-stream speed: level updates applied to an order book, and the whole path from a frame's
 * text to an updated book (JSON parse, validation, continuity check, apply).
 *
 * - book: 1,000,000 level updates (10 per message, 25% deletes) concentrated near the top of a
 *   book holding 5,000 levels per side, against a `Map` with a tracked best as the baseline
 *   (the structure the measurement rejected). Target: ≥ 1,000,000 updates/s.
 * - pipeline: combined-stream Binance spot `depthUpdate` frames of 3, 10 and 20 levels and Bybit
 *   `orderbook.50` deltas of 10 levels through `parse…Frame` and a live sync machine. Target:
 *   ≥ 300,000 messages/s.
 * - validation: the hand-written frame check (for these frames the one-pass read of
 *   `binance/depth_scan.ts`) against an equivalent zod schema.
 * - whole pipeline: the same frames (Binance spot 3 and 10 levels, Bybit linear 10-level deltas)
 *   as recorded events (`{t:"frame",…}`) through
 *   `StreamPipeline.ingest` — routing to the book by connection and symbol, parse, sync, the
 *   engine's change tracking, the changed books collected every 100 messages — the path every
 *   live and replayed frame takes (no recorder, no cache).
 * - memory: heap before and after 10⁶ messages (run with `--v8-flags=--expose-gc`), through one
 *   live book, and through the whole pipeline.
 *
 *   deno bench --allow-all bench/streams_bench.ts                         # Deno.bench tables
 *   deno run --v8-flags=--expose-gc bench/streams_bench.ts   # rates from the best CPU time, heap before/after
 *
 * The Deno.bench cases use deno bench's default iteration counts (at least 20 warm-up runs, then at
 * least 10 measured runs and half a second), so the means are those of compiled, settled code.
 * @module
 */
import process from "node:process";
import { z } from "zod";
import { OrderBook } from "../lib/streams/book.ts";
import { type CheckedLevels, trustLevels, type WireLevel } from "../lib/streams/levels.ts";
import { parseBinanceFrame } from "../lib/streams/binance/parse.ts";
import { BinanceBookSync } from "../lib/streams/binance/sync.ts";
import { parseBybitFrame } from "../lib/streams/bybit/parse.ts";
import { BybitBookSync } from "../lib/streams/bybit/sync.ts";
import { createRng } from "../lib/core/prng.ts";
import type { SyncEffect } from "../lib/streams/sync.ts";
import { StreamPipeline } from "../lib/services/stream_pipeline.ts";
import { buildPlan } from "../lib/streams/plan.ts";

const MID = 3_000_000; // ticks of 0.01: 30,000.00
const SIDE_LEVELS = 5000;
const price = (tick: number) =>
  `${Math.floor(tick / 100)}.${String(tick % 100).padStart(2, "0")}000000`;

/** One message's level changes near the top: offsets from an exponential, mean 30 ticks. */
function changes(rng: ReturnType<typeof createRng>, n: number): [WireLevel[], WireLevel[]] {
  const bids: WireLevel[] = [], asks: WireLevel[] = [];
  for (let i = 0; i < n; i++) {
    const bid = i % 2 === 0;
    const off = Math.floor(-Math.log(1 - rng.next()) * 30);
    const qty = rng.next() < 0.25
      ? "0.00000000"
      : `${rng.int(0, 9)}.${String(rng.int(1, 99999999)).padStart(8, "0")}`;
    (bid ? bids : asks).push([price(bid ? MID - 1 - off : MID + off), qty]);
  }
  return [bids, asks];
}

// ---------- book: level updates ----------

const rngA = createRng(42);
const SNAP_BIDS = trustLevels(
  Array.from({ length: SIDE_LEVELS }, (_, i) => [price(MID - 1 - i), "1.00000000"] as const),
);
const SNAP_ASKS = trustLevels(
  Array.from({ length: SIDE_LEVELS }, (_, i) => [price(MID + i), "1.00000000"] as const),
);
const MESSAGES = Array.from(
  { length: 100_000 },
  () => changes(rngA, 10).map(trustLevels) as [CheckedLevels, CheckedLevels],
);

/** The rejected structure: one `Map` per side and a tracked best, rescanned when the best goes. */
class MapBook {
  sides = [new Map<number, string>(), new Map<number, string>()];
  best = [-Infinity, Infinity];
  set(s: 0 | 1, p: string, q: string): void {
    const k = Number(p), m = this.sides[s];
    if (Number(q) === 0) {
      if (m.delete(k) && k === this.best[s]) {
        let b = s === 0 ? -Infinity : Infinity;
        for (const x of m.keys()) if (s === 0 ? x > b : x < b) b = x;
        this.best[s] = b;
      }
      return;
    }
    m.set(k, q);
    if (s === 0 ? k > this.best[s] : k < this.best[s]) this.best[s] = k;
  }
  apply(b: CheckedLevels, a: CheckedLevels): void {
    for (const l of b) this.set(0, l[0], l[1]);
    for (const l of a) this.set(1, l[0], l[1]);
  }
}

function bookRun(): number {
  const book = new OrderBook();
  book.replace(SNAP_BIDS, SNAP_ASKS);
  for (const [b, a] of MESSAGES) book.apply(b, a);
  return book.count("bid") + book.count("ask");
}

function mapRun(): number {
  const book = new MapBook();
  for (const [p, q] of SNAP_BIDS) book.set(0, p, q);
  for (const [p, q] of SNAP_ASKS) book.set(1, p, q);
  for (const [b, a] of MESSAGES) book.apply(b, a);
  return book.sides[0].size + book.sides[1].size;
}

Deno.bench({
  name: "OrderBook: 10⁶ level updates",
  group: "book",
  baseline: true,
  fn: () => void bookRun(),
});
Deno.bench({
  name: "Map + tracked best: 10⁶ level updates",
  group: "book",
  fn: () => void mapRun(),
});

// ---------- pipeline: frame text -> updated book ----------

const FRAMES = 50_000;
const FIRST_U = 1_000_000;

function binanceFrames(levels: number): string[] {
  const rng = createRng(levels);
  return Array.from({ length: FRAMES }, (_, i) => {
    const [b, a] = changes(rng, levels);
    const data = {
      e: "depthUpdate",
      E: 1_700_000_000_000 + i,
      s: "BTCUSDT",
      U: FIRST_U + 2 * i,
      u: FIRST_U + 2 * i + 1,
      b,
      a,
    };
    return JSON.stringify({ stream: "btcusdt@depth@100ms", data });
  });
}

function bybitFrames(levels: number): string[] {
  const rng = createRng(1000 + levels);
  return Array.from({ length: FRAMES }, (_, i) => {
    const [b, a] = changes(rng, levels);
    const data = { s: "BTCUSDT", b, a, u: FIRST_U + i, seq: 9_000_000_000 + 7 * i };
    return JSON.stringify({
      topic: "orderbook.50.BTCUSDT",
      type: "delta",
      ts: 1_700_000_000_000 + i,
      data,
      cts: 1,
    });
  });
}

const SPOT = { 3: binanceFrames(3), 10: binanceFrames(10), 20: binanceFrames(20) };
const BYBIT10 = bybitFrames(10);

/** A spot book made live from the 5,000-level snapshot, then fed every frame. */
/**
 * What a run times: `start` after its setup (the 5,000-level snapshot installed), `end` after the
 * last frame — the per-message work only. `Deno.BenchContext` is one; {@link bestOf} passes its own.
 */
interface Timer {
  start(): void;
  end(): void;
}

function binanceRun(frames: string[], timer?: Timer): number {
  const sync = new BinanceBookSync({ market: "spot", symbol: "BTCUSDT" });
  sync.opened(0);
  const first = parseBinanceFrame(frames[0], "spot");
  if (first.kind !== "depth") throw new Error("not a depth frame");
  const epoch = requestedEpoch(sync.depth(first.depth, 0));
  sync.snapshot(epoch, { lastUpdateId: FIRST_U - 1, bids: SNAP_BIDS, asks: SNAP_ASKS }, 0);
  timer?.start();
  for (let i = 1; i < frames.length; i++) {
    const f = parseBinanceFrame(frames[i], "spot");
    if (f.kind === "depth") sync.depth(f.depth, i);
  }
  timer?.end();
  return check(sync.status(), frames.length);
}

/** The 50-level snapshot a Bybit book starts from (the deltas continue its `u`). */
const BYBIT_SNAP = JSON.stringify({
  topic: "orderbook.50.BTCUSDT",
  type: "snapshot",
  ts: 1,
  data: {
    s: "BTCUSDT",
    b: SNAP_BIDS.slice(0, 50),
    a: SNAP_ASKS.slice(0, 50),
    u: FIRST_U - 1,
    seq: 1,
  },
});

function bybitRun(frames: string[]): number {
  const sync = new BybitBookSync({ market: "perp", symbol: "BTCUSDT", depth: 50 });
  sync.opened(0);
  for (const text of [BYBIT_SNAP, ...frames]) {
    const f = parseBybitFrame(text);
    if (f.kind === "book") sync.depth(f.book, 0);
  }
  return check(sync.status(), frames.length + 1);
}

/** The epoch of the snapshot request the first frame caused. */
function requestedEpoch(effects: readonly SyncEffect[]): number {
  const req = effects[0];
  if (req?.type !== "requestSnapshot") throw new Error("the first frame asks for a snapshot");
  return req.epoch;
}

/** The run really applied every frame (a bench that drops frames would measure nothing). */
function check(st: ReturnType<BinanceBookSync["status"]>, frames: number): number {
  if (st.state !== "live" || st.counters.applied !== frames) {
    throw new Error(`bench sync is ${st.state} after ${st.counters.applied}/${frames} frames`);
  }
  return st.counters.applied;
}

for (const n of [3, 10, 20] as const) {
  Deno.bench({
    name: `Binance spot, ${n}-level frames ×50,000`,
    group: "pipeline",
    fn: (b) => void binanceRun(SPOT[n], b),
  });
}
Deno.bench({
  name: "Bybit orderbook.50, 10-level frames ×50,000",
  group: "pipeline",
  fn: () => void bybitRun(BYBIT10),
});
Deno.bench({
  name: "JSON.parse alone, 10-level frames ×50,000",
  group: "pipeline",
  baseline: true,
  fn: () => void SPOT[10].forEach((t) => JSON.parse(t)),
});

// ---------- whole pipeline: recorded event -> engine -> book ----------

const PIPE_PLAN = buildPlan({
  exchanges: ["binance"],
  markets: ["spot"],
  symbols: ["BTCUSDT"],
  depth: 20,
  snapshotLimit: 5000,
  staleAfterMs: 15_000,
});
const SNAP_BODY = JSON.stringify({ lastUpdateId: FIRST_U - 1, bids: SNAP_BIDS, asks: SNAP_ASKS });

/** A pipeline whose spot book is live (opened, first frame buffered, snapshot installed). */
function livePipeline(first: string): StreamPipeline {
  const p = new StreamPipeline(PIPE_PLAN);
  p.ingest({ t: "open", at: 0, c: "binance:spot:0" });
  p.ingest({ t: "frame", at: 0, c: "binance:spot:0", d: first });
  const epoch = p.engine.sync("binance:spot:BTCUSDT")!.status().epoch;
  p.ingest({ t: "snapshot", at: 0, book: "binance:spot:BTCUSDT", epoch, body: SNAP_BODY });
  return p;
}

/*
 * The changed books are taken every 100 messages from the first message on (`i % 100 === 1`): the
 * loop driving the frames is compiled while it runs, and if that happened before its first
 * collection, the compiled loop lacked type feedback for it and was dropped at every 100th frame
 * (`--trace-deopt`: each run slowed by a third after about 30 runs). A live stream has no such loop:
 * each frame arrives in its own call from the socket.
 */
function pipelineRun(frames: string[], timer?: Timer): number {
  const p = livePipeline(frames[0]);
  timer?.start();
  for (let i = 1; i < frames.length; i++) {
    p.ingest({ t: "frame", at: i, c: "binance:spot:0", d: frames[i] });
    if (i % 100 === 1) p.engine.takeChanges();
  }
  timer?.end();
  return check(p.engine.sync("binance:spot:BTCUSDT")!.status(), frames.length);
}

const BYBIT_PLAN = buildPlan({
  exchanges: ["bybit"],
  markets: ["perp"],
  symbols: ["BTCUSDT"],
  depth: 20,
  snapshotLimit: 5000,
  staleAfterMs: 15_000,
});
const BYBIT_CONN = BYBIT_PLAN.connections[0].id;

/** A pipeline whose Bybit linear book is live (opened, the 50-level snapshot frame), then the deltas. */
function bybitPipelineRun(frames: string[]): number {
  const p = new StreamPipeline(BYBIT_PLAN);
  p.ingest({ t: "open", at: 0, c: BYBIT_CONN });
  p.ingest({ t: "frame", at: 0, c: BYBIT_CONN, d: BYBIT_SNAP });
  for (let i = 0; i < frames.length; i++) {
    p.ingest({ t: "frame", at: i + 1, c: BYBIT_CONN, d: frames[i] });
    if (i % 100 === 1) p.engine.takeChanges();
  }
  return check(p.engine.sync("bybit:perp:BTCUSDT")!.status(), frames.length + 1);
}

for (const n of [3, 10] as const) {
  Deno.bench({
    name: `whole pipeline (event → engine → book), ${n}-level frames ×50,000`,
    group: "whole pipeline",
    fn: (b) => void pipelineRun(SPOT[n], b),
  });
}
Deno.bench({
  name: "whole pipeline (event → engine → book), Bybit orderbook.50 10-level deltas ×50,000",
  group: "whole pipeline",
  fn: () => void bybitPipelineRun(BYBIT10),
});

/** The 10-level frames as text around their `U`/`u`, to renumber them without re-serialising. */
const TEMPLATES = SPOT[10].map((t) => {
  const m = /"U":\d+,"u":\d+/.exec(t)!;
  return [t.slice(0, m.index), t.slice(m.index + m[0].length)] as const;
});

/**
 * 10⁶ 10-level frames through the whole pipeline: 20 passes, ids renumbered in the text; the heap
 * (after a full collection) after the first 10⁵ messages and at the end, with the pipeline alive.
 */
function millionThroughPipeline(): { at100k: number; at1m: number } {
  const p = livePipeline(SPOT[10][0]);
  let n = 1, at100k = 0;
  for (let pass = 0; pass < 20; pass++) {
    if (pass === 2) at100k = heapMb();
    const shift = pass * 2 * FRAMES;
    for (let i = pass === 0 ? 1 : 0; i < FRAMES; i++) {
      const U = FIRST_U + 2 * i + shift;
      const [head, tail] = TEMPLATES[i];
      const d = `${head}"U":${U},"u":${U + 1}${tail}`;
      p.ingest({ t: "frame", at: n++, c: "binance:spot:0", d });
      if (n % 100 === 2) p.engine.takeChanges();
    }
  }
  check(p.engine.sync("binance:spot:BTCUSDT")!.status(), 20 * FRAMES);
  return { at100k, at1m: heapMb() };
}

// ---------- validation: hand-written vs zod ----------

const decimal = z.string().regex(/^\d+(\.\d+)?$/);
const levelList = z.array(z.tuple([decimal, decimal]));
const zodFrame = z.object({
  stream: z.string(),
  data: z.object({
    e: z.literal("depthUpdate"),
    E: z.number().int().nonnegative(),
    s: z.string().min(1),
    U: z.number().int().nonnegative(),
    u: z.number().int().nonnegative(),
    b: levelList,
    a: levelList,
  }),
});

Deno.bench({
  name: "hand-written parse + check, 10-level frames ×50,000",
  group: "validation",
  baseline: true,
  fn: () => void SPOT[10].forEach((t) => parseBinanceFrame(t, "spot")),
});
Deno.bench({
  name: "zod safeParse, 10-level frames ×50,000",
  group: "validation",
  fn: () => void SPOT[10].forEach((t) => zodFrame.safeParse(JSON.parse(t))),
});

// ---------- summary mode ----------

/**
 * Best CPU time of `f` in ms over `reps` runs (user + system of this process, from
 * `process.cpuUsage`): on a shared machine other processes' load inflates wall time, and even
 * CPU time (cache and memory-bandwidth contention), so the least-disturbed run is the figure.
 */
function bestOf(f: (timer: Timer) => void, reps: number): number {
  // the CPU time between the run's start() and end(), or of the whole run if it never calls them
  let from: NodeJS.CpuUsage | undefined, spent: NodeJS.CpuUsage | undefined;
  const timer: Timer = {
    start: () => void (from = process.cpuUsage()),
    end: () => void (spent = process.cpuUsage(from)),
  };
  f(timer);
  let best = Infinity;
  for (let i = 0; i < Math.max(reps, 7); i++) {
    from = spent = undefined;
    const t = process.cpuUsage();
    f(timer);
    const d = spent ?? process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

/** Heap in MB after a full collection (when the process runs with --expose-gc). */
function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().heapUsed / 1e6;
}

/** 10⁶ 10-level frames through one live spot book: 20 passes over 50,000 frames, ids renumbered. */
function millionMessages(): number {
  const sync = new BinanceBookSync({ market: "spot", symbol: "BTCUSDT" });
  const first = parseBinanceFrame(SPOT[10][0], "spot");
  if (first.kind !== "depth") throw new Error("not a depth frame");
  const epoch = requestedEpoch(sync.depth(first.depth, 0));
  sync.snapshot(epoch, { lastUpdateId: FIRST_U - 1, bids: SNAP_BIDS, asks: SNAP_ASKS }, 0);
  for (let pass = 0; pass < 20; pass++) {
    const shift = pass * 2 * FRAMES;
    for (let i = pass === 0 ? 1 : 0; i < FRAMES; i++) {
      const f = parseBinanceFrame(SPOT[10][i], "spot");
      if (f.kind !== "depth") continue;
      sync.depth({ ...f.depth, U: f.depth.U + shift, u: f.depth.u + shift }, i);
    }
  }
  return check(sync.status(), 20 * FRAMES);
}

if (import.meta.main) {
  const b = bestOf(bookRun, 5), m = bestOf(mapRun, 5);
  const ups = (ms: number) => `${(1e6 / ms / 1000).toFixed(2)}M updates/s (${ms.toFixed(0)} ms)`;
  console.log(
    `book, 10⁶ level updates near the top of 5,000 levels/side: OrderBook ${
      ups(b)
    }; Map + tracked best ${ups(m)}`,
  );
  for (const n of [3, 10, 20] as const) {
    const ms = bestOf((t) => binanceRun(SPOT[n], t), 5),
      json = bestOf(() => SPOT[n].forEach((t) => JSON.parse(t)), 5);
    const chars = Math.round(SPOT[n].reduce((s, t) => s + t.length, 0) / FRAMES);
    console.log(
      `pipeline, Binance spot ${n}-level frames (${chars} chars): ${
        (FRAMES / ms).toFixed(0)
      }k msg/s; ` +
        `JSON.parse alone ${(FRAMES / json).toFixed(0)}k msg/s`,
    );
  }
  {
    // where a 10-level message's time goes: reading and checking the frame (one pass over the
    // text: JSON.parse is not called for a plain depth frame), the sync and the book; and what
    // JSON.parse alone, then the general checks on top, would cost
    const json = bestOf(() => SPOT[10].forEach((t) => JSON.parse(t)), 5);
    const parsed = bestOf(() => SPOT[10].forEach((t) => parseBinanceFrame(t, "spot")), 5);
    // a leading space is valid JSON that the one-pass reader turns down at the first character
    const spaced = SPOT[10].map((t) => JSON.parse(JSON.stringify(` ${t}`)) as string);
    const general = bestOf(() => spaced.forEach((t) => parseBinanceFrame(t, "spot")), 5);
    spaced.length = 0; // not part of the heap the memory lines report
    const all = bestOf((t) => binanceRun(SPOT[10], t), 5);
    const us = (ms: number) => (ms * 1000 / FRAMES).toFixed(2);
    console.log(
      `per 10-level message: frame read + check ${us(parsed)} µs, continuity + book ${
        us(all - parsed)
      } µs = ${us(all)} µs (300,000 msg/s needs ≤ 3.33 µs); ` +
        `the general path instead: JSON.parse ${us(json)} µs + checks ${us(general - json)} µs = ${
          us(general)
        } µs`,
    );
  }
  const y = bestOf(() => bybitRun(BYBIT10), 5);
  console.log(
    `pipeline, Bybit orderbook.50 10-level deltas: ${(FRAMES / y).toFixed(0)}k msg/s`,
  );
  const hand = bestOf(() => SPOT[10].forEach((t) => parseBinanceFrame(t, "spot")), 5);
  const zod = bestOf(() => SPOT[10].forEach((t) => zodFrame.safeParse(JSON.parse(t))), 5);
  console.log(
    `validation, 10-level frames: hand-written ${(FRAMES / hand).toFixed(0)}k msg/s; zod ${
      (FRAMES / zod).toFixed(0)
    }k msg/s`,
  );
  for (const n of [3, 10] as const) {
    const ms = bestOf((t) => pipelineRun(SPOT[n], t), 5);
    console.log(
      `whole pipeline (event → engine → book), ${n}-level frames: ${
        (FRAMES / ms).toFixed(0)
      }k msg/s`,
    );
  }
  {
    const ms = bestOf(() => bybitPipelineRun(BYBIT10), 5);
    console.log(
      `whole pipeline (event → engine → book), Bybit orderbook.50 10-level deltas: ${
        (FRAMES / ms).toFixed(0)
      }k msg/s`,
    );
  }
  const gc = typeof (globalThis as { gc?: unknown }).gc === "function";
  const before = heapMb();
  const t = process.cpuUsage();
  millionMessages();
  const d = process.cpuUsage(t), ms = (d.user + d.system) / 1000;
  const after = heapMb();
  console.log(
    `memory, 10⁶ 10-level messages through one live book (${(1e6 / ms).toFixed(0)}k msg/s): heap ${
      before.toFixed(1)
    } MB before, ${after.toFixed(1)} MB after` +
      (gc ? "" : " (run with --v8-flags=--expose-gc for figures after a full collection)"),
  );
  const t2 = process.cpuUsage();
  const heap = millionThroughPipeline();
  const d2 = process.cpuUsage(t2), ms2 = (d2.user + d2.system) / 1000;
  console.log(
    `memory, 10⁶ 10-level messages through the whole pipeline (${
      (1e6 / ms2).toFixed(0)
    }k msg/s): heap ${heap.at100k.toFixed(1)} MB after 10⁵ messages, ${
      heap.at1m.toFixed(1)
    } MB after 10⁶ (pipeline alive)`,
  );
}
