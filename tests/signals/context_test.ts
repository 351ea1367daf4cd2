/** Point-in-time views: bars by close time, macro by publication time, truncation. */
import assert from "node:assert/strict";
import { DAY_MS, HOUR_MS } from "../../lib/core/time.ts";
import { dailyBars, day, obsOn } from "./fixtures.ts";
import { publicationTime } from "../../lib/engine/feed.ts";
import { Market } from "../../lib/engine/market.ts";

const history = (publication?: Record<string, { kind: "lag"; lagMs: number }>) =>
  Market.fromData({
    interval: "1d",
    assets: ["bitcoin"],
    bars: { bitcoin: dailyBars("2024-01-01", [10, 11, 12, 13]) },
    macro: { VIX: obsOn(["2024-01-01", "2024-01-02", "2024-01-03"], [20, 21, 22]) },
    publication,
  });

Deno.test("an observation dated D is published at D+1 00:00 UTC by default", () => {
  assert.equal(publicationTime(day("2024-01-02")), day("2024-01-03"));
  assert.equal(publicationTime(day("2024-01-02") + 15 * HOUR_MS), day("2024-01-03"));
  assert.equal(
    publicationTime(day("2024-01-02"), { kind: "lag", lagMs: 2 * DAY_MS }),
    day("2024-01-04"),
  );
});

Deno.test("a context at the close of day D sees bars up to D and VIX up to D", () => {
  const ctx = history().contextAt(day("2024-01-03")); // close of the bar dated Jan 2
  assert.equal(ctx.bars("bitcoin").length, 2);
  assert.equal(ctx.bars("bitcoin").close(-1), 11);
  const vix = ctx.macro("VIX")!;
  assert.equal(vix.length, 2);
  assert.equal(vix.value(-1), 21);
  assert.equal(vix.availableAt(-1), day("2024-01-03"));
  assert.throws(() => vix.value(2), RangeError, "reading past now throws");
  assert.throws(() => ctx.bars("bitcoin").close(2), RangeError);
  assert.equal(ctx.macro("DXY"), undefined);
  assert.throws(() => ctx.bars("dogecoin"), RangeError);
});

Deno.test("a configured publication lag delays a series", () => {
  const ctx = history({ VIX: { kind: "lag", lagMs: 2 * DAY_MS } }).contextAt(day("2024-01-03"));
  assert.equal(ctx.macro("VIX")!.length, 1);
});

Deno.test("a bar in progress is not visible", () => {
  const ctx = history().contextAt(day("2024-01-03") + 12 * HOUR_MS);
  assert.equal(ctx.bars("bitcoin").length, 2);
});

Deno.test("truncation keeps exactly what existed at the point", () => {
  const t = history().truncate(day("2024-01-03"));
  assert.equal(t.seriesOf("bitcoin").ts.length, 2);
  assert.equal(t.macroOf("VIX")!.ts.length, 2);
  assert.deepEqual(t.decisionTimes(), [day("2024-01-02"), day("2024-01-03")]);
});

Deno.test("market history rejects unsorted bars", () => {
  const bars = dailyBars("2024-01-01", [1, 2]).reverse();
  assert.throws(
    () => Market.fromData({ interval: "1d", assets: ["x"], bars: { x: bars }, macro: {} }),
    /strictly increasing/,
  );
});
