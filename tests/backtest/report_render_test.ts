/**
 * Renders report.html in headless Chromium and checks that the page's own script drew the charts.
 * In CI (CI=true) a missing Chromium fails the test; locally it is skipped with a message.
 */
import assert from "node:assert/strict";
import type { Signal } from "../../lib/core/signal.ts";
import type { Strategy, StrategyContext } from "../../lib/core/strategy.ts";
import { runBacktest } from "../../lib/engine/engine.ts";
import type { AssetSeries } from "../../lib/engine/feed.ts";
import { renderHtml } from "../../lib/report/html.ts";

function findChromium(): string | undefined {
  const env = Deno.env.get("CHROMIUM_PATH");
  const candidates = [
    ...(env ? [env] : []),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  for (const c of candidates) {
    try {
      if (Deno.statSync(c).isFile) return c;
    } catch { /* try the next one */ }
  }
  return undefined;
}

const CHROMIUM = findChromium();
const IN_CI = Deno.env.get("CI") === "true";
if (!CHROMIUM && !IN_CI) {
  console.warn(
    "skipping the Chromium render test: no chromium found (install Debian's chromium package or set CHROMIUM_PATH)",
  );
}

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** 300 daily bars of a wave; the strategy flips long / flat every 50 bars → 3 round trips. */
function fixture() {
  const n = 300;
  const s: AssetSeries = {
    asset: "btc",
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const p = 100 + 20 * Math.sin(i / 15);
    s.ts[i] = T0 + i * DAY;
    s.open[i] = s.close[i] = p;
    s.high[i] = p + 1;
    s.low[i] = p - 1;
  }
  const flip: Strategy = {
    name: "flip",
    params: {},
    warmup: 0,
    macroSeries: [],
    onBar(ctx: StrategyContext): Signal[] {
      const k = ctx.bars("btc").length;
      if (k % 50 !== 0 || k > 300 - 50) return [];
      const long = (k / 50) % 2 === 1;
      return [{
        ts: ctx.now,
        asset: "btc",
        direction: long ? "long" : "flat",
        confidence: 1,
        size: long ? 1 : 0,
        strategy: "flip",
        reason: "test",
      }];
    },
  };
  const result = runBacktest({ series: [s], interval: "1d", strategies: [flip], capital: 1000 });
  return { s, result };
}

Deno.test({
  name: "report.html renders its equity, drawdown and price charts in headless Chromium",
  ignore: !CHROMIUM && !IN_CI,
  async fn() {
    assert.ok(CHROMIUM, "CI=true but no chromium was found: .ci/run must install it");
    const { s, result } = fixture();
    assert.equal(result.trades.length, 3);
    const html = renderHtml(result, { prices: [{ asset: "btc", ts: s.ts, close: s.close }] });
    const dir = await Deno.makeTempDir({ prefix: "mts-render-" });
    try {
      await Deno.writeTextFile(`${dir}/report.html`, html);
      const out = await new Deno.Command(CHROMIUM, {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          `--user-data-dir=${dir}/profile`,
          "--window-size=1200,1600",
          `--screenshot=${dir}/shot.png`,
          "--dump-dom",
          `file://${dir}/report.html`,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(90_000),
      }).output();
      const dom = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr).slice(-2000));
      assert.match(dom, /<body data-rendered="ok"/, "the chart script ran without error");
      // The equity line has one point per bar (300 < the 2000-point cap).
      const eq = /<svg id="equity-chart"[^>]*data-points="(\d+)"/.exec(dom);
      assert.ok(eq, "equity chart drawn");
      assert.equal(Number(eq[1]), 300);
      const eqSvg = dom.slice(
        dom.indexOf('<svg id="equity-chart"'),
        dom.indexOf("</svg>", dom.indexOf('<svg id="equity-chart"')),
      );
      const line = /<path d="([^"]+)" class="line"/.exec(eqSvg);
      assert.ok(line, "equity path present");
      assert.equal((line[1].match(/[ML]/g) ?? []).length, 300);
      assert.match(dom, /<svg id="drawdown-chart"[^>]*data-points="300"/);
      // Price chart: 3 trades → 3 entry and 3 exit markers.
      assert.match(dom, /<svg id="price-chart"[^>]*data-markers="6"/);
      const priceSvg = dom.slice(dom.indexOf('<svg id="price-chart"'));
      assert.equal((priceSvg.match(/class="marker entry"/g) ?? []).length, 3);
      assert.equal((priceSvg.match(/class="marker exit"/g) ?? []).length, 3);
      // And a screenshot was produced (a real, non-trivial PNG).
      const png = await Deno.readFile(`${dir}/shot.png`);
      assert.deepEqual([...png.slice(1, 4)], [80, 78, 71], "PNG signature");
      assert.ok(png.length > 20_000, `screenshot is ${png.length} bytes`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
