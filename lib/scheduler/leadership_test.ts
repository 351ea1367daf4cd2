/**
 * Leadership against a real redis-server, in real time (short lock expiry): a leader that loses
 * the lock stops — its running job is cancelled and recorded as such — and when it wins the lock
 * back it runs the cancelled slot again. Waits are bounded by generous deadlines, never asserted.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { testRedis } from "../../tests/helpers/redis.ts";
import { RedisLeaderLock } from "../storage/redis_leader_lock.ts";
import { SqliteStore } from "../storage/sqlite_store.ts";
import { everyCadence } from "./plan/cadence.ts";
import type { FinishedEvent, SchedulerEvent } from "./plan/events.ts";
import { DEFAULT_SETTINGS } from "./plan/resolve.ts";
import { startScheduler } from "./runner.ts";

async function until(ok: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A scheduler on `lock` (600 ms expiry) with one daily job that succeeds, and its events. */
function leaderScheduler(lock: RedisLeaderLock) {
  const store = SqliteStore.open(":memory:");
  const events: SchedulerEvent[] = [];
  const handle = startScheduler({
    store,
    settings: { ...DEFAULT_SETTINGS, leaderTtlMs: 600 },
    leader: lock,
    onEvent: (e) => events.push(e),
    jobs: [{
      name: "job",
      kind: "test",
      cadence: everyCadence("1d"),
      timeoutMs: 60_000,
      retries: 0,
      retryDelayMs: 0,
      options: {},
      run: () => Promise.resolve({ outcome: "success" }),
    }],
  });
  return { store, events, handle };
}

Deno.test("a leader that loses the lock cancels its running job, and reruns that slot when it leads again", async () => {
  const redis = await testRedis();
  if (!redis) return;
  const key = `mts:test:leader:${crypto.randomUUID()}`;
  const lock = await RedisLeaderLock.connect(redis.url, { key });
  const thief = new Redis(redis.url);
  const store = SqliteStore.open(":memory:");
  const events: SchedulerEvent[] = [];
  let runs = 0;
  const handle = startScheduler({
    store,
    settings: { ...DEFAULT_SETTINGS, leaderTtlMs: 600 },
    leader: lock,
    onEvent: (e) => events.push(e),
    jobs: [{
      name: "long",
      kind: "test",
      cadence: everyCadence("1d"),
      timeoutMs: 60_000,
      retries: 0,
      retryDelayMs: 0,
      options: {},
      run: (ctx) => {
        runs++;
        // the first run waits until it is cancelled; the rerun succeeds
        if (runs > 1) return Promise.resolve({ outcome: "success" });
        return new Promise((resolve) =>
          ctx.signal.addEventListener(
            "abort",
            () => resolve({ outcome: "failed", error: "stopped" }),
          )
        );
      },
    }],
  });
  const finished = () => events.filter((e): e is FinishedEvent => e.type === "finished");
  try {
    await until(() => events.some((e) => e.type === "started"), "the first run");
    assert.equal(handle.status().leader, true);
    // another instance takes the lock (as after a network partition longer than the expiry)
    await thief.set(key, "someone-else", "PX", 60_000);
    await until(() => finished().length === 1, "the run to be cancelled");
    assert.equal(finished()[0].outcome, "cancelled");
    assert.match(finished()[0].error ?? "", /^cancelled: leadership lost/);
    assert.deepEqual(
      events.filter((e) => e.type === "leader").map((e) => e.type === "leader" && e.state),
      ["leader", "standby"],
    );
    assert.equal(handle.status().leader, false);
    // the other instance goes away: this one leads again and runs the cancelled slot once more
    await thief.del(key);
    await until(() => finished().length === 2, "the rerun");
    const [first, again] = finished();
    assert.equal(again.slot, first.slot);
    assert.equal(again.outcome, "success");
    const rows = await store.listJobRuns({ job: "long" });
    assert.deepEqual(
      rows.map((r) => [r.slot, r.status]),
      [[first.slot, "success"]],
      "one record for the slot",
    );
  } finally {
    await handle.stop();
    await lock.close();
    thief.disconnect();
    store.close();
    await redis.stop();
  }
});

Deno.test("an instance that starts while another leads reports standing by, then leads when the lock is free", async () => {
  const redis = await testRedis();
  if (!redis) return;
  const key = `mts:test:leader:${crypto.randomUUID()}`;
  const other = new Redis(redis.url);
  await other.set(key, "the-other-instance", "PX", 60_000);
  const lock = await RedisLeaderLock.connect(redis.url, { key });
  const { store, events, handle } = leaderScheduler(lock);
  const states = () => events.flatMap((e) => e.type === "leader" ? [e.state] : []);
  try {
    await until(() => states().length > 0, "the first leadership event");
    assert.deepEqual(states(), ["standby"]);
    const first = events.find((e) => e.type === "leader");
    assert.equal(first?.type === "leader" && first.reason, "held", "another instance holds it");
    assert.equal(events.some((e) => e.type === "started"), false);
    await other.del(key);
    await until(() => events.some((e) => e.type === "finished"), "the run once leading");
    assert.deepEqual(states(), ["standby", "leader"]);
  } finally {
    await handle.stop();
    await lock.close();
    other.disconnect();
    store.close();
    await redis.stop();
  }
});

Deno.test("a leader whose Redis goes away stands by and says the lock cannot be reached", async () => {
  const redis = await testRedis({ own: true }); // stopped below
  if (!redis) return;
  const lock = await RedisLeaderLock.connect(redis.url, {
    key: `mts:test:leader:${crypto.randomUUID()}`,
  });
  const { store, events, handle } = leaderScheduler(lock);
  const leaderEvents = () =>
    events.flatMap((e) => e.type === "leader" ? [[e.state, e.reason ?? ""]] : []);
  try {
    await until(() => leaderEvents().length > 0, "leading");
    assert.deepEqual(leaderEvents(), [["leader", ""]]);
    await redis.stop();
    await until(() => leaderEvents().length > 1, "standing by");
    assert.deepEqual(leaderEvents(), [["leader", ""], ["standby", "unreachable"]]);
    assert.equal(handle.status().leader, false);
  } finally {
    await handle.stop();
    await lock.close();
    store.close();
    await redis.stop();
  }
});
