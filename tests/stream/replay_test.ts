/**
 * Replay: a hand-written recording with a gap (gzip, rotated into several parts) replays to
 * exactly one resync and the book computed by hand; two replays print identical summaries; and
 * the engine's connection rules (serverShutdown, silence, handover) on events alone.
 */
import assert from "node:assert/strict";
import { runReplay } from "../../lib/services/stream_runner.ts";
import { StreamEngine } from "../../lib/streams/engine.ts";
import type { StreamEvent } from "../../lib/streams/events.ts";
import { buildPlan, type PlanOptions } from "../../lib/streams/plan.ts";
import { partPath, readRecording, Recorder } from "../../lib/streams/recording.ts";

const PLAN: PlanOptions = {
  exchanges: ["binance"],
  markets: ["spot"],
  symbols: ["BTCUSDT"],
  depth: 5,
  snapshotLimit: 1000,
  staleAfterMs: 15_000,
};
const C = "binance:spot:0";

function depth(at: number, U: number, u: number, b: string[][], a: string[][]): StreamEvent {
  const data = { e: "depthUpdate", E: at, s: "BTCUSDT", U, u, b, a };
  return { t: "frame", at, c: C, d: JSON.stringify({ stream: "btcusdt@depth@100ms", data }) };
}

function snapshot(
  at: number,
  epoch: number,
  id: number,
  b: string[][],
  a: string[][],
): StreamEvent {
  const body = JSON.stringify({ lastUpdateId: id, bids: b, asks: a });
  return { t: "snapshot", at, book: "binance:spot:BTCUSDT", epoch, body };
}

/** The recording; the epochs are the machine's (1 on open, +1 per snapshot request). */
const EVENTS: StreamEvent[] = [
  { t: "start", at: 1000, v: 1, plan: PLAN },
  { t: "open", at: 1000, c: C },
  depth(1010, 101, 102, [["100.0", "1"]], []), // buffered; snapshot requested (epoch 2)
  { t: "frame", at: 1012, c: C, d: "{not json" }, // malformed: counted, nothing applied
  snapshot(1020, 2, 100, [["99.0", "2"], ["100.0", "5"]], [["101.0", "3"]]),
  depth(1030, 103, 105, [["99.5", "4"]], [["101.0", "0"], ["102.0", "7"]]),
  { t: "tick", at: 1035 },
  depth(1040, 108, 110, [["98.0", "1"]], [["103.0", "2"]]), // gap: 106-107 missed
  snapshot(1050, 3, 109, [["99.5", "4"], ["100.0", "1"]], [["102.0", "6"]]),
  depth(1060, 111, 111, [["100.0", "0"]], []),
  { t: "tick", at: 1070 },
  { t: "stop", at: 1080, reason: "test" },
];

Deno.test("a recording with a gap replays to one resync and the book computed by hand, from rotated gzip parts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/rec/gap.jsonl.gz`;
    const rec = await Recorder.open(path, { partBytes: 400 });
    for (const e of EVENTS) rec.write(e);
    await rec.close();
    assert.ok(rec.parts >= 3, `rotated into ${rec.parts} parts`);
    assert.equal(partPath(path, 2), `${dir}/rec/gap.2.jsonl.gz`);
    const back: StreamEvent[] = [];
    for await (const e of readRecording(path)) back.push(e);
    assert.deepEqual(back, EVENTS);

    const r1 = await runReplay(path, {});
    const book = r1.summary.books[0];
    // by hand: snapshot 100 + event 101-102 + event 103-105; gap at 108; snapshot 109 + event
    // 108-110 (bridging) + event 111 (removes 100.0)
    assert.deepEqual(book, {
      exchange: "binance",
      market: "spot",
      symbol: "BTCUSDT",
      state: "live",
      updateId: 111,
      bids: [[99.5, 4], [98, 1]],
      asks: [[102, 6], [103, 2]],
      resyncs: 1,
      gaps: 1,
      messages: 4,
    });
    assert.equal(r1.summary.stats.malformed, 1);
    assert.equal(r1.summary.stats.snapshots, 2);
    const r2 = await runReplay(path, {});
    assert.equal(JSON.stringify(r2.summary), JSON.stringify(r1.summary));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a truncated or foreign recording is refused with file:line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/x.jsonl`;
    await Deno.writeTextFile(path, JSON.stringify(EVENTS[0]) + '\n{"t":"frame","at":5}\n');
    await assert.rejects(async () => {
      for await (const _ of readRecording(path)) { /* read */ }
    }, new RegExp(`${path}:2: event "frame" has no text "d"`));
    await Deno.writeTextFile(path, JSON.stringify(EVENTS[1]) + "\n");
    await assert.rejects(() => runReplay(path, {}), /:1: a recording starts with its plan/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("engine: serverShutdown and a silent connection ask for a reconnect; a handover does not touch the books", () => {
  const plan = buildPlan({ ...PLAN, staleAfterMs: 1_000 });
  const engine = new StreamEngine(plan);
  for (const e of EVENTS.slice(1, 6)) engine.handle(e);
  assert.equal(engine.sync("binance:spot:BTCUSDT")!.status().state, "live");
  // handover: a second socket opens and the old one closes, without open/close for the book
  assert.deepEqual(engine.handle({ t: "open", at: 1031, c: C, handover: true }), []);
  assert.deepEqual(
    engine.handle({ t: "close", at: 1032, c: C, code: 1000, clean: true, handover: true }),
    [],
  );
  assert.equal(engine.sync("binance:spot:BTCUSDT")!.status().state, "live");
  const shutdown = JSON.stringify({ stream: "!x", data: { e: "serverShutdown", E: 1 } });
  assert.deepEqual(engine.handle({ t: "frame", at: 1033, c: C, d: shutdown }), [
    { type: "reconnect", conn: C, reason: "serverShutdown" },
  ]);
  // silence: the book's last message was at 1030, the (handed-over) connection opened at 1031;
  // at 2031 the book is stale and the connection is asked to reconnect, once
  assert.deepEqual(engine.handle({ t: "tick", at: 1900 }), []);
  assert.deepEqual(engine.handle({ t: "tick", at: 2031 }), [
    { type: "reconnect", conn: C, reason: "silent" },
  ]);
  assert.equal(engine.sync("binance:spot:BTCUSDT")!.status().state, "stale");
  assert.deepEqual(engine.handle({ t: "tick", at: 2500 }), []);
  const s = engine.summary();
  assert.equal(s.stats.handovers, 1);
  assert.equal(s.stats.serverShutdowns, 1);
  assert.equal(s.books[0].state, "stale");
  assert.deepEqual(s.books[0].bids[0], [100, 1], "a stale book keeps its levels");
});

Deno.test("the live table redraws in place: cursor home, clear, one row per book with its state", async () => {
  const { StreamPipeline } = await import("../../lib/services/stream_pipeline.ts");
  const { StreamScreen } = await import("../../lib/services/stream_table.ts");
  const pipeline = new StreamPipeline(buildPlan(PLAN));
  const frames: string[] = [];
  const dec = new TextDecoder();
  const screen = new StreamScreen((b) => frames.push(dec.decode(b)));
  for (const e of EVENTS.slice(1, 7)) pipeline.ingest(e);
  screen.render(pipeline);
  for (const e of EVENTS.slice(7, 10)) pipeline.ingest(e);
  screen.render(pipeline);
  assert.equal(frames.length, 2);
  for (const f of frames) assert.ok(f.startsWith("\x1b[H\x1b[J"), "redrawn from the top");
  const last = frames[1].split("\n");
  const row = last.find((l) => l.includes("BTCUSDT"))!;
  assert.match(row, /binance\s+spot\s+BTCUSDT\s+99\.5\s+102\s+2\.5\s+2\/2\s+111\s/);
  assert.match(row, /\s1\s+1\s+live$/, "resyncs, gaps, state");
  // msg/s: 2 more messages (at 1040 and 1060) between the renders at 1035 and 1060 = 80/s
  assert.match(row, /\s0\.0s\s+80\.0\s+4\s/, row);
});
