import assert from "node:assert/strict";
import { addDuration, addMonths, parseDuration } from "./duration.ts";

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

Deno.test("parseDuration reads y, m, w, d and h as calendar months or fixed milliseconds", () => {
  assert.deepEqual(parseDuration("2y", "train"), { months: 24, ms: 0, text: "2y" });
  assert.deepEqual(parseDuration("6m", "test"), { months: 6, ms: 0, text: "6m" });
  assert.deepEqual(parseDuration("3w", "x"), { months: 0, ms: 21 * 86_400_000, text: "3w" });
  assert.deepEqual(parseDuration("5d", "purge"), { months: 0, ms: 5 * 86_400_000, text: "5d" });
  assert.deepEqual(parseDuration("12h", "x"), { months: 0, ms: 12 * 3_600_000, text: "12h" });
  assert.deepEqual(parseDuration("0d", "embargo"), { months: 0, ms: 0, text: "0d" });
});

Deno.test("parseDuration rejects other forms, naming the option and the accepted units", () => {
  for (const bad of ["2x", "1.5y", "-1m", "m", "", "6 months"]) {
    assert.throws(
      () => parseDuration(bad, "train"),
      (e: Error) =>
        e instanceof RangeError && e.message.includes(`train duration "${bad}"`) &&
        e.message.includes("y, m, w, d or h"),
    );
  }
});

Deno.test("adding months keeps day and time of day and clamps to the month's last day", () => {
  assert.equal(addMonths(utc(2020, 1, 31), 1), utc(2020, 2, 29)); // leap year
  assert.equal(addMonths(utc(2021, 1, 31), 1), utc(2021, 2, 28));
  assert.equal(addMonths(utc(2020, 2, 29), 12), utc(2021, 2, 28));
  assert.equal(addMonths(utc(2020, 3, 31), -1), utc(2020, 2, 29));
  assert.equal(addMonths(utc(2020, 1, 15), -2), utc(2019, 11, 15));
  assert.equal(addMonths(utc(2020, 12, 10), 1), utc(2021, 1, 10));
  assert.equal(addMonths(utc(2020, 1, 31, 13, 45), 1), utc(2020, 2, 29, 13, 45));
  // Clamping does not compose, which is why windows step from one anchor.
  assert.equal(addMonths(addMonths(utc(2021, 1, 31), 1), 1), utc(2021, 3, 28));
  assert.equal(addMonths(utc(2021, 1, 31), 2), utc(2021, 3, 31));
});

Deno.test("addDuration adds k times a duration, months first", () => {
  assert.equal(addDuration(utc(2021, 1, 31), parseDuration("1m", "x"), 3), utc(2021, 4, 30));
  assert.equal(addDuration(utc(2021, 3, 1), parseDuration("5d", "x"), -1), utc(2021, 2, 24));
  assert.equal(addDuration(utc(2021, 3, 1, 6), parseDuration("12h", "x"), 2), utc(2021, 3, 2, 6));
});
