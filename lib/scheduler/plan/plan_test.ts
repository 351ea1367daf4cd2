import assert from "node:assert/strict";
import { cronCadence, everyCadence } from "./cadence.ts";
import { jitterMs } from "./jitter.ts";
import { type DuePlan, overlapSkips, planAfterWait, planJob } from "./plan.ts";

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const T0 = Date.UTC(2024, 0, 1);
const hourly = everyCadence("1h");
const WEEK = 7 * D;
const j = jitterMs("collect", H);

Deno.test("a job with no run yet (fresh database) is due at once for the current slot", () => {
  const p = planJob({
    name: "collect",
    cadence: hourly,
    nowMs: T0 + 10 * H + 17 * M,
    maxCatchUpMs: WEEK,
  });
  assert.deepEqual(p, {
    due: true,
    slot: T0 + 10 * H,
    catchUp: false,
    missedSlots: 0,
    dropped: false,
  });
});

Deno.test("a job that ran for the current slot waits for the next slot plus its jitter", () => {
  const p = planJob({
    name: "collect",
    cadence: hourly,
    handledSlot: T0 + 10 * H,
    nowMs: T0 + 10 * H + 17 * M,
    maxCatchUpMs: WEEK,
  });
  assert.deepEqual(p, { due: false, slot: T0 + 11 * H, runAtMs: T0 + 11 * H + j });
});

Deno.test("a job that ran for the previous slot starts at the current slot plus its jitter", () => {
  const base = { name: "collect", cadence: hourly, handledSlot: T0 + 9 * H, maxCatchUpMs: WEEK };
  assert.deepEqual(planJob({ ...base, nowMs: T0 + 10 * H }), {
    due: false,
    slot: T0 + 10 * H,
    runAtMs: T0 + 10 * H + j,
  });
  assert.deepEqual(planJob({ ...base, nowMs: T0 + 10 * H + j }), {
    due: true,
    slot: T0 + 10 * H,
    catchUp: false,
    missedSlots: 0,
    dropped: false,
  });
  // --once does not wait for the jitter
  assert.equal(planJob({ ...base, nowMs: T0 + 10 * H, ignoreJitter: true }).due, true);
});

Deno.test("after a 3-day downtime the missed slots coalesce into one catch-up run, due at once", () => {
  // last run for 00:00 on day 0; back at 00:10 on day 3: 01:00 .. 71:00 were missed (71 slots)
  const p = planJob({
    name: "collect",
    cadence: hourly,
    handledSlot: T0,
    nowMs: T0 + 72 * H + 10 * M,
    maxCatchUpMs: WEEK,
  });
  assert.deepEqual(p, {
    due: true,
    slot: T0 + 72 * H,
    catchUp: true,
    missedSlots: 71,
    dropped: false,
    coverFromMs: T0,
  });
});

Deno.test("missed slots older than the catch-up bound are dropped, not caught up", () => {
  // down for 10 days with a 7-day bound: only slots of the last 7 days count (7 × 24 = 168, the
  // current slot excluded, the one exactly at the horizon included: 168 - 1 + 1)
  const now = T0 + 10 * D;
  const p = planJob({
    name: "collect",
    cadence: hourly,
    handledSlot: T0,
    nowMs: now,
    maxCatchUpMs: WEEK,
  });
  assert.equal(p.due, true);
  if (!p.due) return;
  assert.equal(p.missedSlots, 168);
  assert.equal(p.dropped, true);
  assert.equal(p.coverFromMs, now - WEEK);
  // a bound of 0 catches nothing up: the current slot simply runs
  const none = planJob({
    name: "collect",
    cadence: hourly,
    handledSlot: T0,
    nowMs: now + j,
    maxCatchUpMs: 0,
  });
  assert.deepEqual(none, { due: true, slot: now, catchUp: false, missedSlots: 0, dropped: true });
});

Deno.test("a cron job's catch-up counts the fire times it missed", () => {
  const weekdays = cronCadence("30 22 * * 1-5");
  // ran Mon 1st 22:30; back Mon 8th 23:00: Tue..Fri missed (4), Mon 8th is the current slot
  const p = planJob({
    name: "macro",
    cadence: weekdays,
    handledSlot: T0 + 22.5 * H,
    nowMs: T0 + 7 * D + 23 * H,
    maxCatchUpMs: WEEK,
  });
  assert.deepEqual(p, {
    due: true,
    slot: T0 + 7 * D + 22.5 * H,
    catchUp: true,
    missedSlots: 4,
    dropped: false,
    coverFromMs: T0 + 23 * H, // the catch-up bound (a week before now) is later than the last run
  });
});

Deno.test("a running job skips every slot whose start came while it runs, and no other", () => {
  const minute = everyCadence("1m");
  const jm = jitterMs("slow", M);
  // the run for slot 0 is still going at 2.5 min: slots 1 min and 2 min were skipped
  const s = overlapSkips("slow", minute, 0, 150_000);
  assert.deepEqual(s.slots, [M, 2 * M]);
  assert.equal(s.total, 2);
  assert.equal(s.nextCheckMs, 3 * M + jm);
  // just before slot 1's start (plus jitter) nothing is skipped yet
  assert.equal(overlapSkips("slow", minute, 0, M + jm - 1).total, 0);
  assert.equal(overlapSkips("slow", minute, 0, M + jm).total, 1);
  // a cron cadence, walked slot by slot (jitter ≤ 30 s, so 15:30 is past every start)
  const c = overlapSkips("slow", cronCadence("*/5 * * * *"), T0, T0 + 16 * M);
  assert.deepEqual(c.slots, [T0 + 5 * M, T0 + 10 * M, T0 + 15 * M]);
});

Deno.test("a run that outlasts many slots counts them all but lists the newest thousand", () => {
  const s = overlapSkips("slow", everyCadence("1s"), 0, 5_000_000);
  const js = jitterMs("slow", 1_000);
  assert.equal(s.total, Math.floor((5_000_000 - js - 1_000) / 1_000) + 1);
  assert.equal(s.slots.length, 1_000);
  assert.equal(s.slots[s.slots.length - 1], s.total * 1_000);
});

Deno.test("a job that waited in line keeps its slot while it lasts, then coalesces the slots it waited through", () => {
  const queued: DuePlan = { due: true, slot: T0, catchUp: false, missedSlots: 0, dropped: false };
  const base = { name: "collect", cadence: hourly, queued, maxCatchUpMs: WEEK };
  // a place within its slot: the planned run, late (fresh database or not)
  assert.deepEqual(planAfterWait({ ...base, nowMs: T0 + 50 * M }), queued);
  // a place 2 h 10 min later, on a fresh database: the run for 02:00 stands for 00:00 and 01:00
  assert.deepEqual(planAfterWait({ ...base, nowMs: T0 + 2 * H + 10 * M }), {
    due: true,
    slot: T0 + 2 * H,
    catchUp: true,
    missedSlots: 2,
    dropped: false,
  });
  // with a last run at 23:00 the day before: it covers from then, and agrees with planJob
  const handled = T0 - H;
  const after = planAfterWait({ ...base, handledSlot: handled, nowMs: T0 + 2 * H + 10 * M });
  assert.deepEqual(after, {
    due: true,
    slot: T0 + 2 * H,
    catchUp: true,
    missedSlots: 2,
    dropped: false,
    coverFromMs: handled,
  });
  assert.deepEqual(
    after,
    planJob({ ...base, handledSlot: handled, nowMs: T0 + 2 * H + 10 * M }),
  );
  // a queued catch-up keeps what it coalesced: 5 missed + its own slot + 01:00
  const catchUp: DuePlan = { ...queued, catchUp: true, missedSlots: 5, coverFromMs: T0 - 6 * H };
  assert.deepEqual(planAfterWait({ ...base, queued: catchUp, nowMs: T0 + 2 * H }), {
    ...catchUp,
    slot: T0 + 2 * H,
    missedSlots: 7,
  });
});
