import assert from "node:assert/strict";
import { trustLevels, type WireLevel } from "../levels.ts";
import type { SyncEffect } from "../sync.ts";
import type { BinanceDepth } from "./parse.ts";
import { BinanceBookSync, type BinanceSyncOptions } from "./sync.ts";

const NONE: WireLevel[] = [];

/** A spot depth event `U..u`. */
function spot(
  U: number,
  u: number,
  bids: WireLevel[] = NONE,
  asks: WireLevel[] = NONE,
): BinanceDepth {
  return {
    symbol: "BTCUSDT",
    U,
    u,
    pu: null,
    eventTimeMs: 0,
    transactTimeMs: null,
    bids: trustLevels(bids),
    asks: trustLevels(asks),
  };
}

/** A USDⓈ-M depth event `U..u` whose previous event ended at `pu`. */
function perp(U: number, u: number, pu: number, bids: WireLevel[] = NONE): BinanceDepth {
  return { ...spot(U, u, bids), pu, transactTimeMs: 0 };
}

function snap(lastUpdateId: number, bids: WireLevel[], asks: WireLevel[]) {
  return { lastUpdateId, bids: trustLevels(bids), asks: trustLevels(asks) };
}

function make(o: Partial<BinanceSyncOptions> = {}) {
  return new BinanceBookSync({ market: "spot", symbol: "BTCUSDT", ...o });
}

/** The epoch of the single snapshot request among `effects`. */
function requested(effects: readonly SyncEffect[]): number {
  const r = effects.filter((e) => e.type === "requestSnapshot");
  assert.equal(r.length, 1, `expected one snapshot request in ${JSON.stringify(effects)}`);
  return (r[0] as { epoch: number }).epoch;
}

/** A spot book live at update 115: bids 10×2, 9×1; asks 11×3, 12×1. */
function liveSpot(o: Partial<BinanceSyncOptions> = {}) {
  const s = make(o);
  const e = requested(s.depth(spot(100, 105, [["10", "1"]]), 0));
  s.depth(spot(106, 110, [["10", "2"]], [["11", "1"]]), 1);
  s.depth(spot(111, 115, NONE, [["11", "3"]]), 2);
  const out = s.snapshot(e, snap(107, [["10", "5"], ["9", "1"]], [["11", "4"], ["12", "1"]]), 5);
  return { s, out };
}

Deno.test("spot: buffered events up to lastUpdateId are dropped, the first bridges, the rest continue", () => {
  const s = make();
  const first = s.depth(spot(100, 105, [["10", "1"]]), 0);
  assert.deepEqual(first, [{
    type: "requestSnapshot",
    epoch: 1,
    limit: 1000,
    weight: 50,
    delayMs: 0,
  }]);
  assert.equal(s.status().state, "syncing");
  const { s: live, out } = liveSpot();
  // 100..105 is inside the snapshot (105 <= 107); 106..110 bridges (106 <= 108 <= 110); 111 = 110 + 1
  assert.deepEqual(out, [{ type: "live", atMs: 5, syncMs: 5 }]);
  const st = live.status();
  assert.equal(st.state, "live");
  assert.equal(st.lastUpdateId, 115);
  assert.equal(st.buffered, 0);
  assert.deepEqual(live.book.levels("bid"), [["10", "2"], ["9", "1"]]);
  assert.deepEqual(live.book.levels("ask"), [["11", "3"], ["12", "1"]]);
  assert.equal(st.counters.messages, 3);
  assert.equal(st.counters.applied, 2);
  assert.equal(st.counters.duplicates, 1);
  assert.equal(st.counters.resyncs, 0, "the first sync is not a resync");
});

Deno.test("spot: a snapshot newer than every buffered event waits for the next event to bridge", () => {
  const s = make();
  const e = requested(s.depth(spot(100, 105), 0));
  s.snapshot(e, snap(110, [["10", "1"]], [["11", "1"]]), 1);
  assert.equal(s.status().state, "live");
  assert.equal(s.status().lastUpdateId, 110);
  // 108..112 overlaps the snapshot (108 <= 111 <= 112): the bridge rule accepts it
  assert.deepEqual(s.depth(spot(108, 112, [["10", "3"]]), 2), []);
  assert.deepEqual(s.book.best("bid"), ["10", "3"]);
  // from now on the strict rule: 112..113 overlaps but does not continue 112 + 1
  const out = s.depth(spot(112, 113), 3);
  assert.equal(out[0].type, "resync");
  assert.equal((out[0] as { reason: string }).reason, "backwards");
});

Deno.test("spot: a gap in the live stream puts the book into resync with the gap size", () => {
  const { s } = liveSpot();
  const out = s.depth(spot(118, 120, [["10", "9"]]), 10);
  assert.deepEqual(out[0], {
    type: "resync",
    reason: "gap",
    atMs: 10,
    expected: 116,
    got: 118,
    missed: 2,
  });
  const e = requested(out);
  const st = s.status();
  assert.equal(st.state, "resyncing");
  assert.equal(st.counters.gaps, 1);
  assert.equal(st.counters.resyncs, 1);
  assert.equal(st.buffered, 1, "the event that revealed the gap starts the new buffer");
  // the book is rebuilt from the new snapshot and the buffered event
  const back = s.snapshot(e, snap(119, [["10", "4"]], [["11", "1"]]), 14);
  assert.deepEqual(back, [{ type: "live", atMs: 14, syncMs: 4 }]);
  assert.deepEqual(s.book.levels("bid"), [["10", "9"]]);
  assert.equal(s.status().lastUpdateId, 120);
  assert.equal(s.status().counters.resyncs, 1);
});

Deno.test("spot: continuity is checked on every live message, not only after the snapshot", () => {
  const { s } = liveSpot();
  let u = 115;
  for (let i = 0; i < 1000; i++, u += 3) assert.deepEqual(s.depth(spot(u + 1, u + 3), 20 + i), []);
  assert.equal(s.status().lastUpdateId, 3115);
  const out = s.depth(spot(3117, 3118), 2000);
  assert.equal((out[0] as { reason: string }).reason, "gap");
  assert.equal((out[0] as { missed: number }).missed, 1);
});

Deno.test("spot: a duplicate is dropped and the book stays live and unchanged", () => {
  const { s } = liveSpot();
  assert.deepEqual(s.depth(spot(111, 115, NONE, [["11", "99"]]), 10), []);
  assert.deepEqual(s.depth(spot(114, 115), 11), []);
  const st = s.status();
  assert.equal(st.state, "live");
  assert.equal(st.counters.duplicates, 3, "one dropped at the snapshot, two now");
  assert.deepEqual(s.book.best("ask"), ["11", "3"]);
});

Deno.test("spot: an out-of-order pair is a gap; the late event is dropped while resyncing", () => {
  const { s } = liveSpot();
  const out = s.depth(spot(121, 125, [["10", "7"]]), 10); // 116..120 is late
  assert.equal((out[0] as { missed: number }).missed, 5);
  const e = requested(out);
  assert.deepEqual(s.depth(spot(116, 120, [["10", "1"]]), 11), []);
  assert.equal(s.status().buffered, 1, "116..120 is older than the buffered 121..125");
  s.snapshot(e, snap(122, [["10", "6"]], [["11", "1"]]), 12);
  assert.equal(s.status().state, "live");
  assert.equal(s.status().lastUpdateId, 125);
  assert.deepEqual(s.book.best("bid"), ["10", "7"]);
});

Deno.test("spot: a snapshot older than the buffered events is discarded and requested again", () => {
  const s = make();
  const e1 = requested(s.depth(spot(200, 210, [["10", "1"]]), 0));
  const again = s.snapshot(e1, snap(150, [["9", "1"]], [["11", "1"]]), 1);
  const e2 = requested(again);
  assert.ok(e2 > e1);
  assert.equal((again[0] as { delayMs: number }).delayMs, 250, "the second try backs off");
  assert.equal(s.status().state, "syncing");
  assert.equal(s.book.count("bid"), 0, "the old snapshot was not installed");
  assert.equal(s.status().counters.snapshotsDiscarded, 1);
  s.snapshot(e2, snap(205, [["9", "1"]], [["11", "1"]]), 2);
  assert.equal(s.status().state, "live");
  assert.deepEqual(s.book.levels("bid"), [["10", "1"], ["9", "1"]]);
});

Deno.test("spot: a snapshot requested before a reconnect is discarded (epoch per book)", () => {
  const s = make();
  const old = requested(s.depth(spot(100, 105), 0));
  s.closed(1);
  s.opened(2);
  assert.deepEqual(s.snapshot(old, snap(104, [["10", "1"]], [["11", "1"]]), 3), []);
  assert.equal(s.status().counters.snapshotsDiscarded, 1);
  assert.equal(s.status().state, "syncing");
  assert.equal(s.book.count("bid"), 0);
  const fresh = requested(s.depth(spot(300, 305), 4));
  assert.ok(fresh > old);
  s.snapshot(fresh, snap(302, [["10", "1"]], [["11", "1"]]), 5);
  assert.equal(s.status().state, "live");
  assert.equal(s.status().lastUpdateId, 305);
});

Deno.test("spot: a dropped connection makes a live book stale; the reconnect is one resync", () => {
  const { s } = liveSpot();
  assert.deepEqual(s.closed(100), [{ type: "stale", atMs: 100, silentMs: 98 }]);
  assert.equal(s.status().state, "stale");
  assert.equal(s.book.count("bid"), 2, "a stale book keeps its levels");
  assert.deepEqual(s.opened(200), [{ type: "resync", reason: "reconnect", atMs: 200 }]);
  assert.equal(s.status().state, "resyncing");
  const e = requested(s.depth(spot(500, 510), 201));
  s.snapshot(e, snap(505, [["10", "1"]], [["11", "1"]]), 230);
  assert.equal(s.status().state, "live");
  assert.equal(s.status().counters.resyncs, 1);
});

Deno.test("spot: a full buffer drops its oldest events, counting each as a gap", () => {
  const s = make({ maxBuffered: 3 });
  const e1 = requested(s.depth(spot(1, 1, [["10", "1"]]), 0));
  for (let u = 2; u <= 5; u++) s.depth(spot(u, u, [["10", String(u)]]), u);
  let st = s.status();
  assert.equal(st.buffered, 3);
  assert.equal(st.counters.overflows, 2);
  assert.equal(st.counters.gaps, 2);
  // events 1 and 2 are gone: a snapshot at 1 cannot be bridged to 3..3
  const e2 = requested(s.snapshot(e1, snap(1, [["10", "1"]], [["11", "1"]]), 6));
  s.snapshot(e2, snap(3, [["10", "3"]], [["11", "1"]]), 7);
  st = s.status();
  assert.equal(st.state, "live");
  assert.equal(st.lastUpdateId, 5);
  assert.deepEqual(s.book.best("bid"), ["10", "5"]);
});

Deno.test("spot: a gap inside the buffer keeps only the newest run", () => {
  const s = make();
  const e = requested(s.depth(spot(1, 2), 0));
  s.depth(spot(3, 4), 1);
  s.depth(spot(9, 10, [["10", "2"]]), 2); // 5..8 missing
  assert.equal(s.status().buffered, 1);
  assert.equal(s.status().counters.gaps, 1);
  s.snapshot(e, snap(9, [["10", "1"]], [["11", "1"]]), 3);
  assert.equal(s.status().state, "live");
  assert.equal(s.status().lastUpdateId, 10);
});

Deno.test("spot: a crossed book after a live message is a resync; a crossed snapshot is discarded", () => {
  const { s } = liveSpot();
  const out = s.depth(spot(116, 116, [["11.5", "1"]]), 10);
  assert.deepEqual(out[0], { type: "resync", reason: "crossed", atMs: 10 });
  const e = requested(out);
  assert.equal(s.status().counters.crossed, 1);
  const again = s.snapshot(e, snap(117, [["12", "1"]], [["11", "1"]]), 11);
  requested(again);
  assert.equal(s.status().state, "resyncing");
  assert.equal(s.status().counters.crossed, 2);
  assert.equal(s.status().counters.resyncs, 1, "one resync, retried");
});

Deno.test("spot: a failed snapshot is retried after the server's Retry-After; a stale failure is ignored", () => {
  const s = make();
  const e1 = requested(s.depth(spot(1, 2), 0));
  const retry = s.snapshotFailed(e1, 1, 5000);
  assert.equal((retry[0] as { delayMs: number }).delayMs, 5000);
  const e2 = requested(retry);
  assert.deepEqual(s.snapshotFailed(e1, 2), [], "an answer to an old request changes nothing");
  assert.equal(s.status().epoch, e2);
});

Deno.test("a silent live book is marked stale once, and a continuing message makes it live again", () => {
  const { s } = liveSpot({ staleAfterMs: 1000 });
  assert.deepEqual(s.handle({ type: "tick", atMs: 900 }), []);
  assert.deepEqual(s.handle({ type: "tick", atMs: 1002 }), [{
    type: "stale",
    atMs: 1002,
    silentMs: 1000,
  }]);
  assert.deepEqual(s.handle({ type: "tick", atMs: 1500 }), [], "signalled once");
  assert.equal(s.status().state, "stale");
  // back to live after 1600 - 1002 = 598 ms of staleness
  assert.deepEqual(s.depth(spot(116, 117), 1600), [{ type: "live", atMs: 1600, syncMs: 598 }]);
  assert.equal(s.status().state, "live");
  assert.equal(s.status().counters.resyncs, 0);
});

Deno.test("USDⓈ-M: the first event bridges with pu <= lastUpdateId, then each pu equals the previous u", () => {
  const s = make({ market: "perp" });
  const e = requested(s.depth(perp(100, 110, 95, [["10", "1"]]), 0));
  assert.equal(s.status().counters.snapshotRequests, 1);
  s.depth(perp(115, 120, 110, [["10", "2"]]), 1);
  const out = s.snapshot(e, snap(105, [["10", "5"]], [["11", "1"]]), 2);
  assert.equal(out[0].type, "live");
  assert.equal(s.status().lastUpdateId, 120);
  assert.deepEqual(s.book.best("bid"), ["10", "2"]);
  // pu 125 != 120: the events ending at 121..125 were missed
  const gap = s.depth(perp(130, 140, 125), 3);
  assert.deepEqual(gap[0], {
    type: "resync",
    reason: "gap",
    atMs: 3,
    expected: 120,
    got: 125,
    missed: 5,
  });
});

Deno.test("USDⓈ-M: a pu before the previous u is a sequence going backwards", () => {
  const s = make({ market: "perp" });
  const e = requested(s.depth(perp(100, 110, 95), 0));
  s.snapshot(e, snap(100, [["10", "5"]], [["11", "1"]]), 1);
  const out = s.depth(perp(108, 125, 105), 2);
  assert.deepEqual(out[0], {
    type: "resync",
    reason: "backwards",
    atMs: 2,
    expected: 110,
    got: 105,
  });
});

Deno.test("USDⓈ-M: a snapshot before the first buffered event's pu is older than the buffer", () => {
  const s = make({ market: "perp", snapshotLimit: 500 });
  const out = s.depth(perp(100, 110, 95), 0);
  assert.equal((out[0] as { weight: number }).weight, 10, "limit 500 on USDⓈ-M weighs 10");
  const again = s.snapshot(requested(out), snap(90, [["10", "5"]], [["11", "1"]]), 1);
  requested(again);
  assert.equal(s.status().state, "syncing");
});

Deno.test("a bad option is refused before anything runs", () => {
  assert.throws(() => make({ snapshotLimit: 0 }), /limit must be a whole number 1–5000/);
  assert.throws(
    () => make({ market: "perp", snapshotLimit: 5000 }),
    /one of 5, 10, 20, 50, 100, 500, 1000/,
  );
  assert.throws(() => make({ maxBuffered: 0 }), /maxBuffered must be ≥ 1/);
  assert.throws(() => make({ staleAfterMs: 0 }), /staleAfterMs must be > 0/);
});
