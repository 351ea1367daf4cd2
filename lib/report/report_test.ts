import assert from "node:assert/strict";
import type { Signal } from "../core/signal.ts";
import type { Strategy } from "../core/strategy.ts";
import { runBacktest } from "../engine/engine.ts";
import type { AssetSeries } from "../engine/feed.ts";
import { equityCsv, tradesCsv } from "./csv.ts";
import { downsample, renderHtml } from "./html.ts";
import { resultToJson, stringifyResult } from "./json.ts";
import { metricRows } from "./summary.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function tiny(asset = "btc") {
  const f = (x: number[]) => Float64Array.from(x);
  const s: AssetSeries = {
    asset,
    ts: f([T0, T0 + DAY, T0 + 2 * DAY]),
    open: f([100, 100, 110]),
    high: f([100, 100, 110]),
    low: f([100, 100, 110]),
    close: f([100, 100, 110]),
    volume: f([0, 0, 0]),
  };
  let done = false;
  const once: Strategy = {
    name: "once",
    params: {},
    warmup: 0,
    macroSeries: [],
    onBar(ctx): Signal[] {
      if (done) return [];
      done = true;
      return [{
        ts: ctx.now,
        asset,
        direction: "long",
        confidence: 1,
        size: 1,
        strategy: "once",
        reason: "test",
      }];
    },
  };
  return {
    s,
    result: runBacktest({ series: [s], interval: "1d", strategies: [once], capital: 1000 }),
  };
}

Deno.test("the JSON document has ISO times, camelCase metrics and null for non-finite numbers", () => {
  const { result } = tiny();
  const doc = resultToJson(result, { warnings: ["w"] });
  assert.equal(doc.start, "2024-01-01T00:00:00Z");
  assert.equal(doc.end, "2024-01-04T00:00:00Z");
  assert.deepEqual(doc.equity[2], { time: "2024-01-03T00:00:00Z", equity: 1100, drawdown: 0 });
  assert.equal(doc.trades[0].entryTime, "2024-01-02T00:00:00Z");
  assert.equal(doc.trades[0].pnl, 100);
  assert.deepEqual(doc.warnings, ["w"]);
  const parsed = JSON.parse(stringifyResult(doc));
  assert.equal(parsed.metrics.profitFactor, null, "Infinity (no losing trade) becomes null");
  assert.equal(parsed.metrics.finalEquity, 1100);
});

Deno.test("trades.csv and equity.csv have headers, ISO times and quoted text", () => {
  const { result } = tiny();
  const trades = tradesCsv([{ ...result.trades[0], exitReason: 'a, "b"' }]).split("\n");
  assert.equal(
    trades[0],
    "asset,side,entry_time,entry_price,exit_time,exit_price,size,pnl,return_pct,fees,exit_reason",
  );
  assert.equal(
    trades[1],
    'btc,long,2024-01-02T00:00:00Z,100,2024-01-04T00:00:00Z,110,10,100,0.1,0,"a, ""b"""',
  );
  assert.deepEqual(equityCsv(result.equity).trim().split("\n"), [
    "time,equity,drawdown",
    "2024-01-01T00:00:00Z,1000,0",
    "2024-01-02T00:00:00Z,1000,0",
    "2024-01-03T00:00:00Z,1100,0",
  ]);
});

Deno.test("report.html is self-contained and escapes what it embeds", () => {
  const { s, result } = tiny("</script><b>x");
  const html = renderHtml(result, { prices: [{ asset: s.asset, ts: s.ts, close: s.close }] });
  const urls = [...html.matchAll(/(?:src|href)\s*=\s*["']?([^"' >]+)/gi)].map((m) => m[1]);
  assert.deepEqual(urls, [], "no external resources");
  assert.ok(
    !/https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html),
    "no URL except the SVG namespace",
  );
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2, "embedded text cannot close a script");
  assert.ok(html.includes("&#60;/script&#62;&#60;b&#62;x"), "asset name escaped in the HTML");
  for (const row of metricRows(result.metrics)) {
    assert.ok(html.includes(row.label.replace("&", "&#38;")), row.label);
  }
});

Deno.test("downsample keeps each bucket's extremes and the last point", () => {
  const ts = Array.from({ length: 100 }, (_, i) => i);
  const v = ts.map((i) => (i === 37 ? 1000 : i === 64 ? -1000 : i));
  const d = downsample(ts, v, 20);
  assert.ok(d.t.length <= 22);
  assert.ok(d.v.includes(1000) && d.v.includes(-1000), "spikes survive");
  assert.equal(d.t[d.t.length - 1], 99);
  assert.deepEqual(d.t, [...d.t].sort((a, b) => a - b), "still in time order");
  assert.deepEqual(downsample([1, 2], [3, 4], 10), { t: [1, 2], v: [3, 4] });
});

Deno.test("report.html lists open positions and names the last bar, not the time after it", () => {
  const { s } = tiny();
  // Same run, positions left open: bought 10 at 100 (bar 1's open), valued at 110.
  let done = false;
  const result = runBacktest({
    series: [s],
    interval: "1d",
    capital: 1000,
    closeAtEnd: "none",
    strategies: [{
      name: "once",
      params: {},
      warmup: 0,
      macroSeries: [],
      onBar(ctx): Signal[] {
        if (done) return [];
        done = true;
        return [{
          ts: ctx.now,
          asset: "btc",
          direction: "long",
          confidence: 1,
          size: 1,
          strategy: "once",
          reason: "test",
        }];
      },
    }],
  });
  const html = renderHtml(result, { prices: [{ asset: s.asset, ts: s.ts, close: s.close }] });
  const table = html.slice(html.indexOf('id="open-positions"'));
  assert.ok(html.includes("Open positions (1, valued at the last close"), "open positions shown");
  assert.ok(table.includes("<td>100.0000</td>"), "entry price");
  assert.ok(table.includes("100.00</td>"), "unrealised pnl 10 × (110 − 100) = 100");
  assert.ok(html.includes("2024-01-03T00:00:00Z (3 × 1d"), "the last bar is dated 2024-01-03");
});
