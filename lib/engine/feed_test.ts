import assert from "node:assert/strict";
import { seriesFromCandles, validateSeries } from "./feed.ts";

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

Deno.test("validateSeries names the first bad bar and its first problem, whatever the kind", () => {
  const day = 86_400_000;
  const make = () => ({
    asset: "eth",
    ts: Float64Array.from([0, day, 2 * day]),
    open: Float64Array.from([10, 10, 10]),
    high: Float64Array.from([12, 12, 12]),
    low: Float64Array.from([9, 9, 9]),
    close: Float64Array.from([11, 11, 11]),
    volume: Float64Array.from([1, 1, 1]),
  });
  validateSeries(make()); // a good series passes
  const at1 = "eth bar 1 (1970-01-02T00:00:00Z)";
  const cases: [string, (s: ReturnType<typeof make>) => void, string][] = [
    ["NaN time", (s) => (s.ts[1] = NaN), "eth bar 1 (ts NaN): time is not finite"],
    ["infinite time", (s) => (s.ts[2] = Infinity), "eth bar 2 (ts Infinity): time is not finite"],
    ["equal times", (s) => (s.ts[1] = 0), "eth bar 1 (1970-01-01T00:00:00Z): times must be"],
    ["NaN open", (s) => (s.open[1] = NaN), `${at1}: open `],
    ["zero low", (s) => (s.low[1] = 0), `${at1}: low must be positive, got 0`],
    ["huge high", (s) => (s.high[1] = 2e12), `${at1}: high must be at most 1e12`],
    ["negative close", (s) => (s.close[1] = -1), `${at1}: close must be positive, got -1`],
    ["open above high", (s) => (s.open[1] = 13), `${at1}: need low <= open, close <= high`],
    ["close below low", (s) => (s.close[1] = 8), `${at1}: need low <= open, close <= high`],
    // two problems in one bar: the time is reported, as the checks run in that order
    ["time and price", (s) => {
      s.ts[1] = -5;
      s.low[1] = 0;
    }, "eth bar 1 (1969-12-31T23:59:59.995Z): times must be strictly increasing"],
    // the first bad bar wins
    ["two bad bars", (s) => {
      s.close[2] = 0;
      s.open[1] = 99;
    }, `${at1}: need low <= open, close <= high`],
  ];
  for (const [what, spoil, message] of cases) {
    const s = make();
    spoil(s);
    assert.throws(() => validateSeries(s), (e: unknown) => {
      assert.ok(e instanceof RangeError, what);
      assert.ok(e.message.startsWith(`Cannot use ${message}`), `${what}: ${e.message}`);
      return true;
    });
  }
});
