import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import { SqliteStore } from "../storage/sqlite_store.ts";
import { importCsvFile } from "./importer.ts";

const d = (s: string) => Date.parse(`${s}T00:00:00Z`);

async function withFile(text: string, fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/prices.csv`;
    await Deno.writeTextFile(path, text);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const GOOD = [
  "Date,Open,High,Low,Close,Volume",
  "2024-01-01,1,2,0.5,1.5,10",
  "2024-01-02,1.5,2.5,1,2,11",
  "2024-01-04,2,3,1.5,2.5,",
].join("\n");

Deno.test("import stores candles, issues and a run; a second import adds nothing", async () => {
  const store = SqliteStore.open(":memory:", { now: () => 1_000 });
  await withFile(GOOD, async (path) => {
    const r = await importCsvFile(store, path, { asset: "x", displayName: "prices.csv" });
    assert.deepEqual([r.inserted, r.updated, r.unchanged], [3, 0, 0]);
    assert.deepEqual(r.issues.byKind.map((k) => [k.kind, k.count]), [["gap", 1], [
      "missing_value",
      1,
    ]]);
    assert.equal(r.issues.new, 2);
    const candles = await store.getCandles({ source: "csv", asset: "x", interval: "1d" });
    assert.deepEqual(candles.map((c) => c.close), [1.5, 2, 2.5]);
    assert.ok(Number.isNaN(candles[2].volume));
    const issues = await store.listQualityIssues({ subject: "x" });
    assert.equal(issues.length, 2);
    assert.ok(issues.every((i) => i.runId === r.runId));
    const [run] = await store.listRuns({ task: "import" });
    assert.equal(run.status, "success");
    assert.equal(run.rowsWritten, 3);
    assert.equal(run.params.file, "prices.csv");
    assert.equal(run.items[0].subject, "x");

    const again = await importCsvFile(store, path, { asset: "x" });
    assert.deepEqual([again.inserted, again.updated, again.unchanged, again.issues.new], [
      0,
      0,
      3,
      0,
    ]);
    assert.equal((await store.listQualityIssues()).length, 2);
  });
  store.close();
});

Deno.test("a corrupt file fails with file:line and leaves the database exactly as it was", async () => {
  const store = SqliteStore.open(":memory:");
  await withFile(GOOD, (path) => importCsvFile(store, path, { asset: "x" }).then(() => {}));
  const before = {
    candles: await store.getCandles({ source: "csv", asset: "x", interval: "1d" }),
    issues: await store.listQualityIssues(),
    runs: await store.listRuns(),
  };
  for (const bad of ["2024-01-05,2,3", "2024-01-05,2,3,1.5,two,10"]) {
    await withFile(`${GOOD}\n2024-01-03,9,9,9,9,9\n${bad}\n`, async (path) => {
      await assert.rejects(
        importCsvFile(store, path, { asset: "x", displayName: "bad.csv" }),
        (e: unknown) => e instanceof DataError && e.where === "bad.csv:6",
      );
    });
  }
  assert.deepEqual(
    await store.getCandles({ source: "csv", asset: "x", interval: "1d" }),
    before.candles,
  );
  assert.deepEqual(await store.listQualityIssues(), before.issues);
  assert.deepEqual(await store.listRuns(), before.runs);
  store.close();
});

Deno.test("--skip-bad-rows stores the rest, records the bad rows and marks the run partial", async () => {
  const store = SqliteStore.open(":memory:");
  const text = `${GOOD}\n2024-01-05,2,3\n2024-01-06,2,3,1.5,2.5,12\n2024-01-07,2,3,1.5,2.5,12\n`;
  await withFile(text, async (path) => {
    const r = await importCsvFile(store, path, {
      asset: "x",
      skipBadRows: true,
      displayName: "p.csv",
    });
    assert.equal(r.inserted, 5);
    assert.deepEqual(r.badRows, [{
      line: 5,
      reason: "expected 6 fields, got 3 (truncated line?)",
    }]);
    const bad = await store.listQualityIssues({ kind: "bad_row" });
    assert.equal(bad.length, 1);
    assert.equal(bad[0].location, "p.csv:5");
    assert.equal(bad[0].ts, d("2024-01-05"));
    const [run] = await store.listRuns();
    assert.equal(run.status, "partial");
  });
  store.close();
});

Deno.test("macro imports keep revisions: a changed value becomes a new revision", async () => {
  let now = 100;
  const store = SqliteStore.open(":memory:");
  await withFile("observation_date,DTWEXBGS\n2024-01-01,120.5\n2024-01-02,121\n", async (path) => {
    const r = await importCsvFile(store, path, { now: () => now });
    assert.equal(r.inserted, 2);
    assert.equal(r.kind, "macro");
  });
  now = 200;
  await withFile(
    "observation_date,DTWEXBGS\n2024-01-01,120.5\n2024-01-02,121.25\n",
    async (path) => {
      const r = await importCsvFile(store, path, { now: () => now });
      assert.deepEqual([r.inserted, r.updated, r.unchanged], [0, 1, 1]);
    },
  );
  assert.deepEqual((await store.getMacro("DTWEXBGS")).map((o) => o.value), [120.5, 121.25]);
  assert.deepEqual(
    (await store.getMacro("DTWEXBGS", { asOfVintage: 150 })).map((o) => o.value),
    [120.5, 121],
  );
  store.close();
});

Deno.test("a weekday-market gap over a weekend is resolved once its missing days are imported", async () => {
  const store = SqliteStore.open(":memory:");
  const rows = (dates: string[]) =>
    ["Date,Open,High,Low,Close,Volume", ...dates.map((s) => `${s},10,11,9,10,100`)].join("\n");
  // Mon 5 .. Fri 16 Feb 2024 without Fri 9 and Mon 12: one gap of 2 bars (the weekend is no gap).
  const first = ["05", "06", "07", "08", "13", "14", "15", "16"].map((x) => `2024-02-${x}`);
  await withFile(rows(first), async (path) => {
    const r = await importCsvFile(store, path, { asset: "acme" });
    assert.equal(r.calendar, "weekdays");
  });
  const [gap] = await store.listQualityIssues({ kind: "gap" });
  assert.deepEqual([gap.ts, gap.tsEnd, gap.missingBars], [d("2024-02-09"), d("2024-02-13"), 2]);
  await withFile(rows(["2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13"]), async (path) => {
    const r = await importCsvFile(store, path, { asset: "acme" });
    assert.deepEqual([r.inserted, r.unchanged], [2, 2]);
    const [resolved] = await store.listQualityIssues({ kind: "gap", state: "resolved" });
    assert.equal(resolved.id, gap.id);
    assert.equal(resolved.resolvedByRun, r.runId);
  });
  assert.deepEqual(await store.listQualityIssues({ kind: "gap" }), []);
  store.close();
});

Deno.test("an import is a run: running while stored, then its file, rows and issues", async () => {
  const store = SqliteStore.open(":memory:");
  await withFile(GOOD, async (path) => {
    const r = await importCsvFile(store, path, { asset: "x", displayName: "prices.csv" });
    const [run] = await store.listRuns({ task: "import" });
    assert.equal(run.id, r.runId);
    assert.deepEqual([run.status, run.rowsWritten, run.issues, run.params.file], [
      "success",
      3,
      2,
      "prices.csv",
    ]);
  });
  store.close();
});
