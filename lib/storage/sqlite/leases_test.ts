/**
 * The lease of a store: its heartbeat keeps it alive, its lock file tells a dead owner at once.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SqliteStore } from "../sqlite_store.ts";

async function withDatabase(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "mts-lease-test-" });
  try {
    await fn(`${dir}/mts.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function leaseRows(path: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT token, heartbeat_at, expires_at FROM leases").all() as {
      token: string;
      heartbeat_at: number;
      expires_at: number;
    }[];
  } finally {
    db.close();
  }
}

Deno.test("the heartbeat pushes the lease's expiry forward while the run goes on", async () => {
  await withDatabase(async (path) => {
    const store = SqliteStore.open(path, { leaseMs: 300 });
    const id = await store.startRun("collect", {});
    const [first] = leaseRows(path);
    assert.equal(first.expires_at - first.heartbeat_at, 300);
    let now = first;
    while (now.expires_at <= first.expires_at) {
      await new Promise((r) => setTimeout(r, 50));
      [now] = leaseRows(path);
    }
    assert.equal(now.token, first.token);
    assert.equal(now.expires_at - now.heartbeat_at, 300);
    await store.finishRun(id, { status: "success", rowsWritten: 0 });
    store.close();
  });
});

Deno.test("a store that only reads takes no lease; one that finished its runs removes its lock file", async () => {
  await withDatabase(async (path) => {
    const reader = SqliteStore.open(path);
    await reader.listRuns();
    await reader.listSeries();
    reader.close();
    assert.deepEqual(leaseRows(path), []);
    assert.throws(() => Deno.statSync(`${path}-leases`), Deno.errors.NotFound);

    const writer = SqliteStore.open(path);
    const id = await writer.startRun("import", {});
    const [lease] = leaseRows(path);
    assert.ok(Deno.statSync(`${path}-leases/${lease.token}.lock`).isFile);
    await writer.finishRun(id, { status: "success", rowsWritten: 0 });
    writer.close();
    assert.deepEqual([...Deno.readDirSync(`${path}-leases`)], []);
  });
});
