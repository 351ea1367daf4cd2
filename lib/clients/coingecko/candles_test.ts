import assert from "node:assert/strict";
import { DAY_MS, HOUR_MS } from "../../core/time.ts";
import { pointsToCandles } from "./candles.ts";
import type { ChartPoint } from "./parse.ts";

const D = Date.UTC(2024, 2, 10); // 2024-03-10 00:00 UTC
const p = (ts: number, price: number, volume = 1, marketCap = 10): ChartPoint => ({
  ts,
  price,
  volume,
  marketCap,
});

Deno.test("a daily snapshot stamped D+1 00:00 is the close of day D, as in the importer", () => {
  const pts = [
    p(D, 100),
    p(D + DAY_MS, 110),
    p(D + 2 * DAY_MS, 120),
    p(D + 2 * DAY_MS + 3_600_000, 121),
  ];
  const { candles, incomplete } = pointsToCandles(pts, "1d", { nowMs: D + 2 * DAY_MS + 3_600_000 });
  // (D-1, D] has the first point but starts before the data: left out.
  // (D, D+1] -> day D closes at 110; (D+1, D+2] -> day D+1 closes at 120; the 01:00 point is in the
  // still-forming day D+2.
  assert.deepEqual(candles.map((c) => [c.ts, c.close]), [[D, 110], [D + DAY_MS, 120]]);
  assert.ok(candles.every((c) => Number.isNaN(c.open) && Number.isNaN(c.high)), "close-only");
  assert.equal(incomplete, 2);
});

Deno.test("hourly candles from 5-minute points: first, max, min, last, closing volume and cap", () => {
  const m = 5 * 60_000;
  const H = D + 10 * HOUR_MS;
  const pts = [
    p(H, 50), // closes the 09:00 bar
    p(H + m, 51, 5, 500),
    p(H + 2 * m, 49, 6, 600),
    p(H + 3 * m, 55, 7, 700),
    p(H + HOUR_MS, 53, 8, 800), // exactly 11:00: closes the 10:00 bar
    p(H + HOUR_MS + m, 54, 9, 900), // forming 11:00 bar
  ];
  const { candles } = pointsToCandles(pts, "1h", { nowMs: H + HOUR_MS + m });
  assert.equal(candles.length, 1);
  assert.deepEqual(candles[0], {
    ts: H,
    open: 51,
    high: 55,
    low: 49,
    close: 53,
    volume: 8,
    marketCap: 800,
  });
});

Deno.test("a bar that has ended by the clock but not in the data is still left out", () => {
  const pts = [p(D, 1), p(D + 6 * HOUR_MS, 2), p(D + 12 * HOUR_MS, 3)];
  // the day ended (now is D+1 01:00) but the newest point is 12:00: CoinGecko has not caught up.
  const { candles, incomplete } = pointsToCandles(pts, "1d", { nowMs: D + DAY_MS + HOUR_MS });
  assert.deepEqual(candles, []);
  assert.equal(incomplete, 2);
});

Deno.test("no points give no candles", () => {
  assert.deepEqual(pointsToCandles([], "1d", { nowMs: D }), { candles: [], incomplete: 0 });
});
