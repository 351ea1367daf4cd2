/**
 * The runner under a fake clock (`@sinonjs/fake-timers`): no overlap when a job outlasts its
 * interval, one catch-up run after a downtime, no re-run after a restart within a slot, starts at
 * slot + jitter, retries within a run, timeouts, the concurrency cap, `once`, and a graceful stop
 * that leaves the database as it was. Every job here writes to a real SQLite store.
 */
import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { SqliteStore } from "../storage/sqlite_store.ts";
import type { JobRunContext, JobRunner, ScheduledJob } from "./job.ts";
import { everyCadence } from "./plan/cadence.ts";
import type { FinishedEvent, SchedulerEvent, SkippedEvent, StartedEvent } from "./plan/events.ts";
import { jitterMs } from "./plan/jitter.ts";
import { DEFAULT_SETTINGS, type ScheduleSettings } from "./plan/resolve.ts";
import { startScheduler } from "./runner.ts";

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const T0 = Date.UTC(2024, 0, 1);

type Clock = ReturnType<typeof FakeTimers.install>;

function fakeClock(now: number): Clock {
  return FakeTimers.install({ now, toFake: ["setTimeout", "clearTimeout", "Date"] });
}

/** A sleep on the (fake) clock that rejects when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const id = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(id);
      reject(signal.reason);
    }, { once: true });
  });
}

function job(name: string, every: string, run: JobRunner, extra: Partial<ScheduledJob> = {}) {
  return {
    name,
    kind: "test",
    cadence: everyCadence(every),
    timeoutMs: 10 * M,
    retries: 0,
    retryDelayMs: 30 * S,
    options: {},
    run,
    ...extra,
  } satisfies ScheduledJob;
}

function recorder() {
  const events: SchedulerEvent[] = [];
  return {
    events,
    onEvent: (e: SchedulerEvent) => events.push(e),
    started: () => events.filter((e): e is StartedEvent => e.type === "started"),
    finished: () => events.filter((e): e is FinishedEvent => e.type === "finished"),
    skipped: () => events.filter((e): e is SkippedEvent => e.type === "skipped"),
  };
}

const settings = (o: Partial<ScheduleSettings> = {}): ScheduleSettings => ({
  ...DEFAULT_SETTINGS,
  ...o,
});

Deno.test("a job that outlasts its interval never overlaps itself: the slots in between are skipped", async () => {
  const clock = fakeClock(T0);
  const store = SqliteStore.open(":memory:");
  let active = 0, most = 0;
  const slow = job("slow", "1m", async () => {
    most = Math.max(most, ++active);
    await sleep(150 * S); // 2.5 minutes
    active--;
    return { outcome: "success" };
  });
  const r = recorder();
  try {
    const handle = startScheduler({
      store,
      jobs: [slow],
      settings: settings(),
      onEvent: r.onEvent,
    });
    await clock.tickAsync(6 * M + 30 * S);
    const j = jitterMs("slow", M);
    assert.equal(most, 1, "never two runs at once");
    assert.deepEqual(r.started().map((e) => e.slot), [T0, T0 + 3 * M, T0 + 6 * M]);
    // fresh database: the first run at once; then each at its slot plus the jitter
    assert.deepEqual(r.started().map((e) => e.startMs), [T0, T0 + 3 * M + j, T0 + 6 * M + j]);
    assert.deepEqual(r.skipped().map((e) => [e.slot, e.reason]), [
      [T0 + M, "overlap"],
      [T0 + 2 * M, "overlap"],
      [T0 + 4 * M, "overlap"],
      [T0 + 5 * M, "overlap"],
    ]);
    // each run starts after the previous one finished
    const fin = r.finished();
    assert.equal(fin.length, 2);
    assert.ok(fin[0].endMs <= r.started()[1].startMs && fin[1].endMs <= r.started()[2].startMs);
    const skippedRows = (await store.listJobRuns({ job: "slow" })).filter((x) =>
      x.status === "skipped"
    );
    assert.equal(skippedRows.length, 4, "skipped slots are recorded");
    const stopped = handle.stop({ graceMs: Infinity }); // the third run finishes first
    await clock.tickAsync(3 * M);
    await stopped;
    assert.equal(r.finished().length, 3);
  } finally {
    store.close();
    clock.uninstall();
  }
});

Deno.test("after a 3-day downtime a job runs one catch-up run at once, then its normal slots", async () => {
  const clock = fakeClock(T0 + 5 * M);
  const store = SqliteStore.open(":memory:");
  const seen: JobRunContext[] = [];
  const hourly = job("collect", "1h", (ctx) => {
    seen.push(ctx);
    return Promise.resolve({ outcome: "success" });
  });
  try {
    const first = startScheduler({ store, jobs: [hourly], settings: settings() });
    await clock.tickAsync(1);
    await first.stop();
    assert.deepEqual(seen.map((c) => c.slot), [T0], "the first run, at once on a fresh database");

    // the machine is off for three days (no timer fires), then the scheduler starts again
    clock.setSystemTime(T0 + 72 * H + 10 * M);
    const r = recorder();
    const second = startScheduler({
      store,
      jobs: [hourly],
      settings: settings(),
      onEvent: r.onEvent,
    });
    await clock.tickAsync(50 * M + 31 * S); // until 73:00:31, past the next slot's jitter (≤ 30 s)
    const j = jitterMs("collect", H);
    assert.deepEqual(
      r.finished().map((e) => [e.slot, e.startMs, e.catchUp, e.missedSlots]),
      [
        // 01:00 .. 71:00 coalesced into the run for 72:00, started at once (no burst)
        [T0 + 72 * H, T0 + 72 * H + 10 * M, true, 71],
        [T0 + 73 * H, T0 + 73 * H + j, false, 0],
      ],
    );
    assert.equal(seen[1].catchUp, true);
    assert.equal(seen[1].coverFromMs, T0, "the catch-up covers the time since the last run");
    assert.equal(seen.length, 3);
    await second.stop();
  } finally {
    store.close();
    clock.uninstall();
  }
});

Deno.test("a restart within a slot does not run the job again; the next slot starts at slot + jitter", async () => {
  const clock = fakeClock(T0 + 5 * M);
  const store = SqliteStore.open(":memory:");
  const starts: number[] = [];
  const hourly = job("macro", "1h", () => {
    starts.push(Date.now());
    return Promise.resolve({ outcome: "success" });
  });
  try {
    const a = startScheduler({ store, jobs: [hourly], settings: settings() });
    await clock.tickAsync(10 * M);
    await a.stop();
    const b = startScheduler({ store, jobs: [hourly], settings: settings() });
    const j = jitterMs("macro", H);
    await clock.tickAsync(T0 + H + j - 1 - Date.now());
    assert.deepEqual(starts, [T0 + 5 * M], "no second run within the slot");
    await clock.tickAsync(1);
    assert.deepEqual(starts, [T0 + 5 * M, T0 + H + j]);
    await b.stop();
  } finally {
    store.close();
    clock.uninstall();
  }
});

Deno.test("retries happen within the run (recorded as attempts), waiting 30 s then 60 s", async () => {
  const clock = fakeClock(T0);
  const store = SqliteStore.open(":memory:");
  let calls = 0;
  const flaky = job("flaky", "1h", (ctx) => {
    calls++;
    assert.equal(ctx.attempt, calls);
    return Promise.resolve(
      calls < 3 ? { outcome: "failed", error: `boom ${calls}` } : { outcome: "success" },
    );
  }, { retries: 2 });
  const r = recorder();
  try {
    const h = startScheduler({ store, jobs: [flaky], settings: settings(), onEvent: r.onEvent });
    await clock.tickAsync(2 * M);
    const [f] = r.finished();
    assert.equal(f.outcome, "success");
    assert.equal(f.attempts, 3);
    assert.equal(
      f.endMs - f.startMs,
      90 * S,
      "30 s before the second attempt, 60 s before the third",
    );
    assert.equal(r.started().length, 1, "one run, not three");
    const [row] = await store.listJobRuns({ job: "flaky" });
    assert.equal(row.attempts, 3);
    await h.stop();
  } finally {
    store.close();
    clock.uninstall();
  }
});

Deno.test("a run that exceeds its timeout is aborted and recorded as timeout, retries used or not", async () => {
  const clock = fakeClock(T0);
  const store = SqliteStore.open(":memory:");
  const stuck = job("stuck", "1h", async (ctx) => {
    await sleep(24 * H, ctx.signal);
    return { outcome: "success" };
  }, { timeoutMs: 10 * M, retries: 3 });
  const r = recorder();
  try {
    const h = startScheduler({ store, jobs: [stuck], settings: settings(), onEvent: r.onEvent });
    await clock.tickAsync(10 * M);
    const [f] = r.finished();
    assert.equal(f.outcome, "timeout");
    assert.equal(f.endMs, T0 + 10 * M);
    assert.equal(f.attempts, 1, "an aborted attempt is not retried");
    assert.match(f.error ?? "", /^timed out after 10m/);
    assert.equal((await store.listJobRuns())[0].status, "timeout");
    await h.stop();
  } finally {
    store.close();
    clock.uninstall();
  }
});

Deno.test("the concurrency cap: due jobs wait their turn, and waiting is not an overlap", async () => {
  const clock = fakeClock(T0);
  const store = SqliteStore.open(":memory:");
  let active = 0, most = 0;
  const work = (name: string) =>
    job(name, "1h", async () => {
      most = Math.max(most, ++active);
      await sleep(M);
      active--;
      return { outcome: "success" };
    });
  const r = recorder();
  try {
    const h = startScheduler({
      store,
      jobs: [work("a"), work("b"), work("c")],
      settings: settings({ concurrency: 2 }),
      onEvent: r.onEvent,
    });
    await clock.tickAsync(3 * M);
    assert.equal(most, 2);
    assert.deepEqual(r.started().map((e) => [e.job, e.startMs]), [
      ["a", T0],
      ["b", T0],
      ["c", T0 + M],
    ]);
    assert.equal(r.skipped().length, 0);
    await h.stop();
  } finally {
    store.close();
    clock.uninstall();
  }
});

Deno.test("once: each due job runs one time, one that already ran is reported, then it stops", async () => {
  const clock = fakeClock(T0 + 10 * M);
  const store = SqliteStore.open(":memory:");
  const ok = (name: string, every: string) =>
    job(name, every, () => Promise.resolve({ outcome: "success" }));
  try {
    // the daily job ran for today's slot already; the hourly one has not run this hour
    const pre = await store.claimJobRun({
      job: "daily",
      slot: T0,
      startedAt: T0,
      catchUp: false,
      missedSlots: 0,
    });
    await store.finishJobRun(pre!, { status: "success", finishedAt: T0 + 1, attempts: 1 });
    const r = recorder();
    const h = startScheduler({
      store,
      jobs: [ok("hourly", "1h"), ok("daily", "1d")],
      settings: settings(),
      once: true,
      onEvent: r.onEvent,
    });
    await clock.tickAsync(1);
    await h.done;
    assert.deepEqual(r.finished().map((e) => [e.job, e.slot, e.startMs]), [[
      "hourly",
      T0,
      T0 + 10 * M,
    ]]);
    assert.deepEqual(r.skipped().map((e) => [e.job, e.slot, e.reason]), [[
      "daily",
      T0,
      "already-ran",
    ]]);
  } finally {
    store.close();
    clock.uninstall();
  }
});

Deno.test("stop mid-job: a job that finishes within the grace succeeds; one that does not is cancelled and rolled back", async () => {
  const clock = fakeClock(T0);
  const store = SqliteStore.open(":memory:");
  const key = { source: "test", asset: "bitcoin", interval: "1d" as const };
  const candle = (i: number) => ({
    ts: T0 - (10 - i) * 24 * H,
    open: 1,
    high: 2,
    low: 1,
    close: 2,
    volume: 1,
  });
  // writes half of its rows, then waits for more data, all in one transaction
  const long = job("long", "1h", async (ctx) => {
    await store.transaction(async () => {
      await store.upsertCandles(key, [0, 1, 2, 3, 4].map(candle));
      await sleep(10 * M, ctx.signal);
      await store.upsertCandles(key, [5, 6, 7, 8, 9].map(candle));
    });
    return { outcome: "success" };
  });
  const short = job("short", "1h", async () => {
    await sleep(500);
    return { outcome: "success" };
  });
  const r = recorder();
  try {
    const h = startScheduler({
      store,
      jobs: [long, short],
      settings: settings({ shutdownTimeoutMs: 2 * S }),
      onEvent: r.onEvent,
    });
    await clock.tickAsync(100);
    const stopped = h.stop({ reason: "interrupted by SIGTERM" });
    await clock.tickAsync(2 * S);
    await stopped;
    const outcome = Object.fromEntries(r.finished().map((e) => [e.job, e.outcome]));
    assert.deepEqual(outcome, { long: "cancelled", short: "success" });
    assert.equal(
      r.finished().find((e) => e.job === "long")!.error,
      "cancelled: interrupted by SIGTERM",
      "why, once (the job's own error only repeats it)",
    );
    assert.deepEqual(
      await store.getCandles(key),
      [],
      "the cancelled job's transaction left nothing",
    );
    const rows = await store.listJobRuns();
    assert.deepEqual(
      rows.map((x) => x.status).sort(),
      ["cancelled", "success"],
      "no run left running",
    );
    assert.equal(
      (await store.jobStates()).find((s) => s.job === "long")?.handledSlot,
      undefined,
      "the cancelled slot runs again after a restart",
    );
    // nothing starts after stop
    await clock.tickAsync(2 * H);
    assert.equal(r.started().length, 2);
  } finally {
    store.close();
    clock.uninstall();
  }
});

Deno.test("a scheduler that cannot read its job state stops, and done rejects with why", async () => {
  const store = SqliteStore.open(":memory:");
  store.close();
  const h = startScheduler({
    store,
    jobs: [job("j", "1h", () => Promise.resolve({ outcome: "success" }))],
    settings: settings(),
  });
  await assert.rejects(() => h.done, /database is not open|closed/i);
});

Deno.test("a job that waits in line past its next slot loses no slot: the wait is coalesced into the current slot's run", async () => {
  // fresh database, concurrency 1, two 3-second jobs every 4 s, started 3.5 s into a slot:
  // `b` waits for `a` (slot T0) until T0+6.5 s, past its next slot T0+4 s
  const clock = fakeClock(T0 + 3_500);
  const store = SqliteStore.open(":memory:");
  const work = (name: string) =>
    job(name, "4s", async () => {
      await sleep(3 * S);
      return { outcome: "success" };
    });
  const r = recorder();
  try {
    const h = startScheduler({
      store,
      jobs: [work("a"), work("b")],
      settings: settings({ concurrency: 1 }),
      onEvent: r.onEvent,
    });
    await clock.tickAsync(30 * S);
    const stopped = h.stop({ graceMs: Infinity });
    await clock.tickAsync(10 * S);
    await stopped;
    const [b] = r.finished().filter((e) => e.job === "b");
    // b joined the line for slot T0 and got a place at T0+6.5 s, in slot T0+4 s: one run for
    // T0+4 s that coalesces T0 (catchUp, missedSlots 1) — not a run for T0+4 s alone
    assert.deepEqual(
      [b.slot, b.startMs, b.catchUp, b.missedSlots],
      [T0 + 4 * S, T0 + 6_500, true, 1],
    );
    const rows = await store.listJobRuns();
    const first = (await store.listJobRuns({ job: "b" })).at(-1)!;
    assert.deepEqual([first.slot, first.status, first.missedSlots], [T0 + 4 * S, "success", 1]);
    // every slot of either job, from T0 to its newest record, is accounted for exactly once: a
    // run for it, a run that coalesced it (the missedSlots slots before the run's own), or a
    // recorded skip
    for (const name of ["a", "b"]) {
      const mine = rows.filter((x) => x.job === name);
      const newest = Math.max(...mine.map((x) => x.slot));
      const counted = new Map<number, number>();
      const count = (slot: number) => counted.set(slot, (counted.get(slot) ?? 0) + 1);
      for (const x of mine) {
        assert.notEqual(x.status, "running", "every run ended");
        count(x.slot);
        for (let k = 1; k <= x.missedSlots; k++) count(x.slot - k * 4 * S);
      }
      for (let slot = T0; slot <= newest; slot += 4 * S) {
        assert.equal(counted.get(slot), 1, `${name}: slot +${(slot - T0) / S}s accounted once`);
      }
      assert.equal(counted.size, (newest - T0) / (4 * S) + 1, `${name}: no slot before T0`);
    }
    assert.ok(r.finished().some((e) => e.job === "a" && e.startMs > e.slot), "a ran late too");
  } finally {
    store.close();
    clock.uninstall();
  }
});
