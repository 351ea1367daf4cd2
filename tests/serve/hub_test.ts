/**
 * The hub's policy without sockets: per-channel sequence numbers, bounded replay, and a slow
 * consumer closed with 4008 while a fast one keeps receiving.
 */
import assert from "node:assert/strict";
import { Hub, type HubSink, SLOW_CONSUMER_CODE } from "../../lib/server/hub.ts";

function sink(options: { stalled?: boolean } = {}) {
  const sent: string[] = [];
  let closed: [number, string] | undefined;
  const s: HubSink = {
    send: (t) => sent.push(t),
    close: (code, reason) => (closed = [code, reason]),
    // a stalled socket reports a large backlog: nothing more is handed to it
    buffered: () => (options.stalled ? 10 << 20 : 0),
  };
  return { s, sent, closed: () => closed };
}

Deno.test("a slow consumer is closed with 4008 while a fast one receives every message", () => {
  const hub = new Hub({ queueLimit: 5, replay: 10, now: () => 0 });
  const fast = sink(), slow = sink({ stalled: true });
  const f = hub.connect(fast.s), s = hub.connect(slow.s);
  hub.subscribe(f, ["arbitrage"]);
  hub.subscribe(s, ["arbitrage"]);
  for (let i = 1; i <= 8; i++) hub.publish("arbitrage", "arbitrage", { i });
  assert.deepEqual(fast.sent.map((t) => JSON.parse(t).seq), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(slow.sent.length, 0);
  // the 6th message found 5 waiting: closed then, and later ones are not queued
  assert.equal(slow.closed()?.[0], SLOW_CONSUMER_CODE);
  assert.match(slow.closed()![1], /too slow: 5 messages waiting/);
  assert.equal(hub.size, 1);
  assert.equal(fast.closed(), undefined);
});

Deno.test("sequence numbers are per channel and replay is bounded", () => {
  const hub = new Hub({ queueLimit: 100, replay: 3, now: () => Date.UTC(2024, 0, 1) });
  for (let i = 0; i < 5; i++) hub.publish("signals", "signal", { i });
  hub.publish("funding", "funding", {});
  assert.equal(hub.lastSeq("signals"), 5);
  assert.equal(hub.lastSeq("funding"), 1);
  const a = sink();
  const c = hub.connect(a.s);
  // since 3: 4 and 5 are in the buffer (3..5 kept): complete
  const r = hub.subscribe(c, ["signals"], { signals: 3 });
  assert.deepEqual(r.signals, { lastSeq: 5, complete: true });
  assert.deepEqual(a.sent.map((t) => JSON.parse(t).seq), [4, 5]);
  assert.equal(JSON.parse(a.sent[0]).time, "2024-01-01T00:00:00.000Z");
  const b = sink();
  // since 1: 2 already left the buffer, so the replay (3..5) is incomplete
  const r2 = hub.subscribe(hub.connect(b.s), ["signals"], { signals: 1 });
  assert.deepEqual(r2.signals, { lastSeq: 5, complete: false });
  assert.deepEqual(b.sent.map((t) => JSON.parse(t).seq), [3, 4, 5]);
});
