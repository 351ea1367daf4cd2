import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import { SqliteStore } from "../storage/sqlite_store.ts";
import { exportStore } from "./exporter.ts";
import { importCsvFile } from "./importer.ts";
import { loadSampleMarket } from "./sample_loader.ts";

const day = (i: number) => Date.UTC(2024, 0, 1 + i);

Deno.test("export then re-import into a fresh database gives identical data", async () => {
  const dir = await Deno.makeTempDir();
  const a = SqliteStore.open(":memory:");
  const b = SqliteStore.open(":memory:");
  try {
    const cg = { source: "coingecko", asset: "bitcoin", interval: "1d" as const };
    const closeOnly = [0, 1, 2].map((i) => ({
      ts: day(i),
      open: NaN,
      high: NaN,
      low: NaN,
      close: 40_000 + i / 3,
      volume: i === 1 ? NaN : 1e10 + i,
      marketCap: i === 2 ? NaN : 8e11,
    }));
    await a.upsertCandles(cg, closeOnly);
    const hourly = { source: "binance", asset: "ethereum", interval: "1h" as const };
    await a.upsertCandles(hourly, [
      { ts: day(0), open: 1.1, high: 2.2, low: 0.3, close: 1.7, volume: 12.125 },
      { ts: day(0) + 3_600_000, open: 1.7, high: 1.9, low: 1.6, close: 1.8, volume: 0 },
    ]);
    await a.upsertMacro(
      "VIX",
      "cboe",
      [{ ts: day(0), value: 13.2 }, { ts: day(3), value: 14.01 }],
      1,
    );
    await a.upsertMacro("DGS10", "fred", [{ ts: day(0), value: -0.1 }], 1);

    const { files, rows } = await exportStore(a, dir);
    assert.equal(files.length, 4);
    assert.equal(rows, 3 + 2 + 2 + 1);
    for (const f of files) {
      const r = await importCsvFile(b, f);
      assert.equal(r.issues.total, 0, f);
      assert.equal(r.format, "mts");
    }
    assert.deepEqual(
      await b.listSeries().then((s) => s.map((x) => [x.source, x.asset, x.interval, x.count])),
      [
        ["coingecko", "bitcoin", "1d", 3],
        ["binance", "ethereum", "1h", 2],
      ],
    );
    assert.deepEqual(await b.getCandles(cg), await a.getCandles(cg));
    assert.deepEqual(await b.getCandles(hourly), await a.getCandles(hourly));
    for (const s of ["VIX", "DGS10"]) assert.deepEqual(await b.getMacro(s), await a.getMacro(s));
    assert.deepEqual(
      (await b.listMacroSeries()).map((m) => [m.series, m.source]),
      [["DGS10", "fred"], ["VIX", "cboe"]],
    );
  } finally {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("export filters by asset, series and source and labels the sample market", async () => {
  const dir = await Deno.makeTempDir();
  const store = SqliteStore.open(":memory:");
  try {
    await loadSampleMarket(store, { start: "2024-01-01", end: "2024-01-31" });
    const only = await exportStore(store, dir, { assets: ["bitcoin"] });
    assert.deepEqual(only.files.map((f) => f.replace(/^.*\//, "")), [
      "candles_sample_bitcoin_1d.csv",
    ]);
    assert.equal(only.rows, 31);
    const text = await Deno.readTextFile(only.files[0]);
    assert.match(text.split("\n")[0], /source=sample .*label="generated sample data"/);
    const macro = await exportStore(store, dir, { series: ["vix"] });
    assert.deepEqual(macro.files.map((f) => f.replace(/^.*\//, "")), ["macro_sample_VIX.csv"]);
    assert.equal(macro.rows, 23); // weekdays of January 2024
    assert.equal((await exportStore(store, dir, { sources: ["coingecko"] })).files.length, 0);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

const bar = (i: number) => ({
  ts: day(i),
  open: 10 + i,
  high: 12 + i,
  low: 9 + i,
  close: 11 + i,
  volume: 100 + i,
});

Deno.test("ids that differ only in punctuation or case get their own backup and re-import exactly", async () => {
  const dir = await Deno.makeTempDir();
  const a = SqliteStore.open(":memory:");
  const b = SqliteStore.open(":memory:");
  try {
    const keys = ["foo_bar", "foo-bar", "Foo_Bar"].map((asset, i) => ({
      key: { source: "csv", asset, interval: "1d" as const },
      candles: [bar(i), bar(i + 1)],
    }));
    for (const k of keys) await a.upsertCandles(k.key, k.candles);
    await a.upsertMacro("vix_x", "MyFeed", [{ ts: day(0), value: 1.5 }], 1);
    const { files } = await exportStore(a, dir);
    assert.equal(files.length, 4);
    // distinct even on a case-insensitive file system
    assert.equal(new Set(files.map((f) => f.toLowerCase())).size, 4);
    for (const f of files) await importCsvFile(b, f);
    for (const k of keys) assert.deepEqual(await b.getCandles(k.key), await a.getCandles(k.key));
    assert.deepEqual(await b.getMacro("vix_x", { source: "MyFeed" }), [{ ts: day(0), value: 1.5 }]);
  } finally {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a stored id that breaks the id rule stops the export before anything is written", async () => {
  const bad: [string, RegExp][] = [
    ["比特币", /asset id "比特币" is not valid: "比" \(U\+6BD4\) at position 1/],
    ["btc\nusd", /asset id "btc\\nusd" is not valid: a newline at position 4/],
    ["   ", /asset id " {3}" is not valid: a space at position 1/],
    ["x".repeat(300), /it is 300 characters long/],
  ];
  for (const [asset, re] of bad) {
    const dir = await Deno.makeTempDir();
    const store = SqliteStore.open(":memory:");
    try {
      await store.upsertCandles({ source: "csv", asset: "aaa", interval: "1d" }, [bar(0)]);
      await store.upsertCandles({ source: "csv", asset, interval: "1d" }, [bar(0)]);
      await assert.rejects(
        exportStore(store, `${dir}/out`),
        (e: unknown) =>
          e instanceof DataError && re.test(e.message) && /nothing was written/.test(e.message) &&
          !e.message.includes("\n"),
        JSON.stringify(asset),
      );
      await assert.rejects(Deno.stat(`${dir}/out`), Deno.errors.NotFound);
      // the other series can still be exported on their own
      assert.equal((await exportStore(store, `${dir}/out`, { assets: ["aaa"] })).files.length, 1);
    } finally {
      store.close();
      await Deno.remove(dir, { recursive: true });
    }
  }
});
