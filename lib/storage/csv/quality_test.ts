import assert from "node:assert/strict";
import { DAY_MS, HOUR_MS } from "../../core/time.ts";
import {
  chooseDuplicate,
  findGaps,
  inferCalendar,
  inferInterval,
  lastBarLooksPartial,
} from "./quality.ts";
import type { CsvRow } from "./row.ts";

const d = (s: string) => Date.parse(`${s}T00:00:00Z`);
const days = (from: string, n: number, step = 1) =>
  Array.from({ length: n }, (_, i) => d(from) + i * step * DAY_MS);

Deno.test("inferInterval picks the most common step", () => {
  assert.equal(inferInterval(days("2024-01-01", 10)), "1d");
  assert.equal(inferInterval([0, HOUR_MS, 2 * HOUR_MS, 5 * HOUR_MS]), "1h");
  assert.equal(
    inferInterval(["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"].map(d)),
    "1M",
  );
  assert.equal(inferInterval([0, 7 * HOUR_MS, 14 * HOUR_MS]), undefined);
  assert.equal(inferInterval([0]), undefined);
});

Deno.test("a daily series without Saturdays is a weekday market", () => {
  const weekdays = days("2024-01-01", 28).filter((t) => ![0, 6].includes(new Date(t).getUTCDay()));
  assert.equal(inferCalendar(weekdays, "1d"), "weekdays");
  assert.equal(inferCalendar(days("2024-01-01", 28), "1d"), "24/7");
  assert.equal(inferCalendar(days("2024-01-01", 5), "1d"), "24/7"); // Mon..Fri: no Saturday spanned
  assert.equal(inferCalendar([d("2024-01-05"), d("2024-01-08")], "1d"), "weekdays");
});

Deno.test("gaps skip weekends and holidays in a weekday market but not in a 24/7 one", () => {
  // Thu 2024-12-19, Fri 20, (weekend), Mon 23, Tue 24, (Wed 25 Christmas), Thu 26, (Fri 27 missing), Mon 30
  const ts = ["2024-12-19", "2024-12-20", "2024-12-23", "2024-12-24", "2024-12-26", "2024-12-30"]
    .map(d);
  assert.deepEqual(findGaps(ts, "1d", "weekdays"), [
    { from: d("2024-12-27"), to: d("2024-12-30"), missing: 1, after: d("2024-12-26") },
  ]);
  const all = findGaps(ts, "1d", "24/7");
  assert.deepEqual(all.map((g) => g.missing), [2, 1, 3]);
  assert.equal(all[0].from, d("2024-12-21"));
});

Deno.test("monthly gaps count calendar months, whatever the day of month", () => {
  const ts = ["1990-01-31", "1990-02-28", "1990-03-30", "1990-06-29"].map(d);
  const gaps = findGaps(ts, "1M", "24/7");
  assert.equal(gaps.length, 1);
  assert.equal(gaps[0].missing, 2);
  assert.equal(gaps[0].from, d("1990-04-01"));
});

Deno.test("a last bar with a fraction of the usual volume looks partial", () => {
  const v = Array(30).fill(100);
  assert.equal(lastBarLooksPartial([...v, 20]), true);
  assert.equal(lastBarLooksPartial([...v, 30]), false);
  assert.equal(lastBarLooksPartial([100, 100, 5]), false); // too little history
});

const row = (line: number, close: number, extra: Partial<CsvRow> = {}): CsvRow => ({
  line,
  ts: 0,
  open: NaN,
  high: NaN,
  low: NaN,
  close,
  volume: NaN,
  marketCap: NaN,
  missing: undefined,
  offScheduleMs: 0,
  ...extra,
});

Deno.test("duplicates: on-schedule beats complete beats first in file", () => {
  const late = row(1, 10, { offScheduleMs: 1_800_000 });
  const exact = row(2, 11, { missing: [{ field: "volume", found: "0", stored: true }] });
  let g = chooseDuplicate([late, exact]);
  assert.equal(g.kept, exact);
  assert.equal(g.reason, "its time is on schedule");
  assert.ok(g.conflicting);
  assert.deepEqual(g.differences, ["close 11 vs 10"]);

  const complete = row(3, 12);
  g = chooseDuplicate([exact, complete]);
  assert.equal(g.kept, complete);
  assert.equal(g.reason, "it has fewer missing cells");

  g = chooseDuplicate([row(4, 5), row(5, 5)]);
  assert.equal(g.kept.line, 4);
  assert.equal(g.conflicting, false);
});
