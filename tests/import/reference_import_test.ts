/**
 * Imports every reference CSV of ../shared/reference (read in place, never copied) and checks that
 * the quirks the reference README lists are reported exactly, with expected counts computed
 * independently from the raw file text. Skips with a message when the folder is absent.
 */
import assert from "node:assert/strict";
import { importCsvFile } from "../../lib/services/importer.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import type { QualityIssue } from "../../lib/storage/store.ts";
import { parseCsvText } from "../../lib/storage/csv/parse.ts";

const REF = new URL("../../../shared/reference/", import.meta.url);
let present = true;
try {
  Deno.statSync(REF);
} catch {
  present = false;
  console.warn(`reference data not found at ${REF.pathname}: skipping reference import tests`);
}
const path = (rel: string) => new URL(rel, REF).pathname;
const read = (rel: string) => Deno.readTextFileSync(path(rel));
const dataLines = (rel: string, skip = 1) =>
  read(rel).split("\n").slice(skip).filter((l) => l.trim() !== "");
const d = (s: string) => Date.parse(`${s}T00:00:00Z`);
const ofKind = (issues: QualityIssue[], kind: string) => issues.filter((i) => i.kind === kind);
const opts = { ignore: !present };

async function importTwice(rel: string, options: { asset?: string; series?: string } = {}) {
  const store = SqliteStore.open(":memory:");
  try {
    const first = await importCsvFile(store, path(rel), { ...options, displayName: rel });
    const second = await importCsvFile(store, path(rel), { ...options, displayName: rel });
    return { first, second, stored: await store.listQualityIssues() };
  } finally {
    store.close();
  }
}

for (const sym of ["BTC", "ETH"]) {
  const rel = `cryptodatadownload-binance/Binance_${sym}USDT_d.csv`;
  Deno.test(
    `reference ${rel}: conflicting 2017-12-18 duplicate, NULLs, s/ms, partial last day`,
    opts,
    () => {
      const lines = dataLines(rel, 2);
      const p = parseCsvText(read(rel), { file: rel });
      assert.equal(p.subject, sym === "BTC" ? "bitcoin" : "ethereum");
      assert.equal(p.rowsRead, lines.length);
      const dup = ofKind(p.issues, "conflicting_duplicate");
      assert.equal(dup.length, 1);
      assert.equal(dup[0].ts, d("2017-12-18"));
      // both rows of 2017-12-18, straight from the file
      const rows1218 = lines.filter((l) => l.split(",")[1].startsWith("2017-12-18"))
        .map((l) => l.split(","));
      assert.equal(rows1218.length, 2);
      const [msRow, sRow] = rows1218[0][0].length === 13 ? rows1218 : [rows1218[1], rows1218[0]];
      assert.ok(dup[0].detail.includes(`open ${+msRow[3]} vs ${+sRow[3]}`), dup[0].detail);
      const kept = p.candles.find((c) => c.ts === d("2017-12-18"))!;
      assert.equal(kept.open, +msRow[3]); // the complete, millisecond-stamped row is kept
      assert.equal(kept.volume, +msRow[7]);
      // NULL trade counts: every NULL row except the dropped duplicate
      const nullRows = lines.filter((l) => l.endsWith(",NULL"));
      const mv = ofKind(p.issues, "missing_value");
      assert.equal(mv.length, nullRows.length - 1);
      assert.ok(mv.every((i) => i.field === "tradecount"));
      const secondsRows = lines.filter((l) => l.split(",")[0].includes(".")).length;
      assert.ok(p.notes.some((n) => n.includes(`seconds (${secondsRows} rows)`)));
      const partial = ofKind(p.issues, "partial_bar");
      assert.equal(partial.length, 1);
      assert.equal(partial[0].ts, d(lines[0].split(",")[1].slice(0, 10)));
      assert.equal(ofKind(p.issues, "gap").length, 0);
      assert.equal(p.candles.length, lines.length - 1);
      assert.ok(p.candles.every((c, i) => i === 0 || c.ts - p.candles[i - 1].ts === 86_400_000));
    },
  );
}

Deno.test(
  "reference eth-usd-max.csv: the missing 2015-08-09 snapshot is a gap, blanks are reported",
  opts,
  () => {
    const rel = "coingecko-export/eth-usd-max.csv";
    const p = parseCsvText(read(rel), { file: rel });
    const gaps = ofKind(p.issues, "gap");
    assert.equal(gaps.length, 1);
    // the 2015-08-09 00:00 snapshot closes 2015-08-08, so the missing bar is dated 2015-08-08
    assert.equal(gaps[0].ts, d("2015-08-08"));
    assert.equal(gaps[0].tsEnd, d("2015-08-09"));
    assert.match(gaps[0].detail, /no snapshot at 2015-08-09T00:00:00Z/);
    const mv = ofKind(p.issues, "missing_value");
    assert.deepEqual(
      mv.map((i) => [i.field, new Date(i.ts!).toISOString().slice(0, 10)]),
      [["market_cap", "2015-08-06"], ["market_cap", "2017-04-01"]],
    );
    assert.match(mv[1].location!, /:605$/);
    assert.equal(p.candles.length, dataLines(rel).length);
  },
);

Deno.test(
  "reference btc-usd-max.csv: zeros before 2013-04-28 are missing market caps and volumes",
  opts,
  () => {
    const rel = "coingecko-export/btc-usd-max.csv";
    const rows = dataLines(rel).map((l) => l.split(",")).filter((r) =>
      r[0].includes("00:00:00 UTC")
    );
    const p = parseCsvText(read(rel), { file: rel });
    const mv = ofKind(p.issues, "missing_value");
    const isZero = (s: string) => s === "" || Number(s) === 0;
    assert.equal(
      mv.filter((i) => i.field === "market_cap").length,
      rows.filter((r) => isZero(r[2])).length,
    );
    assert.equal(
      mv.filter((i) => i.field === "volume").length,
      rows.filter((r) => isZero(r[3])).length,
    );
    // two late snapshots (23:29 and 23:39) lose to the exact midnight ones; two 00:05 ones are used
    assert.equal(ofKind(p.issues, "conflicting_duplicate").length, 2);
    assert.equal(ofKind(p.issues, "off_schedule").length, 2);
    assert.deepEqual(ofKind(p.issues, "gap").map((g) => g.ts), [d("2017-06-05"), d("2017-06-07")]);
  },
);

for (const [series, blanks] of [["DGS10", 122], ["DTWEXBGS", 131]] as const) {
  Deno.test(
    `reference fred/${series}.csv: ${blanks} blank values are missing observations`,
    opts,
    async () => {
      const rel = `fred/${series}.csv`;
      const lines = dataLines(rel);
      const counted = lines.filter((l) => l.split(",")[1].trim() === "").length;
      assert.equal(counted, blanks);
      const { first, second, stored } = await importTwice(rel);
      assert.equal(first.subject, series);
      assert.equal(first.inserted, lines.length - blanks);
      const mv = first.issues.byKind.find((k) => k.kind === "missing_value")!;
      assert.equal(mv.count, blanks);
      assert.equal(first.issues.total, blanks); // no gaps: weekends and holidays are not expected
      assert.equal(stored.length, blanks);
      assert.equal(second.inserted, 0);
      assert.equal(second.issues.new, 0);
    },
  );
}

Deno.test("reference vix-daily.csv: 506 close-only rows, holidays are not gaps", opts, async () => {
  const rel = "finance-vix/vix-daily.csv";
  const rows = dataLines(rel).map((l) => l.split(",").map(Number));
  const closeOnly = rows.filter(([, o, h, l, c]) => o === h && h === l && l === c).length;
  assert.equal(closeOnly, 506);
  const { first, second } = await importTwice(rel);
  assert.equal(first.kind, "macro");
  assert.equal(first.subject, "VIX");
  assert.equal(first.source, "cboe");
  assert.equal(first.inserted, rows.length);
  assert.equal(first.issues.byKind.find((k) => k.kind === "close_only")!.count, 506);
  const p = parseCsvText(read(rel), { file: rel });
  const gapDays = ofKind(p.issues, "gap").map((g) => new Date(g.ts!).toISOString().slice(0, 10));
  // real closures, not holidays: 9/11 (4 days as one gap), Sandy, state funerals, …
  assert.ok(gapDays.includes("2001-09-11"));
  assert.ok(gapDays.includes("2012-10-29"));
  assert.ok(gapDays.includes("2018-12-05"));
  assert.ok(!gapDays.some((g) => g.endsWith("-12-25") || g.endsWith("-07-04")));
  assert.equal(second.inserted, 0);
  assert.equal(second.issues.new, 0);
});

Deno.test("reference vix-monthly.csv imports as a macro series with --series", opts, async () => {
  const { first } = await importTwice("finance-vix/vix-monthly.csv", { series: "VIX_MONTHLY" });
  assert.equal(first.interval, "1M");
  assert.equal(first.inserted, dataLines("finance-vix/vix-monthly.csv").length);
});

Deno.test("reference backtesting.py files: stock, hourly FX and monthly bars", opts, () => {
  const goog = parseCsvText(read("backtesting.py/GOOG.csv"), { file: "GOOG.csv", asset: "goog" });
  assert.equal(goog.calendar, "weekdays");
  assert.equal(goog.candles.length, dataLines("backtesting.py/GOOG.csv").length);
  assert.deepEqual(
    ofKind(goog.issues, "gap").map((g) => new Date(g.ts!).toISOString().slice(0, 10)),
    ["2007-01-02", "2012-10-29"],
  );
  const fx = parseCsvText(read("backtesting.py/EURUSD.csv"), {
    file: "EURUSD.csv",
    asset: "eurusd",
  });
  assert.equal(fx.interval, "1h");
  assert.equal(fx.calendar, "weekdays");
  assert.deepEqual(fx.issues, []); // weekend closes and Christmas/New Year are expected
  const m = parseCsvText(read("backtesting.py/BTCUSD.csv"), { file: "BTCUSD.csv" });
  assert.equal(m.subject, "bitcoin");
  assert.equal(m.interval, "1M");
  assert.equal(m.candles.length, 156);
  assert.ok(m.candles.every((c) => new Date(c.ts).getUTCDate() === 1));
  assert.equal(m.candles[0].ts, d("2012-01-01"));
});

Deno.test("every reference file re-imports with 0 new rows and 0 new issues", opts, async () => {
  const files: [string, { asset?: string; series?: string }][] = [
    ["coingecko-export/btc-usd-max.csv", {}],
    ["coingecko-export/eth-usd-max.csv", {}],
    ["cryptodatadownload-binance/Binance_BTCUSDT_d.csv", {}],
    ["cryptodatadownload-binance/Binance_ETHUSDT_d.csv", {}],
    ["backtesting.py/GOOG.csv", { asset: "goog" }],
    ["backtesting.py/EURUSD.csv", { asset: "eurusd" }],
    ["backtesting.py/BTCUSD.csv", {}],
  ];
  for (const [rel, o] of files) {
    const { first, second } = await importTwice(rel, o);
    assert.ok(first.inserted > 0, rel);
    assert.deepEqual([second.inserted, second.updated, second.issues.new], [0, 0, 0], rel);
    assert.equal(second.unchanged, first.inserted, rel);
  }
});
