import assert from "node:assert/strict";
import { runBacktest } from "../lib/engine/engine.ts";
import type { AssetSeries } from "../lib/engine/feed.ts";
import { buyHold } from "./buy_hold.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function closes(asset: string, cs: number[]): AssetSeries {
  const f = (x: number[]) => Float64Array.from(x);
  return {
    asset,
    ts: f(cs.map((_, i) => T0 + i * DAY)),
    open: f(cs),
    high: f(cs),
    low: f(cs),
    close: f(cs),
    volume: f(cs.map(() => 0)),
  };
}

Deno.test("buy_hold buys each asset once with an equal share and holds to the end", () => {
  const r = runBacktest({
    series: [closes("a", [10, 10, 12, 15]), closes("b", [20, 20, 18, 30])],
    interval: "1d",
    strategies: [buyHold.create()],
    capital: 1000,
  });
  // signals at day 0's close, fills at day 1's open: a 500/10 = 50 units, b 500/20 = 25 units
  assert.deepEqual(r.fills.filter((f) => f.role === "entry").map((f) => [f.asset, f.qty]), [
    ["a", 50],
    ["b", 25],
  ]);
  // held to the last closes: 50 * 15 + 25 * 30 = 1500, closed there as two trades
  assert.equal(r.metrics.finalEquity, 1500);
  assert.equal(r.trades.length, 2);
  assert.deepEqual(r.trades.map((t) => t.exitReason), ["end of run", "end of run"]);
});

Deno.test("buy_hold buys an asset whose history starts later when its first bar arrives", () => {
  const late = closes("b", [20, 20, 30]);
  late.ts.set([T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY]);
  const r = runBacktest({
    series: [closes("a", [10, 10, 10, 10]), late],
    interval: "1d",
    strategies: [buyHold.create()],
    capital: 1000,
    closeAtEnd: "none",
  });
  assert.deepEqual(r.fills.map((f) => [f.asset, f.ts]), [["a", T0 + DAY], ["b", T0 + 2 * DAY]]);
});
