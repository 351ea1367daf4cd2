/**
 * Writers wait for SQLite's write lock instead of failing with "database is locked"; readers
 * never wait for it.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { SeriesKey } from "../../core/candle.ts";
import { closeLogging, configureLogging } from "../../log/logger.ts";
import { SqliteStore } from "../sqlite_store.ts";
import { WaitSignal } from "./write_lock.ts";

const key: SeriesKey = { source: "csv", asset: "bitcoin", interval: "1d" };
const bar = (ts: number, close = 10) => ({
  ts,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

async function withDatabase(fn: (path: string, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "mts-lock-test-" });
  try {
    await fn(`${dir}/mts.db`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Another connection (as another process would) that holds the write lock until released. */
function holdWriteLock(path: string) {
  const other = new DatabaseSync(path);
  other.exec("BEGIN IMMEDIATE");
  other.exec(
    "INSERT INTO signals (ts, asset, strategy, direction, confidence, size, reason, created_at) VALUES (1, 'x', 'held', 'flat', 0, 0, 'uncommitted', 0)",
  );
  return {
    release() {
      other.exec("ROLLBACK");
      other.close();
    },
  };
}

Deno.test("a write waits past SQLite's 5 s busy timeout while another connection holds the lock, then completes", async () => {
  await withDatabase(async (path) => {
    let waitedMs = 0;
    const lock = { release: () => {} };
    // The holder lets go only once the store has waited longer than SQLite's busy timeout.
    const store = SqliteStore.open(path, {
      lockNoticeMs: 5_500,
      onLockWait: (ms) => {
        waitedMs = ms;
        lock.release();
      },
    });
    lock.release = holdWriteLock(path).release;
    const n = await store.saveSignals([{
      ts: 2,
      asset: "bitcoin",
      strategy: "s",
      direction: "long",
      confidence: 1,
      size: 0.1,
      reason: "r",
    }]);
    assert.equal(n, 1);
    assert.ok(waitedMs >= 5_500, `waited ${waitedMs} ms`);
    assert.deepEqual((await store.listSignals()).map((s) => s.strategy), ["s"]);
    store.close();
  });
});

Deno.test("a long wait for the write lock is reported in the log with who is writing", async () => {
  await withDatabase(async (path, dir) => {
    const logFile = `${dir}/mts.log`;
    configureLogging({ level: "info", file: logFile, console: "never" });
    try {
      const owner = SqliteStore.open(path);
      const runId = await owner.startRun("import", { file: "big.csv" });
      const lock = { release: () => {} };
      const store = SqliteStore.open(path, { lockNoticeMs: 50, onLockWait: () => lock.release() });
      lock.release = holdWriteLock(path).release;
      await store.upsertCandles(key, [bar(0)]);
      closeLogging();
      const records = (await Deno.readTextFile(logFile)).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      const wait = records.find((r) => /waiting for the write lock/.test(r.msg));
      assert.ok(wait, "a wait record was logged");
      assert.equal(wait.level, "warn");
      assert.match(
        wait.msg,
        new RegExp(`database ${path}.*running now: import run ${runId} \\(big\\.csv\\)`),
      );
      assert.ok(records.some((r) => /got the write lock/.test(r.msg)));
      await owner.finishRun(runId, { status: "success", rowsWritten: 0 });
      owner.close();
      store.close();
    } finally {
      closeLogging();
    }
  });
});

Deno.test("reads do not wait while another connection holds the write lock", async () => {
  await withDatabase(async (path) => {
    const store = SqliteStore.open(path, { lockNoticeMs: 60_000 });
    await store.upsertCandles(key, [bar(0, 5)]);
    const lock = holdWriteLock(path);
    try {
      assert.deepEqual((await store.getCandles(key)).map((c) => c.close), [5]);
      assert.equal(
        (await store.listSignals()).length,
        0,
        "the holder's uncommitted row is not seen",
      );
      assert.equal((await store.listRuns()).length, 0);
    } finally {
      lock.release();
    }
    store.close();
  });
});

Deno.test("a writer that waits is visible to a chunk writer of another connection until it gets the lock", async () => {
  await withDatabase(async (path) => {
    const chunkWriter = new WaitSignal(`${path}-leases`);
    assert.equal(chunkWriter.othersWaiting(), false, "nobody ever waited: no signal file");
    const lock = { release: () => {} };
    let seenWhileWaiting: boolean | undefined;
    const store = SqliteStore.open(path, {
      lockNoticeMs: 20,
      onLockWait: () => {
        seenWhileWaiting ??= chunkWriter.othersWaiting();
        lock.release();
      },
    });
    lock.release = holdWriteLock(path).release;
    await store.upsertCandles(key, [bar(0)]);
    assert.equal(seenWhileWaiting, true);
    assert.equal(chunkWriter.othersWaiting(), false, "withdrawn once it had the lock");
    chunkWriter.close();
    store.close();
  });
});
