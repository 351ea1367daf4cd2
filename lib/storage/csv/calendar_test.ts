import assert from "node:assert/strict";
import { easterSunday, isClosed, isUsMarketHoliday, usMarketHolidays } from "./calendar.ts";

const d = (s: string) => Date.parse(`${s}T00:00:00Z`);
const dates = (set: Set<number>) =>
  [...set].sort((a, b) => a - b).map((t) => new Date(t).toISOString().slice(0, 10));

Deno.test("2024 US market holidays match the NYSE calendar", () => {
  assert.deepEqual(dates(usMarketHolidays(2024)), [
    "2024-01-01",
    "2024-01-15",
    "2024-02-19",
    "2024-03-29",
    "2024-05-27",
    "2024-06-19",
    "2024-07-04",
    "2024-09-02",
    "2024-11-28",
    "2024-12-25",
  ]);
});

Deno.test("weekend holidays are observed on the nearest weekday, except New Year on a Saturday", () => {
  assert.ok(isUsMarketHoliday(d("2021-12-24"))); // Christmas 2021 was a Saturday
  assert.ok(!isUsMarketHoliday(d("2021-12-31"))); // New Year 2022 (Saturday) is not observed
  assert.ok(isUsMarketHoliday(d("2023-01-02"))); // New Year 2023 was a Sunday
  assert.ok(isUsMarketHoliday(d("2015-07-03"))); // July 4th 2015 was a Saturday
  assert.ok(!isUsMarketHoliday(d("2021-06-18"))); // Juneteenth is a market holiday from 2022 only
  assert.ok(!isUsMarketHoliday(d("1997-01-20"))); // MLK day from 1998 only
});

Deno.test("Easter Sunday is computed for known years", () => {
  assert.equal(easterSunday(2000), d("2000-04-23"));
  assert.equal(easterSunday(2024), d("2024-03-31"));
  assert.equal(easterSunday(2025), d("2025-04-20"));
  assert.equal(easterSunday(2038), d("2038-04-25"));
});

Deno.test("a weekday market is closed from Friday 20:00 UTC through Sunday and on holidays", () => {
  assert.ok(!isClosed(d("2024-05-03") + 19 * 3_600_000)); // Friday 19:00
  assert.ok(isClosed(d("2024-05-03") + 20 * 3_600_000)); // Friday 20:00
  assert.ok(isClosed(d("2024-05-04"))); // Saturday
  assert.ok(isClosed(d("2024-05-05") + 22 * 3_600_000)); // Sunday
  assert.ok(!isClosed(d("2024-05-06"))); // Monday
  assert.ok(isClosed(d("2024-12-25") + 10 * 3_600_000));
});
