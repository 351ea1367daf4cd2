/**
 * Units of work of the SQLite store: nesting, failures, and async callers that interleave.
 */
import assert from "node:assert/strict";
import type { SeriesKey } from "../../core/candle.ts";
import { SqliteStore } from "../sqlite_store.ts";

const key: SeriesKey = { source: "csv", asset: "bitcoin", interval: "1d" };
const bar = (ts: number, close = 10) => ({
  ts,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const stored = async (store: SqliteStore) => (await store.getCandles(key)).map((c) => c.ts);

async function withFileStore(fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "mts-db-test-" });
  try {
    await fn(`${dir}/mts.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a failed nested transaction undoes only its own writes; the enclosing one commits the rest", async () => {
  const store = SqliteStore.open(":memory:");
  await store.transaction(async () => {
    await store.upsertCandles(key, [bar(0)]);
    await assert.rejects(
      store.transaction(async () => {
        await store.upsertCandles(key, [bar(1)]);
        await store.transaction(async () => {
          await store.upsertCandles(key, [bar(2)]);
        });
        throw new Error("inner step fails");
      }),
      /inner step fails/,
    );
    await store.upsertCandles(key, [bar(3)]);
  });
  assert.deepEqual(await stored(store), [0, 3]);
  store.close();
});

Deno.test("a nested step that fails while a sibling step is in flight rolls back only itself", async () => {
  const store = SqliteStore.open(":memory:");
  await store.transaction(async () => {
    await store.upsertCandles(key, [bar(0)]);
    const outcomes = await Promise.allSettled([
      store.transaction(async () => {
        await store.upsertCandles(key, [bar(1)]);
        await tick(1);
        throw new Error("the first sibling fails");
      }),
      store.transaction(async () => {
        await store.upsertCandles(key, [bar(2)]);
        await tick(20);
        await store.upsertCandles(key, [bar(3)]);
      }),
      store.transaction(async () => {
        await store.upsertCandles(key, [bar(4)]);
        await tick(10);
        throw new Error("the last sibling fails");
      }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "fulfilled", "rejected"]);
    assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /the first sibling fails/);
    await store.upsertCandles(key, [bar(5)]);
  });
  assert.deepEqual(await stored(store), [0, 2, 3, 5]);
  store.close();
});

Deno.test("transactions from unrelated async callers queue: one's failure never undoes the other's work", async () => {
  const store = SqliteStore.open(":memory:");
  const outcomes = await Promise.allSettled([
    store.transaction(async () => {
      await store.upsertCandles(key, [bar(0)]);
      await tick(1);
      throw new Error("the first caller fails");
    }),
    store.transaction(async () => {
      await store.upsertCandles(key, [bar(1)]);
      await tick(20);
      await store.upsertCandles(key, [bar(2)]);
    }),
    (async () => {
      await tick(2);
      await store.upsertCandles(key, [bar(3)]);
    })(),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "fulfilled", "fulfilled"]);
  assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /the first caller fails/);
  assert.deepEqual(await stored(store), [1, 2, 3]);
  store.close();
});

Deno.test("a write from an unrelated caller while a transaction is open survives that transaction's rollback", async () => {
  const store = SqliteStore.open(":memory:");
  let started!: () => void;
  const open = new Promise<void>((r) => (started = r));
  const failing = store.transaction(async () => {
    await store.upsertCandles(key, [bar(0)]);
    started();
    await tick(20);
    throw new Error("rolled back");
  });
  await open;
  const unrelated = store.upsertCandles(key, [bar(1)]);
  await assert.rejects(failing, /rolled back/);
  assert.deepEqual(await unrelated, { inserted: 1, updated: 0, unchanged: 0 });
  assert.deepEqual(await stored(store), [1]);
  store.close();
});

Deno.test("a reader outside an open transaction sees none of its writes until it commits", async () => {
  await withFileStore(async (path) => {
    const store = SqliteStore.open(path);
    await store.upsertCandles(key, [bar(0)]);
    let wrote!: () => void, proceed!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    const mayCommit = new Promise<void>((r) => (proceed = r));
    const tx = store.transaction(async () => {
      await store.upsertCandles(key, [bar(1), bar(2)]);
      wrote();
      await mayCommit;
    });
    await written;
    assert.deepEqual(await stored(store), [0], "uncommitted rows are not visible outside");
    assert.equal((await store.listSeries())[0].count, 1);
    proceed();
    await tx;
    assert.deepEqual(await stored(store), [0, 1, 2]);
    store.close();
  });
});
