import assert from "node:assert/strict";
import { monthlyReturns, yearlyReturns } from "./monthly.ts";

const d = (y: number, m: number, day: number, h = 0) => Date.UTC(y, m - 1, day, h);

Deno.test("monthly returns: month-end equity over the previous month-end; the first from the capital", () => {
  const ts = [d(2024, 1, 15), d(2024, 1, 31), d(2024, 2, 1), d(2024, 2, 29), d(2024, 3, 31)];
  const eq = [1010, 1100, 1200, 990, 1188];
  const m = monthlyReturns(ts, eq, 1000);
  assert.deepEqual(m.map((x) => [x.year, x.month, x.endEquity]), [
    [2024, 1, 1100],
    [2024, 2, 990],
    [2024, 3, 1188],
  ]);
  // 1100/1000 − 1, 990/1100 − 1, 1188/990 − 1
  const expected = [0.1, -0.1, 0.2];
  m.forEach((x, i) => assert.ok(Math.abs(x.ret - expected[i]) < 1e-12, `${x.month}: ${x.ret}`));
});

Deno.test("a bar belongs to the UTC month of its open time, and months without bars are absent", () => {
  // The 23:00 bar of 31 January closes in February but is January's last bar; no April bar.
  const ts = [d(2024, 1, 31, 22), d(2024, 1, 31, 23), d(2024, 2, 1, 0), d(2024, 5, 2)];
  const m = monthlyReturns(ts, [1, 2, 3, 6], 1);
  assert.deepEqual(m.map((x) => [x.month, x.ret]), [[1, 1], [2, 0.5], [5, 1]]);
});

Deno.test("a year compounds its months: year-end equity over the previous year-end", () => {
  const ts = [d(2023, 11, 30), d(2023, 12, 31), d(2024, 1, 31), d(2024, 6, 30)];
  const years = yearlyReturns(monthlyReturns(ts, [1100, 1210, 1089, 1306.8], 1000));
  assert.deepEqual(years.map((y) => [y.year, y.months.length]), [[2023, 2], [2024, 2]]);
  assert.ok(Math.abs(years[0].ret - 0.21) < 1e-12); // 1210 / 1000 − 1
  assert.ok(Math.abs(years[1].ret - 0.08) < 1e-12); // 1306.8 / 1210 − 1
});

Deno.test("no bars, no monthly returns", () => {
  assert.deepEqual(monthlyReturns([], [], 1000), []);
});
