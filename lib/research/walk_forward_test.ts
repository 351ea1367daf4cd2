import assert from "node:assert/strict";
import fc from "fast-check";
import { walkForwardWindows } from "./walk_forward.ts";

const DAY = 86_400_000;
const JAN1 = Date.UTC(2020, 0, 1);
/** Daily bars of 2020 (a leap year), 366 of them. */
const YEAR = Array.from({ length: 366 }, (_, i) => JAN1 + i * DAY);
/** Index of 2020-mm-dd in YEAR. */
const idx = (m: number, d: number) => (Date.UTC(2020, m - 1, d) - JAN1) / DAY;
const ms = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

Deno.test("rolling 3m/1m over 2020: nine monthly tests, each trained on the three months before", () => {
  const w = walkForwardWindows(YEAR, { train: "3m", test: "1m" });
  assert.equal(w.length, 9); // tests April … December
  assert.deepEqual(w[0].train, {
    start: 0,
    end: 91,
    startMs: ms(2020, 1, 1),
    endMs: ms(2020, 4, 1),
  });
  assert.deepEqual(w[0].test, {
    start: 91,
    end: 121,
    startMs: ms(2020, 4, 1),
    endMs: ms(2020, 5, 1),
  });
  for (let k = 0; k < 9; k++) {
    assert.equal(w[k].index, k);
    assert.equal(w[k].train.start, idx(1 + k, 1));
    assert.equal(w[k].train.end, idx(4 + k, 1));
    assert.equal(w[k].test.start, idx(4 + k, 1));
    assert.equal(w[k].test.end, k === 8 ? 366 : idx(5 + k, 1));
    assert.equal(w[k].partial, false);
    assert.equal(w[k].purged + w[k].embargoed, 0);
  }
});

Deno.test("anchored windows always train from the first bar up to the test start", () => {
  const w = walkForwardWindows(YEAR, { train: "3m", test: "1m", anchored: true });
  assert.equal(w.length, 9);
  for (const x of w) {
    assert.equal(x.train.start, 0);
    assert.equal(x.train.startMs, JAN1);
    assert.equal(x.train.end, x.test.start);
  }
});

Deno.test("purge 5d drops the five train bars before each test start", () => {
  const w = walkForwardWindows(YEAR, { train: "3m", test: "1m", purge: "5d" });
  assert.deepEqual(w[0].train, {
    start: 0,
    end: idx(3, 27),
    startMs: JAN1,
    endMs: ms(2020, 3, 27),
  });
  for (const x of w) {
    assert.equal(x.purged, 5);
    assert.equal(x.train.end, x.test.start - 5);
    assert.ok(YEAR[x.train.end - 1] < x.test.startMs - 5 * DAY);
  }
});

Deno.test("embargo 2d: a rolling train window never starts within 2 days after a test window ended", () => {
  // Window k trains from Jan 1 + k months; test window j ended May 1 + j months. From k = 4 the
  // nominal train start is exactly an earlier test end, so it moves 2 days later.
  const w = walkForwardWindows(YEAR, { train: "3m", test: "1m", embargo: "2d" });
  for (let k = 0; k < 4; k++) assert.equal(w[k].embargoed, 0);
  assert.equal(w[4].train.startMs, ms(2020, 5, 3));
  assert.equal(w[4].train.start, idx(5, 3));
  for (let k = 4; k < 9; k++) {
    assert.equal(w[k].embargoed, 2);
    assert.equal(w[k].train.start, idx(1 + k, 1) + 2);
  }
  assert.throws(
    () => walkForwardWindows(YEAR, { train: "3m", test: "1m", embargo: "2d", anchored: true }),
    /embargo applies to rolling windows/,
  );
});

Deno.test("the last, incomplete test window is left out unless partial is asked for", () => {
  const toDec15 = YEAR.slice(0, idx(12, 15) + 1);
  const full = walkForwardWindows(toDec15, { train: "3m", test: "1m" });
  assert.equal(full.length, 8);
  assert.equal(full[7].test.endMs, ms(2020, 12, 1));
  const withPartial = walkForwardWindows(toDec15, { train: "3m", test: "1m", partial: true });
  assert.equal(withPartial.length, 9);
  assert.equal(withPartial[8].partial, true);
  assert.deepEqual(withPartial[8].test, {
    start: idx(12, 1),
    end: toDec15.length,
    startMs: ms(2020, 12, 1),
    endMs: ms(2021, 1, 1),
  });
  // Daily bars through Dec 31 reach Jan 1 (last bar + one spacing): December is complete.
  assert.equal(walkForwardWindows(YEAR, { train: "3m", test: "1m" })[8].partial, false);
  // Without a Dec 31 bar the data end defaults to Dec 31 and December is partial; a caller who
  // knows the data run to the year end says so with dataEndMs.
  const toDec30 = YEAR.slice(0, 365);
  assert.equal(walkForwardWindows(toDec30, { train: "3m", test: "1m" }).length, 8);
  const told = walkForwardWindows(toDec30, { train: "3m", test: "1m", dataEndMs: ms(2021, 1, 1) });
  assert.equal(told.length, 9);
  assert.equal(told[8].partial, false);
});

Deno.test("month ends do not drift: from Jan 31, monthly boundaries are Feb 28, Mar 31, Apr 30", () => {
  const start = ms(2021, 1, 31);
  const days = Array.from({ length: 200 }, (_, i) => start + i * DAY);
  const w = walkForwardWindows(days, { train: "1m", test: "1m" });
  assert.deepEqual(
    w.slice(0, 4).map((x) => new Date(x.test.startMs).toISOString().slice(0, 10)),
    ["2021-02-28", "2021-03-31", "2021-04-30", "2021-05-31"],
  );
  assert.equal(w[1].train.startMs, ms(2021, 2, 28));
});

Deno.test("a gap in the data leaves an empty test window in its calendar place", () => {
  // Daily bars for 2020 except all of June.
  const gappy = YEAR.filter((t) => t < ms(2020, 6, 1) || t >= ms(2020, 7, 1));
  const w = walkForwardWindows(gappy, { train: "3m", test: "1m" });
  assert.equal(w.length, 9);
  assert.equal(w[2].test.startMs, ms(2020, 6, 1));
  assert.equal(w[2].test.end - w[2].test.start, 0);
  assert.equal(w[3].test.start, w[2].test.end);
});

Deno.test("walk-forward rejects unsorted times, bad durations and data shorter than train + test", () => {
  assert.throws(
    () => walkForwardWindows([1, 3, 2], { train: "1d", test: "1d" }),
    /times\[2\] = 2 follows 3/,
  );
  assert.throws(
    () => walkForwardWindows([1, NaN], { train: "1d", test: "1d" }),
    /times\[1\] is NaN/,
  );
  assert.throws(() => walkForwardWindows(YEAR, { train: "3x", test: "1m" }), /train duration "3x"/);
  assert.throws(
    () => walkForwardWindows(YEAR, { train: "3m", test: "0d" }),
    /test must be longer than 0/,
  );
  assert.throws(
    () => walkForwardWindows(YEAR, { train: "1y", test: "1m" }),
    /the data \(2020-01-01T00:00:00\.000Z to 2021-01-01T00:00:00\.000Z\) are shorter than train 1y \+ test 1m/,
  );
  assert.throws(
    () => walkForwardWindows([JAN1], { train: "1d", test: "1d" }),
    /dataEndMs must be after/,
  );
});

Deno.test("for any bars and durations: tests are contiguous, and no train bar reaches its test − purge", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 60, maxLength: 400 }),
      fc.integer({ min: 5, max: 40 }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 0, max: 4 }),
      fc.boolean(),
      (gaps, train, test, purge, anchored) => {
        const times: number[] = [];
        gaps.reduce((t, g) => (times.push(t + g * DAY), t + g * DAY), JAN1);
        const span = times[times.length - 1] - times[0];
        fc.pre(span > (train + test) * DAY);
        const w = walkForwardWindows(times, {
          train: `${train}d`,
          test: `${test}d`,
          purge: `${purge}d`,
          anchored,
        });
        w.forEach((x, k) => {
          assert.ok(x.train.end <= x.test.start);
          if (x.train.end > x.train.start) {
            assert.ok(times[x.train.end - 1] < x.test.startMs - purge * DAY);
            assert.ok(times[x.train.start] >= x.train.startMs);
          }
          for (let i = x.test.start; i < x.test.end; i++) {
            assert.ok(times[i] >= x.test.startMs && times[i] < x.test.endMs);
          }
          if (k > 0) {
            assert.equal(x.test.startMs, w[k - 1].test.endMs);
            assert.equal(x.test.start, w[k - 1].test.end);
          }
        });
        assert.equal(w[0].test.startMs, times[0] + train * DAY);
      },
    ),
  );
});
