import assert from "node:assert/strict";
import { DataError } from "../../core/errors.ts";
import { parseCsvText } from "./parse.ts";
import { RecordScanner } from "./records.ts";

const OHLCV = "Date,Open,High,Low,Close,Volume";
const row = (day: number) => `2024-01-${String(day).padStart(2, "0")},1,2,0.5,1.5,10`;

Deno.test("--skip-bad-rows after an unterminated quote keeps every later good row", () => {
  const lines = [OHLCV, row(1), row(2), '2024-01-03,"1,2,0.5,1.5,10', row(4), row(5), row(6)];
  const p = parseCsvText(lines.join("\n"), { file: "q.csv", asset: "x", skipBadRows: true });
  assert.deepEqual(p.candles.map((c) => new Date(c.ts).getUTCDate()), [1, 2, 4, 5, 6]);
  assert.deepEqual(p.badRows, [{
    line: 4,
    reason: "unterminated quote: a quoted field opened on this line is never closed",
  }]);
  assert.equal(p.rowsRead, 6);
});

Deno.test("two stray quotes are two bad rows; the good rows between them are kept", () => {
  // Line 4 opens a quote that line 7 closes: joined they give 2 fields, not 6.
  const lines = [
    OHLCV,
    row(1),
    row(2),
    '2024-01-03,"1,2,0.5,1.5,10',
    row(4),
    row(5),
    '2024-01-06,1,2,0.5,1.5,10"',
    row(7),
  ];
  const p = parseCsvText(lines.join("\n"), { file: "q.csv", asset: "x", skipBadRows: true });
  assert.deepEqual(p.candles.map((c) => new Date(c.ts).getUTCDate()), [1, 2, 4, 5, 7]);
  assert.deepEqual(p.badRows.map((b) => b.line), [4, 7]);
  assert.match(p.badRows[0].reason, /closes on line 7, giving 2 fields instead of 6/);
  assert.match(p.badRows[1].reason, /unterminated quote/);
  const issues = p.issues.filter((i) => i.kind === "bad_row").map((i) => i.location);
  assert.deepEqual(issues, ["q.csv:4", "q.csv:7"]);
});

Deno.test("without --skip-bad-rows an unterminated quote fails at the line that opens it", () => {
  const text = [OHLCV, row(1), '2024-01-02,1,2,0.5,"1.5,10', row(3)].join("\n");
  assert.throws(
    () => parseCsvText(text, { file: "q.csv", asset: "x" }),
    (e: unknown) =>
      e instanceof DataError && e.where === "q.csv:3" && /unterminated quote/.test(e.message),
  );
});

Deno.test("a quoted field that really spans lines is one record; line numbers stay right", () => {
  const text = [
    "Date,Open,High,Low,Close,Volume,Note",
    '2024-01-01,1,2,0.5,1.5,10,"first line',
    'second line"',
    "2024-01-02,1,2,0.5,1.5,10,plain",
    "2024-01-03,1,2,0.5,abc,10,plain",
  ].join("\r\n");
  assert.throws(
    () => parseCsvText(text, { file: "m.csv", asset: "x" }),
    (e: unknown) => e instanceof DataError && e.where === "m.csv:5",
  );
  const scan = new RecordScanner(text, 1, 7, ",");
  assert.ok(scan.next());
  assert.equal(scan.line, 2);
  assert.equal(scan.count, 7);
  assert.equal(scan.src.slice(scan.starts[6], scan.ends[6]), "first line\nsecond line");
  assert.ok(scan.next());
  assert.equal(scan.line, 4);
});

Deno.test("an unterminated quote early in a long file costs one row, not the rest of the file", () => {
  const lines = [OHLCV, '2024-01-01,"1,2,0.5,1.5,10'];
  const start = Date.UTC(2024, 0, 2);
  for (let i = 0; i < 50_000; i++) {
    lines.push(`${new Date(start + i * 60_000).toISOString().slice(0, 19)}Z,1,2,0.5,1.5,10`);
  }
  const p = parseCsvText(lines.join("\n"), { file: "l.csv", asset: "x", skipBadRows: true });
  assert.equal(p.candles.length, 50_000);
  assert.deepEqual(p.badRows.map((b) => b.line), [2]);
});
