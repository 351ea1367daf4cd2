/**
 * A run that another process is still doing is not "interrupted"; a run whose process died is.
 * The owner is a real second process (`deno eval`), killed with SIGKILL.
 */
import assert from "node:assert/strict";
import { closeInterruptedRuns } from "../../lib/services/collector.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";

const STORE_URL = new URL("../../lib/storage/sqlite_store.ts", import.meta.url).href;

async function withDatabase(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "mts-live-runs-" });
  try {
    await fn(`${dir}/mts.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Starts a process that opens `path`, starts a `task` run, prints its id and then waits. */
async function runOwner(path: string, task: string) {
  const code = `
    import { SqliteStore } from ${JSON.stringify(STORE_URL)};
    const store = SqliteStore.open(${JSON.stringify(path)});
    console.log(await store.startRun(${JSON.stringify(task)}, { owner: "other process" }));
    for await (const _ of Deno.stdin.readable) { /* until the test kills us */ }
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the owner process exited before starting its run: ${out}`);
    out += value;
  }
  reader.releaseLock();
  return { child, runId: Number(out.trim()) };
}

Deno.test("a concurrent collect's live run is left alone; once its process is killed it is marked interrupted", async () => {
  await withDatabase(async (path) => {
    const store = SqliteStore.open(path);
    const { child, runId: theirs } = await runOwner(path, "collect");
    try {
      const mine = await store.startRun("collect", {});
      assert.deepEqual(await closeInterruptedRuns(store, "collect", mine), []);
      let run = (await store.listRuns()).find((r) => r.id === theirs)!;
      assert.equal(run.status, "running");
      assert.equal(run.live, true);

      child.kill("SIGKILL");
      await child.status;
      run = (await store.listRuns()).find((r) => r.id === theirs)!;
      assert.equal(run.live, false, "the operating system released the dead owner's lock");
      assert.deepEqual(await closeInterruptedRuns(store, "collect", mine), [theirs]);
      run = (await store.listRuns()).find((r) => r.id === theirs)!;
      assert.equal(run.status, "failed");
      assert.match(run.error!, new RegExp(`^interrupted: .*noticed by run ${mine}`));
      assert.equal((await store.listRuns()).find((r) => r.id === mine)!.status, "running");
      await store.finishRun(mine, { status: "success", rowsWritten: 0 });
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.stdin.close().catch(() => {});
      await child.status;
      store.close();
    }
  });
});

Deno.test("without a lock file, a run's lease decides: expired means interrupted, unexpired means live", async () => {
  await withDatabase(async (path) => {
    const t0 = Date.UTC(2026, 0, 1);
    // The owner stays open (alive) but its lock file is removed, as when the database is seen
    // from another machine: only the lease's expiry (one minute after its last heartbeat) is left.
    const owner = SqliteStore.open(path, { now: () => t0, leaseMs: 60_000 });
    const id = await owner.startRun("macro", {});
    for (const f of Deno.readDirSync(`${path}-leases`)) Deno.removeSync(`${path}-leases/${f.name}`);

    const soon = SqliteStore.open(path, { now: () => t0 + 59_000 });
    assert.deepEqual(await closeInterruptedRuns(soon, "macro", 0), []);
    assert.equal((await soon.listRuns())[0].status, "running");
    soon.close();

    const later = SqliteStore.open(path, { now: () => t0 + 61_000 });
    assert.deepEqual(await closeInterruptedRuns(later, "macro", 0), [id]);
    const [run] = await later.listRuns();
    assert.equal(run.status, "failed");
    assert.equal(run.finishedAt, t0 + 61_000);
    later.close();
    owner.close();
  });
});

Deno.test("a store closed with an unfinished run leaves it marked dead for the next run", async () => {
  await withDatabase(async (path) => {
    const first = SqliteStore.open(path);
    const id = await first.startRun("collect", {});
    first.close();
    const next = SqliteStore.open(path);
    assert.equal((await next.listRuns())[0].live, false);
    assert.deepEqual(await closeInterruptedRuns(next, "collect", 99), [id]);
    next.close();
  });
});
