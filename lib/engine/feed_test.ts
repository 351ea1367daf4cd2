import assert from "node:assert/strict";
import { seriesFromCandles } from "./feed.ts";

Deno.test("the engine refuses a price beyond the one price bound (1e12), naming the bar and the field", () => {
  const bar = { ts: 0, open: 1, high: 1e308, low: 1, close: 1, volume: 0 };
  assert.throws(
    () => seriesFromCandles("btc", [bar]),
    /btc bar 0 \(1970-01-01T00:00:00Z\): high must be at most 1e12, got 1e\+308/,
  );
  assert.throws(
    () => seriesFromCandles("btc", [{ ...bar, high: 1, low: 0 }]),
    /low must be positive, got 0/,
  );
});
