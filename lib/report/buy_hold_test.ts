import assert from "node:assert/strict";
import { buyHoldEquity } from "./buy_hold.ts";

Deno.test("buy & hold splits the capital equally and values each share at its latest close", () => {
  // a: 10 → 20 → 15; b: 40 → 30 → 60. Half of 1000 each: 500·c/10 + 500·c/40.
  const ts = [0, 1, 2];
  const bh = buyHoldEquity(ts, [
    { asset: "a", ts, close: [10, 20, 15] },
    { asset: "b", ts, close: [40, 30, 60] },
  ], 1000);
  assert.deepEqual([...bh], [1000, 500 * 2 + 500 * 0.75, 500 * 1.5 + 500 * 1.5]);
  assert.deepEqual([...bh], [1000, 1375, 1500]);
});

Deno.test("buy & hold keeps a later asset's share in cash until its first bar", () => {
  // b starts at t=2: its 500 stays cash at t=0 and t=1, then follows 8 → 12.
  const bh = buyHoldEquity([0, 1, 2, 3], [
    { asset: "a", ts: [0, 1, 2, 3], close: [100, 110, 120, 130] },
    { asset: "b", ts: [2, 3], close: [8, 12] },
  ], 1000);
  assert.deepEqual([...bh], [1000, 550 + 500, 600 + 500, 650 + 750]);
});

Deno.test("buy & hold holds the last close between and after an asset's bars", () => {
  // a has no bar at t=1 and ends at t=2: it is valued at its latest close at or before each time.
  const bh = buyHoldEquity([0, 1, 2, 3], [{ asset: "a", ts: [0, 2], close: [50, 75] }], 200);
  assert.deepEqual([...bh], [200, 200, 300, 300]);
});

Deno.test("buy & hold without prices is the capital held in cash", () => {
  assert.deepEqual([...buyHoldEquity([0, 1], [], 500)], [500, 500]);
});
