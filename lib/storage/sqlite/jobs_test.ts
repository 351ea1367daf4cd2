/**
 * The scheduler's job runs in SQLite: a slot is claimed once, a cancelled or dead claim is taken
 * again, skipped slots are recorded, and each job's state says what it last handled, its last
 * success and its last failure.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../sqlite_store.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

async function withFile(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "mts-jobs-test-" });
  try {
    await fn(`${dir}/mts.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const claim = (slot: number, extra: { catchUp?: boolean; missedSlots?: number } = {}) => ({
  job: "collect",
  slot,
  startedAt: slot + 5_000,
  catchUp: extra.catchUp ?? false,
  missedSlots: extra.missedSlots ?? 0,
});

Deno.test("a slot is claimed once; its run is recorded with outcome, attempts and catch-up", async () => {
  const store = SqliteStore.open(":memory:");
  const id = await store.claimJobRun(claim(T0, { catchUp: true, missedSlots: 71 }));
  assert.ok(id !== undefined);
  assert.equal(await store.claimJobRun(claim(T0)), undefined, "a live claim is not taken twice");
  await store.finishJobRun(id, {
    status: "success",
    finishedAt: T0 + 9_000,
    attempts: 2,
    detail: { collectRun: 4, rowsWritten: 3 },
  });
  assert.equal(await store.claimJobRun(claim(T0)), undefined, "a finished slot is not run again");
  const [run] = await store.listJobRuns({ job: "collect" });
  assert.deepEqual(run, {
    id,
    job: "collect",
    slot: T0,
    startedAt: T0 + 5_000,
    finishedAt: T0 + 9_000,
    status: "success",
    attempts: 2,
    catchUp: true,
    missedSlots: 71,
    error: undefined,
    detail: { collectRun: 4, rowsWritten: 3 },
    live: undefined,
  });
  store.close();
});

Deno.test("job state: the newest handled slot, last run, last success and last failure", async () => {
  const store = SqliteStore.open(":memory:");
  const finish = async (slot: number, status: "success" | "failed" | "partial" | "cancelled") => {
    const id = await store.claimJobRun(claim(slot));
    await store.finishJobRun(id!, {
      status,
      finishedAt: slot + 60_000,
      attempts: 3,
      error: status === "success" ? undefined : `${status} at ${slot}`,
    });
  };
  await finish(T0, "success");
  await finish(T0 + H, "failed");
  await store.recordSkippedSlot("collect", T0 + 2 * H, T0 + 2 * H + 1, "overlap");
  await store.recordSkippedSlot("collect", T0 + 2 * H, T0 + 2 * H + 2, "overlap"); // no duplicate
  await finish(T0 + 3 * H, "cancelled");
  const [state] = await store.jobStates();
  assert.equal(state.job, "collect");
  // the cancelled run of 03:00 does not count: its slot runs again; the skip at 02:00 does
  assert.equal(state.handledSlot, T0 + 2 * H);
  assert.equal(state.lastRun?.slot, T0 + 3 * H);
  assert.equal(state.lastRun?.status, "cancelled");
  assert.equal(state.lastSuccess?.slot, T0);
  assert.equal(state.lastFailure?.slot, T0 + H);
  assert.equal(state.lastFailure?.error, `failed at ${T0 + H}`);
  assert.equal(state.skipped, 1);
  assert.equal(await store.claimJobRun(claim(T0 + 2 * H)), undefined, "a skipped slot is not run");
  const again = await store.claimJobRun(claim(T0 + 3 * H));
  assert.ok(again !== undefined, "a cancelled slot is claimed again");
  assert.equal(
    (await store.jobStates())[0].handledSlot,
    T0 + 3 * H,
    "a live claim counts as handled",
  );
  store.close();
});

Deno.test("two processes on one database: one claim wins; a dead process's claim is taken again", async () => {
  await withFile(async (path) => {
    const a = SqliteStore.open(path);
    const b = SqliteStore.open(path);
    const mine = await a.claimJobRun(claim(T0));
    assert.ok(mine !== undefined);
    assert.equal(await b.claimJobRun(claim(T0)), undefined, "A's run is alive");
    const [seen] = await b.listJobRuns();
    assert.equal(seen.status, "running");
    assert.equal(seen.live, true);
    // A goes away mid-run (its lease lock file is released, as when the process dies)
    a.close();
    const [dead] = await b.listJobRuns();
    assert.equal(dead.live, false);
    assert.equal(
      (await b.jobStates())[0].handledSlot,
      undefined,
      "a dead run's slot is not handled",
    );
    const taken = await b.claimJobRun(claim(T0));
    assert.equal(taken, mine, "the same slot's record is taken over");
    await b.finishJobRun(taken!, { status: "success", finishedAt: T0 + 1, attempts: 1 });
    assert.equal((await b.listJobRuns()).length, 1, "still one record for the slot");
    b.close();
  });
});
