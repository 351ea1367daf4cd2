import assert from "node:assert/strict";
import { settlementIntervals, spacingHours } from "./funding.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
/** Settlement times from hour offsets. */
const at = (...hours: number[]) => hours.map((h) => T0 + h * H);

Deno.test("a steady 8 h history: every settlement is 8 h, the oldest takes the next spacing", () => {
  const r = settlementIntervals(at(0, 8, 16, 24), 8);
  assert.deepEqual(r.intervals, [8, 8, 8, 8]);
  assert.deepEqual(r.gaps, []);
});

Deno.test("8 h → 4 h mid-history: the 8 h settlements stay 8 h, the later ones are 4 h, no gap", () => {
  const r = settlementIntervals(at(0, 8, 16, 20, 24, 28), 4);
  assert.deepEqual(r.intervals, [8, 8, 8, 4, 4, 4]);
  assert.deepEqual(r.gaps, []);
  // and back: 4 h → 8 h
  assert.deepEqual(settlementIntervals(at(0, 4, 8, 16, 24), 8).intervals, [4, 4, 4, 8, 8]);
});

Deno.test("a missing settlement inside a 4 h regime is a gap, not an 8 h settlement", () => {
  const r = settlementIntervals(at(0, 4, 8, 16, 20), 4);
  assert.deepEqual(r.intervals, [4, 4, 4, 4, 4]);
  assert.deepEqual(r.gaps, [{
    afterMs: T0 + 8 * H,
    beforeMs: T0 + 16 * H,
    missing: 1,
    intervalHours: 4,
  }]);
  // 16 h in an 8 h regime is not an interval at all: two 8 h settlements, one missing
  const g = settlementIntervals(at(0, 8, 24, 32), 8);
  assert.deepEqual(g.intervals, [8, 8, 8, 8]);
  assert.deepEqual(g.gaps.map((x) => [x.afterMs - T0, x.missing]), [[8 * H, 1]]);
});

Deno.test("the stored settlement before the page continues the series (incremental runs)", () => {
  const r = settlementIntervals(at(16, 24), 8, { timeMs: T0 + 8 * H, intervalHours: 8 });
  assert.deepEqual(r.intervals, [8, 8]);
  // a day's hole after the stored row: 24 h is an interval, but the regime is 8 h on both sides
  const hole = settlementIntervals(at(32, 40), 8, { timeMs: T0 + 8 * H, intervalHours: 8 });
  assert.deepEqual(hole.intervals, [8, 8]);
  assert.deepEqual(hole.gaps.map((x) => [x.afterMs - T0, x.beforeMs - T0, x.missing]), [
    [8 * H, 32 * H, 2],
  ]);
  // one settlement alone takes the exchange's current interval
  assert.deepEqual(settlementIntervals(at(0), 4).intervals, [4]);
});

Deno.test("settlement stamps a few ms off the hour still count as whole hours", () => {
  assert.equal(spacingHours(8 * H + 3), 8);
  assert.equal(spacingHours(8 * H - 1), 8);
  assert.equal(spacingHours(8 * H + 30 * 60_000), 8.5);
  assert.deepEqual(settlementIntervals([T0, T0 + 8 * H + 1, T0 + 16 * H + 2], 8).intervals, [
    8,
    8,
    8,
  ]);
});
