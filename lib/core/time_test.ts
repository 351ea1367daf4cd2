import assert from "node:assert/strict";
import { dateRangeProblem, parseDateArg, parseUtcDate } from "./time.ts";

/** Days from Jan 1 of `year` to 1970-01-01, counted year by year with the Gregorian leap rule. */
function daysBefore1970(year: number): number {
  let days = 0;
  for (let y = year; y < 1970; y++) {
    days += (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365;
  }
  return days;
}

Deno.test("parseUtcDate reads years 0000-0099 as themselves, not as 1900-1999", () => {
  assert.equal(parseUtcDate("0024-01-01"), -daysBefore1970(24) * 86_400_000);
  assert.equal(parseUtcDate("0001-01-01"), -daysBefore1970(1) * 86_400_000);
  assert.equal(parseUtcDate("1924-01-01"), -daysBefore1970(1924) * 86_400_000);
  assert.equal(new Date(parseUtcDate("0099-12-31T12:00:00Z")).getUTCFullYear(), 99);
});

Deno.test("parseUtcDate rejects impossible days instead of rolling them over", () => {
  for (const t of ["2023-02-29", "2023-02-30", "2024-04-31", "2023-13-01", "2023-00-10"]) {
    assert.ok(Number.isNaN(parseUtcDate(t)), t);
  }
  assert.equal(parseUtcDate("2024-02-29"), Date.UTC(2024, 1, 29));
});

Deno.test("dateRangeProblem accepts 1970-01-01 .. 2100-12-31 and names the year otherwise", () => {
  assert.equal(dateRangeProblem(0), undefined);
  assert.equal(dateRangeProblem(Date.UTC(2100, 11, 31, 23, 59, 59, 999)), undefined);
  assert.equal(dateRangeProblem(-1), "year 1969 is before 1970");
  assert.equal(dateRangeProblem(Date.UTC(2101, 0, 1)), "year 2101 is after 2100");
  assert.equal(dateRangeProblem(parseUtcDate("0024-01-01")), "year 0024 is before 1970");
});

Deno.test("date flags reject years outside 1970..2100 and impossible days, naming the flag", () => {
  assert.throws(
    () => parseDateArg("0024-01-01", "--start"),
    (e: unknown) =>
      e instanceof RangeError &&
      e.message ===
        'Cannot use --start "0024-01-01": year 0024 is before 1970 (accepted: 1970-01-01 .. 2100-12-31)',
  );
  assert.throws(() => parseDateArg("1969-12-31", "--end"), /--end "1969-12-31": year 1969/);
  assert.throws(() => parseDateArg("2101-01-01", "--at"), /--at "2101-01-01": year 2101 is after/);
  assert.throws(
    () => parseDateArg("2023-02-30", "--at"),
    /Cannot parse --at "2023-02-30": expected a real date/,
  );
  assert.equal(parseDateArg("1970-01-01", "--start"), 0);
  assert.equal(parseDateArg("2100-12-31", "--end"), Date.UTC(2100, 11, 31));
});

Deno.test("date flags echo a hostile value capped and escaped", () => {
  const text = "\u001b[2J" + "9".repeat(10_000);
  assert.throws(() => parseDateArg(text, "--at"), (e: unknown) => {
    const m = (e as Error).message;
    return m.length < 300 && m.includes("\\x1b[2J") && !m.includes("\u001b") &&
      m.includes("(10004 chars)");
  });
});
