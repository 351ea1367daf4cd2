import assert from "node:assert/strict";
import { trustLevels, type WireLevel } from "../levels.ts";
import type { BybitBookMessage } from "./parse.ts";
import { BybitBookSync, type BybitSyncOptions } from "./sync.ts";

function msg(
  type: "snapshot" | "delta",
  u: number,
  bids: WireLevel[] = [],
  asks: WireLevel[] = [],
  depth = 50,
): BybitBookMessage {
  return {
    topic: `orderbook.${depth}.BTCUSDT`,
    depth,
    symbol: "BTCUSDT",
    type,
    u,
    seq: 7_961_638_724 + u * 17, // unrelated to u: must never be read as the update id
    tsMs: 0,
    ctsMs: 0,
    bids: trustLevels(bids),
    asks: trustLevels(asks),
  };
}

function make(o: Partial<BybitSyncOptions> = {}) {
  return new BybitBookSync({ market: "perp", symbol: "BTCUSDT", ...o });
}

/** A book live at u = 10: bids 100×1, 99×2; asks 101×1. */
function live(o: Partial<BybitSyncOptions> = {}) {
  const s = make(o);
  s.opened(0);
  const out = s.depth(msg("snapshot", 10, [["100", "1"], ["99", "2"]], [["101", "1"]]), 3);
  return { s, out };
}

Deno.test("the first snapshot makes the book live; deltas continue with u = prev + 1", () => {
  const { s, out } = live();
  assert.deepEqual(out, [{ type: "live", atMs: 3, syncMs: 3 }]);
  assert.deepEqual(s.depth(msg("delta", 11, [["100", "0"], ["99.5", "3"]]), 4), []);
  assert.deepEqual(s.depth(msg("delta", 12, [], [["101", "0.5"]]), 5), []);
  const st = s.status();
  assert.equal(st.state, "live");
  assert.equal(st.lastUpdateId, 12, "the u of the last applied message, never seq");
  assert.deepEqual(s.book.levels("bid"), [["99.5", "3"], ["99", "2"]]);
  assert.deepEqual(s.book.levels("ask"), [["101", "0.5"]]);
  assert.equal(st.counters.applied, 3);
  assert.equal(st.counters.resyncs, 0);
});

Deno.test("deltas before the first snapshot are dropped", () => {
  const s = make();
  s.opened(0);
  assert.deepEqual(s.depth(msg("delta", 5, [["1", "1"]]), 1), []);
  assert.equal(s.status().counters.dropped, 1);
  assert.equal(s.book.count("bid"), 0);
  assert.equal(s.status().state, "syncing");
});

Deno.test("a gap in u resubscribes this one topic; its next snapshot rebuilds the book", () => {
  const { s } = live();
  const out = s.depth(msg("delta", 14), 10);
  assert.deepEqual(out, [
    { type: "resync", reason: "gap", atMs: 10, expected: 11, got: 14, missed: 3 },
    { type: "resubscribe", epoch: 2, delayMs: 0 },
  ]);
  assert.equal(s.status().state, "resyncing");
  assert.deepEqual(s.depth(msg("delta", 15), 11), [], "deltas wait for the snapshot");
  assert.equal(s.status().counters.dropped, 1);
  assert.deepEqual(s.depth(msg("snapshot", 20, [["100", "4"]], [["101", "1"]]), 15), [
    { type: "live", atMs: 15, syncMs: 5 },
  ]);
  assert.equal(s.status().lastUpdateId, 20);
  assert.deepEqual(s.book.levels("bid"), [["100", "4"]]);
  assert.equal(s.status().counters.resyncs, 1);
  assert.equal(s.status().counters.gaps, 1);
});

Deno.test("a repeated or older u on a delta is a sequence going backwards", () => {
  for (const u of [10, 7]) {
    const { s } = live();
    const out = s.depth(msg("delta", u), 10);
    assert.deepEqual(out[0], {
      type: "resync",
      reason: "backwards",
      atMs: 10,
      expected: 11,
      got: u,
    });
    assert.equal(s.status().counters.gaps, 0);
  }
});

Deno.test("u = 1 is a restart: the snapshot overwrites the book, counted as a resync", () => {
  const { s } = live();
  s.depth(msg("delta", 11, [["98", "1"]]), 4);
  const out = s.depth(msg("snapshot", 1, [["200", "1"]], [["201", "1"]]), 5);
  assert.deepEqual(out, [
    { type: "resync", reason: "restart", atMs: 5, expected: 12, got: 1 },
    { type: "live", atMs: 5, syncMs: 0 },
  ]);
  assert.deepEqual(s.book.levels("bid"), [["200", "1"]], "no level of the old book survives");
  assert.equal(s.status().lastUpdateId, 1);
  assert.deepEqual(s.depth(msg("delta", 2, [["199", "1"]]), 6), []);
  assert.equal(s.status().lastUpdateId, 2);
  assert.equal(s.status().counters.resyncs, 1);
});

Deno.test("a new snapshot resets the book and counts a resync; one repeating the last u does not", () => {
  const { s } = live();
  assert.deepEqual(
    s.depth(msg("snapshot", 10, [["100", "1"], ["99", "2"]], [["101", "1"]]), 4),
    [],
  );
  assert.equal(s.status().counters.resyncs, 0);
  const out = s.depth(msg("snapshot", 30, [["90", "1"]], [["91", "1"]]), 5);
  assert.equal((out[0] as { reason: string }).reason, "snapshot");
  assert.deepEqual(s.book.levels("bid"), [["90", "1"]]);
  assert.equal(s.status().counters.resyncs, 1);
  assert.equal(s.status().state, "live");
});

Deno.test("on a level-1 topic every snapshot is an update; only u = 1 counts as a resync", () => {
  const s = make({ depth: 1 });
  s.opened(0);
  s.depth(msg("snapshot", 10, [["100", "1"]], [["101", "1"]], 1), 1);
  assert.deepEqual(s.depth(msg("snapshot", 14, [["100.5", "1"]], [["101", "1"]], 1), 2), []);
  assert.deepEqual(s.depth(msg("snapshot", 14, [["100.5", "1"]], [["101", "1"]], 1), 3), []);
  assert.equal(s.status().counters.resyncs, 0);
  assert.deepEqual(s.book.best("bid"), ["100.5", "1"]);
  assert.equal(s.depth(msg("snapshot", 1, [["100", "1"]], [["101", "1"]], 1), 4)[0].type, "resync");
});

Deno.test("a crossed book after a delta is a resync", () => {
  const { s } = live();
  const out = s.depth(msg("delta", 11, [["101", "1"]]), 5);
  assert.deepEqual(out, [
    { type: "resync", reason: "crossed", atMs: 5 },
    { type: "resubscribe", epoch: 2, delayMs: 0 },
  ]);
  assert.equal(s.status().counters.crossed, 1);
});

Deno.test("a reconnect makes a live book stale, then rebuilds it from the new snapshot (one resync)", () => {
  const { s } = live();
  assert.equal(s.closed(50)[0].type, "stale");
  assert.equal(s.status().state, "stale");
  assert.deepEqual(s.opened(60), [{ type: "resync", reason: "reconnect", atMs: 60 }]);
  assert.deepEqual(s.depth(msg("delta", 11), 61), [], "a delta from the new connection waits");
  s.depth(msg("snapshot", 500, [["100", "1"]], [["101", "1"]]), 62);
  assert.equal(s.status().state, "live");
  assert.equal(s.status().counters.resyncs, 1);
});

Deno.test("a snapshot that never comes is asked for again, backing off", () => {
  const s = make({ resubscribeAfterMs: 1000, staleAfterMs: 60_000 });
  s.opened(0);
  assert.deepEqual(s.tick(999), []);
  assert.deepEqual(s.tick(1000), [{ type: "resubscribe", epoch: 2, delayMs: 0 }]);
  assert.deepEqual(s.tick(2000), [{ type: "resubscribe", epoch: 3, delayMs: 250 }]);
  assert.deepEqual(s.tick(2500), []);
});

Deno.test("REST snapshot events are not used by a Bybit book", () => {
  const { s } = live();
  const snapshot = { lastUpdateId: 99, bids: trustLevels([]), asks: trustLevels([]) };
  assert.deepEqual(s.handle({ type: "snapshot", atMs: 5, epoch: 1, snapshot }), []);
  assert.equal(s.status().counters.snapshotsDiscarded, 1);
  assert.equal(s.status().lastUpdateId, 10);
});
