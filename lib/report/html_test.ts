import assert from "node:assert/strict";
import type { Signal } from "../core/signal.ts";
import type { Strategy } from "../core/strategy.ts";
import { runBacktest } from "../engine/engine.ts";
import type { AssetSeries } from "../engine/feed.ts";
import { downsampleIndices } from "./downsample.ts";
import { genericHtml } from "./generic_html.ts";
import { renderHtml } from "./html.ts";
import type { ReportPayload } from "./payload.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 30);
const HOSTILE = `</script><img src=x onerror="alert(1)">`;

/** 4 daily bars 30 Jan … 2 Feb; one long trade from the 31st, still open at the end. */
function run(asset: string, strategy = "once") {
  const f = (x: number[]) => Float64Array.from(x);
  const s: AssetSeries = {
    asset,
    ts: f([0, 1, 2, 3].map((i) => T0 + i * DAY)),
    open: f([100, 100, 110, 121]),
    high: f([100, 100, 110, 121]),
    low: f([100, 100, 110, 121]),
    close: f([100, 100, 110, 121]),
    volume: f([0, 0, 0, 0]),
  };
  let done = false;
  const once: Strategy = {
    name: strategy,
    params: {},
    warmup: 0,
    macroSeries: [],
    onBar(ctx): Signal[] {
      if (done) return [];
      done = true;
      const sig = { ts: ctx.now, asset, direction: "long", confidence: 1, size: 1 } as const;
      return [{ ...sig, strategy: "once", reason: "test" }];
    },
  };
  const result = runBacktest({
    series: [s],
    interval: "1d",
    strategies: [once],
    capital: 1000,
    closeAtEnd: "none",
  });
  return { s, result };
}

function payloadOf(html: string): ReportPayload {
  const m = /<script type="application\/json" id="mts-data">([^]*?)<\/script>/.exec(html);
  assert.ok(m, "embedded data present");
  return JSON.parse(m[1]);
}

Deno.test("report.html escapes a hostile asset id and strategy name everywhere it shows them", () => {
  const { s, result } = run(HOSTILE, `strat ${HOSTILE}`);
  const html = renderHtml(result, {
    prices: [{ asset: s.asset, ts: s.ts, close: s.close }],
    warnings: [HOSTILE],
    sources: { [HOSTILE]: HOSTILE },
  });
  assert.ok(!html.includes("<img"), "no raw tag from the id survives");
  assert.ok(!html.includes('onerror="'), "no raw attribute either");
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2, "only the page's own two scripts end");
  const escaped = "&#60;/script&#62;&#60;img src=x onerror=&#34;alert(1)&#34;&#62;";
  const count = html.split(escaped).length - 1;
  // title, h1 (strategy name and asset each), warning, open position, manifest data row, parameters
  // JSON (strategy name), the source's key and value
  assert.ok(count >= 9, `escaped ${count} times`);
  // The embedded JSON keeps the id intact for the script, with < escaped.
  assert.ok(html.includes("\\u003c/script>\\u003cimg"));
  assert.equal(payloadOf(html).prices[0].asset, HOSTILE);
});

Deno.test("report.html is one offline file: no URL, uPlot inlined with its MIT notice", () => {
  const { s, result } = run("btc");
  const html = renderHtml(result, { prices: [{ asset: s.asset, ts: s.ts, close: s.close }] });
  assert.deepEqual([...html.matchAll(/(?:src|href)\s*=\s*["']?([^"' >]+)/gi)].map((m) => m[1]), []);
  assert.ok(!/https?:\/\//.test(html), "no URL at all");
  assert.match(
    html,
    /\/\*! uPlot \d+\.\d+\.\d+, bundled into this page's script\.\nThe MIT License/,
  );
  assert.match(html, /<style>\n\.uplot/, "uPlot's stylesheet first in the page's <style>");
});

Deno.test("report.html shows the manifest: engine version, config hash, data checksum, bars", () => {
  const { s, result } = run("btc");
  const html = renderHtml(result, { prices: [{ asset: s.asset, ts: s.ts, close: s.close }] });
  const m = result.manifest;
  assert.ok(html.includes(`<tr><th>Engine version</th><td><code>${m.engineVersion}</code>`));
  assert.ok(html.includes(`<tr><th>Config hash</th><td><code>${m.configHash}</code>`));
  assert.ok(html.includes(`<tr><th>Data checksum</th><td><code>${m.dataChecksum}</code>`));
  assert.ok(html.includes("<tr><td>btc</td><td>4</td><td>2024-01-30T00:00:00Z</td>"));
});

Deno.test("report.html shows a monthly heatmap: January from the capital, February from January's end", () => {
  const { s, result } = run("btc");
  const html = renderHtml(result, { prices: [{ asset: s.asset, ts: s.ts, close: s.close }] });
  // Bought 10 at 100 on 31 Jan: equity 1000 (30 Jan), 1000 (31 Jan), 1100, 1210.
  // January: 1000 / 1000 − 1 = 0; February: 1210 / 1000 − 1 = +21 %; the year +21 %.
  assert.match(html, /<td data-month="2024-01" data-ret="0"[^>]*>0\.00%<\/td>/);
  const feb = /<td data-month="2024-02" data-ret="([^"]+)" style="[^"]+">\+21\.00%<\/td>/.exec(
    html,
  );
  assert.ok(feb && Math.abs(Number(feb[1]) - 0.21) < 1e-12, "February +21 %, shaded");
  assert.match(html, /<td class="empty" data-month="2024-03"><\/td>/);
  const year = /data-year="2024" data-ret="([^"]+)">\+21\.00%</.exec(html);
  assert.ok(year && Math.abs(Number(year[1]) - 0.21) < 1e-12, "the year +21 %");
  assert.ok(html.includes("the first month is measured from the starting capital"));
});

Deno.test("report.html embeds equity, buy & hold and drawdown on one timeline", () => {
  const { s, result } = run("btc");
  const p = payloadOf(
    renderHtml(result, { prices: [{ asset: s.asset, ts: s.ts, close: s.close }] }),
  );
  assert.deepEqual(p.t, [0, 1, 2, 3].map((i) => T0 + i * DAY));
  assert.deepEqual(p.equity, [1000, 1000, 1100, 1210]);
  // One asset: capital × close / first close.
  assert.deepEqual(p.buyHold, [1000, 1000, 1100, 1210]);
  assert.deepEqual(p.drawdownPct, [0, 0, 0, 0]);
  assert.deepEqual(p.open, [{ asset: "btc", side: "long", entryTs: T0 + DAY, entryPrice: 100 }]);
  assert.equal(p.showTime, false);
  const noPrices = payloadOf(renderHtml(result));
  assert.equal(noPrices.buyHold, null, "no prices, no buy & hold line");
});

Deno.test("report.html lists data sources from the result, the options or the manifest, any shape", () => {
  const { result } = run("btc");
  const fromManifest = renderHtml({
    ...result,
    manifest: { ...result.manifest, parameters: { sources: { btc: "coingecko" } } },
  });
  assert.ok(fromManifest.includes("<tr><th>btc</th><td>coingecko</td></tr>"));
  const fromResult = renderHtml({
    ...result,
    sources: [{ series: "btc", source: "binance" }, {
      series: "VIX",
      source: "cboe",
      kind: "macro",
    }],
  });
  assert.ok(
    fromResult.includes("<thead><tr><th>series</th><th>source</th><th>kind</th></tr></thead>"),
  );
  assert.ok(fromResult.includes("<tr><td>VIX</td><td>cboe</td><td>macro</td></tr>"));
  assert.ok(fromResult.includes("<tr><td>btc</td><td>binance</td><td>-</td></tr>"));
  assert.ok(!renderHtml(result).includes('id="data-sources"'), "no sources, no section");
});

Deno.test("genericHtml renders nested values as tables and deep ones as escaped JSON", () => {
  assert.equal(
    genericHtml({ prices: { btc: "sample" } }),
    '<table class="generic"><tbody>\n<tr><th>prices</th><td><table class="generic"><tbody>\n' +
      "<tr><th>btc</th><td>sample</td></tr>\n</tbody></table></td></tr>\n</tbody></table>",
  );
  assert.equal(genericHtml(["a", 1, null, NaN]), "a, 1, -, -");
  assert.equal(genericHtml({ a: 1 }, 4), "<code>{&#34;a&#34;:1}</code>");
});

Deno.test("downsampleIndices keeps every series' extremes per bucket on one shared timeline", () => {
  const n = 1000;
  const a = Array.from({ length: n }, (_, i) => (i === 123 ? 99 : 0));
  const b = Array.from({ length: n }, (_, i) => (i === 777 ? -99 : 0));
  const idx = downsampleIndices(n, [a, b], 100);
  assert.ok(idx.length <= 101, `${idx.length} points`);
  assert.ok(idx.includes(123) && idx.includes(777), "a spike of either line survives");
  assert.equal(idx[idx.length - 1], n - 1);
  assert.deepEqual(idx, [...new Set(idx)].sort((x, y) => x - y), "ascending, no repeats");
  assert.deepEqual(downsampleIndices(3, [a], 10), [0, 1, 2]);
});

Deno.test("downsampleIndices uses most of its budget when the lines' extremes coincide", () => {
  // Three rising lines: every bucket's extremes are its first and last index, shared by all.
  const n = 5000;
  const up = Array.from({ length: n }, (_, i) => i);
  const idx = downsampleIndices(n, [up, up.map((x) => 2 * x), up.map((x) => x + 1)], 2000);
  assert.ok(idx.length > 1000 && idx.length <= 2000, `${idx.length} of a 2000-point budget`);
});
