/**
 * The data-quality ledger resolves: a gap filled or a staleness overtaken by later data is
 * marked resolved (when, and by which run), and stays as history.
 */
import assert from "node:assert/strict";
import type { SeriesKey } from "../../core/candle.ts";
import { SqliteStore } from "../sqlite_store.ts";
import type { QualityIssue } from "../store.ts";
import { barsIn } from "./quality.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1); // a Monday
const key: SeriesKey = { source: "csv", asset: "gamma", interval: "1d" };
const day = (k: number) => T0 + k * DAY;
const bar = (ts: number, close = 10) => ({
  ts,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});
const gap = (from: number, to: number, extra: Partial<QualityIssue> = {}): QualityIssue => ({
  source: "csv",
  subject: "gamma",
  interval: "1d",
  kind: "gap",
  ts: from,
  tsEnd: to,
  detail: "missing bars",
  ...extra,
});

Deno.test("a gap is resolved by the run whose data fills it, and kept as history", async () => {
  const store = SqliteStore.open(":memory:", { now: () => 7_000 });
  await store.upsertCandles(key, [0, 1, 4, 5].map((k) => bar(day(k))));
  await store.recordQualityIssues([gap(day(2), day(4))], 1);
  assert.equal((await store.listQualityIssues()).length, 1, "open before");

  await store.upsertCandles(key, [bar(day(2))], { runId: 2 });
  assert.equal((await store.listQualityIssues()).length, 1, "one of two bars: still open");

  await store.upsertCandles(key, [bar(day(3))], { runId: 3 });
  assert.deepEqual(await store.listQualityIssues(), []);
  const [resolved] = await store.listQualityIssues({ state: "resolved" });
  assert.equal(resolved.kind, "gap");
  assert.equal(resolved.runId, 1, "first recorded by run 1");
  assert.equal(resolved.resolvedByRun, 3);
  assert.equal(resolved.resolvedAt, 7_000);
  assert.equal((await store.listQualityIssues({ state: "all" })).length, 1);
  store.close();
});

Deno.test("a gap with a stated number of missing bars resolves when that many bars arrive (weekday markets)", async () => {
  const store = SqliteStore.open(":memory:");
  // Fri day(4) and Mon day(7) missing; the weekend is no gap in a weekday market.
  await store.upsertCandles(key, [bar(day(3)), bar(day(8))]);
  await store.recordQualityIssues([gap(day(4), day(8), { missingBars: 2 })]);
  await store.upsertCandles(key, [bar(day(4)), bar(day(7))], { runId: 9 });
  const [g] = await store.listQualityIssues({ state: "all" });
  assert.equal(g.resolvedByRun, 9);
  assert.equal(g.missingBars, 2);
  store.close();
});

Deno.test("without a stated count every bar of the interval is expected", () => {
  assert.equal(barsIn(day(4), day(8), "1d"), 4);
  assert.equal(barsIn(day(0), day(0) + 3 * 3_600_000, "1h"), 3);
  assert.equal(barsIn(Date.UTC(2024, 1, 1), Date.UTC(2024, 4, 31), "1M"), 4);
  assert.equal(barsIn(0, DAY, "7x"), Infinity);
});

Deno.test("a gap recorded when the stored data already covers it is recorded as resolved", async () => {
  const store = SqliteStore.open(":memory:", { now: () => 5 });
  await store.upsertCandles(key, [0, 1, 2, 3].map((k) => bar(day(k))));
  // e.g. re-importing an old file with a hole that another file has filled since
  await store.recordQualityIssues([gap(day(1), day(3))], 4);
  assert.deepEqual(await store.listQualityIssues(), []);
  assert.equal((await store.listQualityIssues({ state: "resolved" }))[0].resolvedByRun, 4);
  store.close();
});

Deno.test("data of another source or interval does not resolve a gap", async () => {
  const store = SqliteStore.open(":memory:");
  await store.upsertCandles(key, [bar(day(0)), bar(day(3))]);
  await store.recordQualityIssues([gap(day(1), day(3))]);
  await store.upsertCandles({ ...key, source: "binance" }, [bar(day(1)), bar(day(2))]);
  await store.upsertCandles({ ...key, interval: "1h" }, [bar(day(1)), bar(day(2))]);
  assert.equal((await store.listQualityIssues()).length, 1);
  store.close();
});

Deno.test("a stale series is resolved once a newer bar is stored", async () => {
  const store = SqliteStore.open(":memory:");
  await store.upsertCandles(key, [bar(day(0))]);
  await store.recordQualityIssues([{
    source: "csv",
    subject: "gamma",
    interval: "1d",
    kind: "stale",
    ts: day(0),
    detail: "newest bar is old",
  }], 1);
  await store.upsertCandles(key, [bar(day(0), 11)], { runId: 2 });
  assert.equal((await store.listQualityIssues({ kind: "stale" })).length, 1, "same bar: stale");
  await store.upsertCandles(key, [bar(day(1))], { runId: 3 });
  assert.deepEqual(await store.listQualityIssues({ kind: "stale" }), []);
  assert.equal(
    (await store.listQualityIssues({ kind: "stale", state: "all" }))[0].resolvedByRun,
    3,
  );
  store.close();
});

Deno.test("macro gaps and staleness resolve from macro observations", async () => {
  const store = SqliteStore.open(":memory:");
  await store.upsertMacro("DXY", "fred", [{ ts: day(0), value: 1 }, { ts: day(3), value: 2 }], 1);
  await store.recordQualityIssues([
    {
      source: "fred",
      subject: "DXY",
      kind: "gap",
      ts: day(1),
      tsEnd: day(3),
      missingBars: 2,
      detail: "2 missing",
    },
    { source: "fred", subject: "DXY", kind: "stale", ts: day(3), detail: "old" },
  ]);
  await store.upsertMacro("DXY", "fred", [{ ts: day(1), value: 1 }, { ts: day(2), value: 1 }], 2, {
    runId: 5,
  });
  assert.deepEqual((await store.listQualityIssues()).map((i) => i.kind), ["stale"]);
  await store.upsertMacro("DXY", "fred", [{ ts: day(4), value: 3 }], 3, { runId: 6 });
  assert.deepEqual(await store.listQualityIssues(), []);
  const resolved = await store.listQualityIssues({ state: "resolved" });
  assert.deepEqual(resolved.map((i) => [i.kind, i.resolvedByRun]), [["gap", 5], ["stale", 6]]);
  store.close();
});

Deno.test("findings that later data cannot fix stay open", async () => {
  const store = SqliteStore.open(":memory:");
  await store.recordQualityIssues([{
    source: "csv",
    subject: "gamma",
    interval: "1d",
    kind: "conflicting_duplicate",
    ts: day(1),
    detail: "two rows disagree",
  }]);
  await store.upsertCandles(key, [bar(day(1)), bar(day(2))]);
  assert.equal((await store.listQualityIssues()).length, 1);
  store.close();
});
