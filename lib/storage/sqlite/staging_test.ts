/**
 * Large candle writes commit in bounded chunks yet stay all-or-nothing for every reader. A second
 * store on the same file stands for another process (it has its own connections).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { Candle, SeriesKey } from "../../core/candle.ts";
import { SqliteStore } from "../sqlite_store.ts";
import { sortedUnique, STAGE_CHUNK_ROWS, STAGE_MIN_ROWS } from "./staging.ts";

const key: SeriesKey = { source: "csv", asset: "bigcoin", interval: "1m" };
const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
/** More rows than one chunk, so that staging commits several chunks. */
const N = STAGE_CHUNK_ROWS + 10_000;

const bar = (i: number, close = 100 + i): Candle => ({
  ts: T0 + i * MIN,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: i % 5,
});
const bars = (from: number, to: number, close?: (i: number) => number) =>
  Array.from({ length: to - from }, (_, k) => bar(from + k, close?.(from + k)));

async function withDatabase(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "mts-staging-test-" });
  try {
    await fn(`${dir}/mts.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Rows physically in the tables, hidden ones included. */
function physical(path: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const n = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    return {
      candles: n("SELECT COUNT(*) AS n FROM candles"),
      batches: n("SELECT COUNT(*) AS n FROM candle_batches"),
      updates: n("SELECT COUNT(*) AS n FROM candle_batch_updates"),
    };
  } finally {
    db.close();
  }
}

const closes = async (store: SqliteStore) => (await store.getCandles(key)).map((c) => c.close);

Deno.test("a large write is invisible to other readers until its transaction commits, and holds no lock meanwhile", async () => {
  assert.ok(N >= STAGE_MIN_ROWS);
  await withDatabase(async (path) => {
    const writer = SqliteStore.open(path);
    // The other store gives up on the write lock after 3 s: it must never need that long.
    const other = SqliteStore.open(path, { lockTimeoutMs: 3_000 });
    const seen: Record<string, unknown> = {};
    const result = await writer.transaction(async () => {
      const r = await writer.upsertCandles(key, bars(0, N));
      seen.otherRows = (await other.getCandles(key)).length;
      seen.otherSeries = await other.listSeries();
      seen.ownRows = (await writer.getCandles(key)).length;
      seen.physical = physical(path).candles;
      seen.otherWrote = await other.saveSignals([{
        ts: T0,
        asset: "bigcoin",
        strategy: "meanwhile",
        direction: "flat",
        confidence: 0,
        size: 0,
        reason: "written while the large write was open",
      }]);
      return r;
    });
    assert.deepEqual(result, { inserted: N, updated: 0, unchanged: 0 });
    assert.equal(seen.otherRows, 0, "another reader sees none of the staged rows");
    assert.deepEqual(seen.otherSeries, []);
    assert.equal(seen.ownRows, N, "the writing transaction reads its own rows");
    assert.equal(seen.physical, N, "the chunks were committed before the transaction ended");
    assert.equal(seen.otherWrote, 1, "another writer got the lock between chunks");
    const after = await other.getCandles(key);
    assert.equal(after.length, N);
    assert.deepEqual([after[0].close, after[N - 1].close], [100, 100 + N - 1]);
    assert.deepEqual(physical(path), { candles: N, batches: 0, updates: 0 });
    writer.close();
    other.close();
  });
});

Deno.test("a large write rolled back leaves no row, hidden or not", async () => {
  await withDatabase(async (path) => {
    const store = SqliteStore.open(path);
    await store.upsertCandles(key, bars(0, 3));
    await assert.rejects(
      store.transaction(async () => {
        await store.upsertCandles(key, bars(0, N));
        throw new Error("the import fails after staging");
      }),
      /fails after staging/,
    );
    assert.deepEqual(await closes(store), [100, 101, 102]);
    assert.deepEqual(physical(path), { candles: 3, batches: 0, updates: 0 });
    store.close();
  });
});

Deno.test("changed values of stored rows stay old for readers until the write is published", async () => {
  await withDatabase(async (path) => {
    const store = SqliteStore.open(path);
    const other = SqliteStore.open(path);
    await store.upsertCandles(key, bars(0, N)); // staged and published on its own
    // Every 10th row changes, 5,000 rows are new.
    const next = bars(0, N + 5_000, (i) => (i % 10 === 0 ? 1_000_000 + i : 100 + i));
    const r = await store.transaction(async () => {
      const r = await store.upsertCandles(key, next);
      const mid = await other.getCandles(key);
      assert.equal(mid.length, N);
      assert.deepEqual([mid[0].close, mid[10].close, mid[11].close], [100, 110, 111]);
      return r;
    });
    const changed = Math.ceil(N / 10);
    assert.deepEqual(r, { inserted: 5_000, updated: changed, unchanged: N - changed });
    const after = await other.getCandles(key);
    assert.equal(after.length, N + 5_000);
    assert.deepEqual([after[0].close, after[10].close, after[11].close, after[N].close], [
      1_000_000,
      1_000_010,
      111,
      1_000_000 + N,
    ]);
    assert.deepEqual(physical(path), { candles: N + 5_000, batches: 0, updates: 0 });
    store.close();
    other.close();
  });
});

Deno.test("a direct write to rows a large write holds hidden takes them over, whether it commits or not", async () => {
  await withDatabase(async (path) => {
    for (const outcome of ["commit", "rollback"] as const) {
      const key2 = { ...key, asset: `coin-${outcome}` };
      const store = SqliteStore.open(path);
      const other = SqliteStore.open(path);
      const tx = store.transaction(async () => {
        await store.upsertCandles(key2, bars(0, N));
        // Meanwhile another writer stores three of those bars with its own values.
        const direct = await other.upsertCandles(key2, [bar(5, 7), bar(6, 7), bar(N + 1, 7)]);
        assert.deepEqual(direct, { inserted: 3, updated: 0, unchanged: 0 });
        assert.equal((await other.getCandles(key2)).length, 3, "its rows are visible at once");
        if (outcome === "rollback") throw new Error("rolled back");
      });
      if (outcome === "rollback") await assert.rejects(tx, /rolled back/);
      else await tx;
      const final = await other.getCandles(key2);
      const byTs = new Map(final.map((c) => [c.ts, c.close]));
      assert.deepEqual([byTs.get(bar(5).ts), byTs.get(bar(6).ts), byTs.get(bar(N + 1).ts)], [
        7,
        7,
        7,
      ]);
      assert.equal(final.length, outcome === "commit" ? N + 1 : 3);
      assert.equal(byTs.get(bar(4).ts), outcome === "commit" ? 104 : undefined);
      store.close();
      other.close();
    }
    assert.deepEqual(physical(path).batches, 0);
  });
});

Deno.test("a second large write to a series with a write open goes direct, and both land", async () => {
  await withDatabase(async (path) => {
    const store = SqliteStore.open(path);
    const other = SqliteStore.open(path);
    await store.transaction(async () => {
      await store.upsertCandles(key, bars(0, N));
      const r = await other.upsertCandles(key, bars(N - 10, 2 * N, () => 5));
      assert.deepEqual(r, { inserted: N + 10, updated: 0, unchanged: 0 });
    });
    const final = await other.getCandles(key);
    assert.equal(final.length, 2 * N);
    assert.deepEqual([
      final[0].close,
      final[N - 11].close,
      final[N - 10].close,
      final[2 * N - 1].close,
    ], [
      100,
      100 + N - 11,
      5,
      5,
    ]);
    assert.deepEqual(physical(path), { candles: 2 * N, batches: 0, updates: 0 });
    store.close();
    other.close();
  });
});

Deno.test("rows staged by a process that died are never seen and are deleted by the next writer", async () => {
  await withDatabase(async (path) => {
    const storeUrl = new URL("../sqlite_store.ts", import.meta.url).href;
    const code = `
      import { SqliteStore } from ${JSON.stringify(storeUrl)};
      const store = SqliteStore.open(${JSON.stringify(path)});
      const rows = Array.from({ length: ${N} }, (_, i) => ({ ts: ${T0} + i * ${MIN}, open: 1, high: 1, low: 1, close: 1, volume: 1 }));
      await store.transaction(async () => {
        await store.upsertCandles(${JSON.stringify(key)}, rows);
        console.log("staged");
        for await (const _ of Deno.stdin.readable) { /* until killed */ }
      });
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("staged")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    reader.releaseLock();
    assert.equal(out.trim(), "staged");
    const store = SqliteStore.open(path);
    try {
      assert.equal((await store.getCandles(key)).length, 0, "hidden while the owner lives");
      assert.equal(physical(path).candles, N);
      child.kill("SIGKILL");
      await child.status;
      assert.equal((await store.getCandles(key)).length, 0, "and after it died");
      // The next large write of the series deletes them first, then stages its own.
      const r = await store.upsertCandles(key, bars(0, STAGE_MIN_ROWS));
      assert.deepEqual(r, { inserted: STAGE_MIN_ROWS, updated: 0, unchanged: 0 });
      assert.deepEqual(await closes(store), bars(0, STAGE_MIN_ROWS).map((c) => c.close));
      assert.deepEqual(physical(path), { candles: STAGE_MIN_ROWS, batches: 0, updates: 0 });
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

Deno.test("closing abandoned runs also deletes rows staged by dead processes", async () => {
  await withDatabase(async (path) => {
    const dead = SqliteStore.open(path);
    // A store closed in the middle of a large write stands for a process that died there.
    let closeNow!: () => void;
    const closed = new Promise<void>((r) => (closeNow = r));
    const tx = dead.transaction(async () => {
      await dead.upsertCandles(key, bars(0, N));
      closeNow();
      await new Promise(() => {});
    });
    await closed;
    dead.close();
    void tx.catch(() => {});
    const store = SqliteStore.open(path);
    assert.equal(physical(path).candles, N);
    await store.closeAbandonedRuns("import", "interrupted");
    assert.deepEqual(physical(path), { candles: 0, batches: 0, updates: 0 });
    store.close();
  });
});

Deno.test("concurrent steps of one transaction: two large writes and a small one all land whole", async () => {
  await withDatabase(async (path) => {
    const store = SqliteStore.open(path);
    const other = SqliteStore.open(path);
    const keyB = { ...key, asset: "othercoin" };
    await store.transaction(async () => {
      const [a, b] = await Promise.all([
        store.upsertCandles(key, bars(0, N)),
        store.upsertCandles(keyB, bars(0, N, (i) => 7_000 + i)),
        // A small write in between takes the write lock for the rest of the unit.
        store.recordQualityIssues([{ source: "csv", subject: "x", kind: "gap", detail: "d" }]),
      ]);
      assert.deepEqual([a.inserted, b.inserted], [N, N]);
      assert.equal((await other.getCandles(key)).length, 0, "still hidden from others");
    });
    const [a, b] = [await other.getCandles(key), await other.getCandles(keyB)];
    assert.deepEqual([a.length, b.length], [N, N]);
    assert.ok(a.every((c, i) => c.close === 100 + i), "no row of the other series");
    assert.ok(b.every((c, i) => c.close === 7_000 + i));
    assert.deepEqual(physical(path), { candles: 2 * N, batches: 0, updates: 0 });
    store.close();
    other.close();
  });
});

Deno.test("rows are staged in time order, one per time, the last given winning", () => {
  const a = bar(2), b = bar(1), c = { ...bar(2), close: 9 };
  assert.deepEqual(sortedUnique([a, b, c]), [b, c]);
  const sorted = [bar(1), bar(2)];
  assert.equal(sortedUnique(sorted), sorted, "already in order: not copied");
});
