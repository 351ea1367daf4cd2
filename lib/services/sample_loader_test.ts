import assert from "node:assert/strict";
import { SqliteStore } from "../storage/sqlite_store.ts";
import { loadSampleMarket } from "./sample_loader.ts";

Deno.test("loading the sample market twice changes nothing the second time", async () => {
  const store = SqliteStore.open(":memory:");
  const first = await loadSampleMarket(store, { start: "2023-01-01", end: "2023-03-31" });
  assert.equal(first.inserted, 3 * 90 + 2 * 65 /* Jan 22 + Feb 20 + Mar 23 weekdays */);
  const second = await loadSampleMarket(store, { start: "2023-01-01", end: "2023-03-31" });
  assert.equal(second.inserted, 0);
  assert.ok(second.series.every((s) => s.updated === 0 && s.unchanged === s.rows));
  const series = await store.listSeries();
  assert.deepEqual(series.map((s) => [s.source, s.asset, s.interval, s.count]), [
    ["sample", "binancecoin", "1d", 90],
    ["sample", "bitcoin", "1d", 90],
    ["sample", "ethereum", "1d", 90],
  ]);
  assert.match(first.label, /generated sample data/);
  store.close();
});

Deno.test("sample macro observations become visible at the next UTC midnight", async () => {
  const store = SqliteStore.open(":memory:");
  await loadSampleMarket(store, { start: "2024-01-01", end: "2024-01-10" });
  const jan2 = Date.UTC(2024, 0, 2);
  const seen = await store.getMacro("VIX", { source: "sample", asOfVintage: jan2 });
  assert.deepEqual(seen.map((o) => o.ts), [Date.UTC(2024, 0, 1)]);
  store.close();
});
