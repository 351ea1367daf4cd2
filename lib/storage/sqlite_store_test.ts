import assert from "node:assert/strict";
import { SqliteStore } from "./sqlite_store.ts";
import type { SeriesKey } from "../core/candle.ts";

const key: SeriesKey = { source: "csv", asset: "bitcoin", interval: "1d" };
const bar = (ts: number, close: number) => ({
  ts,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

Deno.test("upsertCandles inserts, leaves identical rows alone and updates changed ones", async () => {
  const store = SqliteStore.open(":memory:", { now: () => 1 });
  assert.deepEqual(await store.upsertCandles(key, [bar(0, 10), bar(1, 11)]), {
    inserted: 2,
    updated: 0,
    unchanged: 0,
  });
  assert.deepEqual(await store.upsertCandles(key, [bar(0, 10), bar(1, 12)]), {
    inserted: 0,
    updated: 1,
    unchanged: 1,
  });
  const rows = await store.getCandles(key);
  assert.deepEqual(rows.map((r) => r.close), [10, 12]);
  const [summary] = await store.listSeries();
  assert.equal(summary.count, 2);
  store.close();
});

Deno.test("close-only rows come back with NaN open, high and low", async () => {
  const store = SqliteStore.open(":memory:");
  await store.upsertCandles(key, [{
    ts: 0,
    open: NaN,
    high: NaN,
    low: NaN,
    close: 5,
    volume: NaN,
  }]);
  const [row] = await store.getCandles(key);
  assert.ok(Number.isNaN(row.open) && Number.isNaN(row.volume));
  assert.equal(row.close, 5);
  store.close();
});

Deno.test("a changed macro value becomes a revision and vintages give point-in-time views", async () => {
  const store = SqliteStore.open(":memory:");
  assert.equal((await store.upsertMacro("DXY", "fred", [{ ts: 0, value: 100 }], 10)).inserted, 1);
  assert.equal((await store.upsertMacro("DXY", "fred", [{ ts: 0, value: 100 }], 20)).unchanged, 1);
  assert.equal((await store.upsertMacro("DXY", "fred", [{ ts: 0, value: 101 }], 30)).revised, 1);
  assert.deepEqual(await store.getMacro("DXY"), [{ ts: 0, value: 101 }]);
  assert.deepEqual(await store.getMacro("DXY", { asOfVintage: 25 }), [{ ts: 0, value: 100 }]);
  const [s] = await store.listMacroSeries();
  assert.equal(s.revisions, 1);
  store.close();
});

Deno.test("a failed transaction leaves the database as it was", async () => {
  const store = SqliteStore.open(":memory:");
  await store.upsertCandles(key, [bar(0, 10)]);
  await assert.rejects(store.transaction(async () => {
    await store.upsertCandles(key, [bar(1, 11)]);
    await store.recordQualityIssues([{
      source: "csv",
      subject: "bitcoin",
      kind: "gap",
      detail: "x",
    }]);
    throw new Error("boom");
  }));
  assert.equal((await store.getCandles(key)).length, 1);
  assert.equal((await store.listQualityIssues()).length, 0);
  store.close();
});

Deno.test("recording the same quality issue twice keeps one row", async () => {
  const store = SqliteStore.open(":memory:");
  const issue = {
    source: "csv",
    subject: "eth",
    interval: "1d",
    kind: "gap",
    ts: 5,
    detail: "1 bar",
  };
  assert.equal((await store.recordQualityIssues([issue])).inserted, 1);
  assert.equal((await store.recordQualityIssues([issue])).inserted, 0);
  assert.equal((await store.listQualityIssues()).length, 1);
  store.close();
});

Deno.test("runs record their items and outcome", async () => {
  const store = SqliteStore.open(":memory:", { now: () => 42 });
  const id = await store.startRun("collect", { days: 7 });
  await store.finishRun(id, {
    status: "partial",
    rowsWritten: 3,
    items: [
      {
        source: "coingecko",
        subject: "bitcoin",
        interval: "1d",
        status: "success",
        rowsWritten: 3,
      },
      {
        source: "coingecko",
        subject: "ethereum",
        interval: "1d",
        status: "failed",
        rowsWritten: 0,
        error: "503",
      },
    ],
  });
  const [run] = await store.listRuns();
  assert.equal(run.status, "partial");
  assert.equal(run.items.length, 2);
  assert.equal(run.items[1].error, "503");
  store.close();
});
