import assert from "node:assert/strict";
import { DateReader } from "./dates.ts";

const utc = (...a: [number, number, number, number?, number?, number?]) =>
  Date.UTC(a[0], a[1] - 1, a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0);

Deno.test("DateReader reads dates, date-times and UTC suffixes", () => {
  const r = new DateReader("iso");
  assert.equal(r.read("2017-12-18"), utc(2017, 12, 18));
  assert.equal(r.read("2017-04-19 09:00:00"), utc(2017, 4, 19, 9));
  assert.equal(r.read("2018-01-30 00:05:18 UTC"), utc(2018, 1, 30, 0, 5, 18));
  assert.equal(r.read("2018-01-30T00:05:18Z"), utc(2018, 1, 30, 0, 5, 18));
  assert.ok(Number.isNaN(r.read("2023-02-30")));
  assert.ok(Number.isNaN(r.read("2023-01-01 25:00:00")));
  assert.ok(Number.isNaN(r.read("yesterday")));
});

Deno.test("DateReader.readAt reads a cell in place and agrees with read()", () => {
  const r = new DateReader("auto");
  const row = "x,2020-02-29 23:59:59,2020-02-29,2021-02-29";
  assert.equal(r.readAt(row, 2, 21), utc(2020, 2, 29, 23, 59, 59));
  assert.equal(r.readAt(row, 22, 32), utc(2020, 2, 29));
  assert.ok(Number.isNaN(r.readAt(row, 33, 43)));
});

Deno.test("epoch cells are read in seconds or milliseconds and counted", () => {
  const r = new DateReader("epoch");
  assert.equal(r.read("1513555200.0"), utc(2017, 12, 18));
  assert.equal(r.read("1513555200000"), utc(2017, 12, 18));
  assert.deepEqual(r.epochUnits, { seconds: 1, milliseconds: 1 });
  assert.ok(Number.isNaN(r.read("2017-12-18")));
});
