import assert from "node:assert/strict";
import { DataError, UsageError } from "../../core/errors.ts";
import { detectFormat, FORMATS } from "./formats.ts";
import { parseCsvText } from "./parse.ts";

const isData = (where: string, re: RegExp) => (e: unknown) =>
  e instanceof DataError && e.where === where && re.test(e.message);

Deno.test("duplicate header columns are an error naming the column and both positions", () => {
  const text = "Date,Open,High,Low,Close,Close\n2024-01-01,1,2,0.5,1.5,1.6\n";
  assert.throws(
    () => parseCsvText(text, { file: "d.csv", asset: "x" }),
    isData("d.csv:1", /^d\.csv:1: duplicate column "Close" \(columns 5 and 6\)$/),
  );
  const mixed = "https://example.com\nDate,Open,High,Low,Close,VOLUME,volume\n";
  assert.throws(
    () => parseCsvText(mixed, { file: "m.csv", asset: "x" }),
    isData("m.csv:2", /"VOLUME" \(column 6\) and "volume" \(column 7\) are the same name/),
  );
});

Deno.test("a semicolon-separated file is detected and read; a decimal comma is named", () => {
  const text =
    "Date;Open;High;Low;Close;Volume\n2024-01-01;1;2;0.5;1.5;10\n2024-01-02;1.5;2.5;1;2;11\n";
  const p = parseCsvText(text, { file: "s.csv", asset: "x" });
  assert.equal(p.format, "ohlcv");
  assert.deepEqual(p.candles.map((c) => [c.open, c.high, c.low, c.close, c.volume]), [
    [1, 2, 0.5, 1.5, 10],
    [1.5, 2.5, 1, 2, 11],
  ]);
  assert.ok(p.notes.includes("fields are separated by semicolons"));
  const fred = parseCsvText("observation_date;DGS10\n2024-01-02;3.95\n", { file: "f.csv" });
  assert.deepEqual(fred.observations, [{ ts: Date.UTC(2024, 0, 2), value: 3.95 }]);
  const comma = "Date;Open;High;Low;Close;Volume\n2024-01-01;1;2;0,5;1,5;10\n";
  assert.throws(
    () => parseCsvText(comma, { file: "s.csv", asset: "x" }),
    isData(
      "s.csv:2",
      /Low: "0,5" is not a number \(a decimal comma\? mts reads decimal points only\)/,
    ),
  );
});

Deno.test("a banner line with a semicolon is still a banner", () => {
  const text = "Exported by X; daily\nDate,Open,High,Low,Close\n2024-01-01,1,2,0.5,1.5\n";
  assert.equal(parseCsvText(text, { file: "b.csv", asset: "x" }).candles.length, 1);
});

Deno.test("asset and series flags follow the id rule: spaces, CJK and long ids exit as usage errors", () => {
  const text = "Date,Open,High,Low,Close\n2024-01-01,1,2,0.5,1.5\n";
  for (const asset of ["   ", "比特币", "a".repeat(65), "btc\nusd"]) {
    assert.throws(
      () => parseCsvText(text, { file: "p.csv", asset }),
      (e: unknown) =>
        e instanceof UsageError &&
        /^--asset: expected an asset id \(1-64 characters .*\), got ".*" \(.+\)$/s.test(e.message),
      JSON.stringify(asset),
    );
  }
  assert.throws(
    () => parseCsvText("Date,Value\n2024-01-01,1\n", { file: "v.csv", series: "vix monthly" }),
    (e: unknown) =>
      e instanceof UsageError &&
      /^--series: expected a series id \(.*\), got "VIX MONTHLY" \(a space at position 4 is not allowed\)$/
        .test(e.message),
  );
  assert.throws(
    () => parseCsvText(text, { file: "p.csv", asset: "x", source: "my source" }),
    (e: unknown) =>
      e instanceof UsageError &&
      /^--source: expected a source name \(1-32 characters.*\), got "my source"/.test(e.message),
  );
  assert.equal(parseCsvText(text, { file: "p.csv", asset: "Foo_Bar" }).subject, "foo_bar");
});

Deno.test("ids read from a file follow the id rule, at the line they come from", () => {
  assert.throws(
    () => parseCsvText("observation_date,日本\n2024-01-01,1\n", { file: "f.csv" }),
    isData("f.csv:1", /series id "日本" is not valid/),
  );
  const banner = '# mts export: candles source=csv asset="a b" interval=1d\n' +
    "date,open,high,low,close,volume,market_cap\n2024-01-01,1,2,0.5,1.5,,\n";
  assert.throws(
    () => parseCsvText(banner, { file: "e.csv" }),
    isData("e.csv:1", /asset id "a b" is not valid: a space at position 2/),
  );
});

Deno.test("an mts export names its series exactly: no case folding of banner ids", () => {
  const text = "# mts export: candles source=MyFeed asset=Foo_Bar interval=1d\n" +
    "date,open,high,low,close,volume,market_cap\n2024-01-01,1,2,0.5,1.5,,\n";
  const p = parseCsvText(text, { file: "e.csv" });
  assert.deepEqual([p.source, p.subject], ["MyFeed", "Foo_Bar"]);
  const macro = "# mts export: macro series=vix_x source=fred\ndate,value\n2024-01-01,1\n";
  assert.equal(parseCsvText(macro, { file: "m.csv" }).subject, "vix_x");
});

Deno.test("a huge header is echoed capped in the unrecognised-header message", () => {
  const header = `a,${"h".repeat(5_000_000)}`;
  assert.throws(
    () => detectFormat([header, "1,2"], { file: "h.csv" }),
    (e: unknown) =>
      e instanceof DataError && e.message.length < 1_000 && /unrecognised header/.test(e.message) &&
      /\(5000002 chars\)/.test(e.message),
  );
});

Deno.test("the format table lists every format once, specific ones before generic ones", () => {
  const names = FORMATS.map((f) => f.name);
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.indexOf("cboe_vix") < names.indexOf("ohlcv"));
  assert.ok(names.indexOf("fred") < names.indexOf("date_value"));
  assert.ok(names.indexOf("cryptodatadownload") < names.indexOf("ohlcv"));
});

Deno.test("a huge column name is echoed capped in every row message", () => {
  const name = "Close" + "x".repeat(1_000_000);
  const text = `Date,Open,High,Low,Close,Volume,${name}\n2024-01-01,1,2,0.5,1.5,-1,3\n`;
  assert.throws(
    () => parseCsvText(text, { file: "w.csv", asset: "x" }),
    (e: unknown) =>
      e instanceof DataError && e.message.length < 300 &&
      /Volume must not be negative/.test(e.message),
  );
  const cdd = "https://www.CryptoDataDownload.com\n" +
    `unix,date,symbol,open,high,low,close,Volume BTC,Volume ${"U".repeat(1_000_000)}\n` +
    "1513641600000,2017-12-19 00:00:00,BTC/USDT,1,2,0.5,1.5,1,-2\n";
  assert.throws(
    () => parseCsvText(cdd, { file: "c.csv" }),
    (e: unknown) =>
      e instanceof DataError && e.message.length < 300 && /must not be negative/.test(e.message),
  );
});

Deno.test("an mts export whose banner lost its ids takes them from the backup file name", () => {
  const text =
    "# mts export: candles\ndate,open,high,low,close,volume,market_cap\n2024-01-01,1,2,0.5,1.5,,\n";
  const p = parseCsvText(text, { file: "data/backups/candles_~My~Feed_foo~_bar_1h.csv" });
  assert.deepEqual([p.source, p.subject, p.interval], ["MyFeed", "foo_bar", "1h"]);
  const m = parseCsvText("# mts export: macro\ndate,value\n2024-01-01,2\n", {
    file: "macro_fred_DGS10.csv",
  });
  assert.deepEqual([m.source, m.subject], ["fred", "DGS10"]);
  assert.throws(() => parseCsvText(text, { file: "other.csv" }), /pass --asset/);
});
