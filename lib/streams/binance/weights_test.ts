import assert from "node:assert/strict";
import { snapshotWeight } from "./weights.ts";

Deno.test("spot snapshot weights follow Binance's table at every boundary", () => {
  const cases: [number, number][] = [
    [1, 5],
    [100, 5],
    [101, 25],
    [500, 25],
    [501, 50],
    [1000, 50],
    [1001, 250],
    [5000, 250],
  ];
  for (const [limit, weight] of cases) {
    assert.equal(snapshotWeight("spot", limit), weight, `limit ${limit}`);
  }
  assert.throws(() => snapshotWeight("spot", 5001), /1–5000, got 5001/);
  assert.throws(() => snapshotWeight("spot", 10.5), /whole number/);
});

Deno.test("USDⓈ-M snapshot weights: 2 up to 50 levels, then 5, 10, 20; other limits are refused", () => {
  const cases: [number, number][] = [[5, 2], [10, 2], [20, 2], [50, 2], [100, 5], [500, 10], [
    1000,
    20,
  ]];
  for (const [limit, weight] of cases) {
    assert.equal(snapshotWeight("perp", limit), weight, `limit ${limit}`);
  }
  assert.throws(() => snapshotWeight("perp", 200), /one of 5, 10, 20, 50, 100, 500, 1000, got 200/);
});
