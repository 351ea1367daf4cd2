/**
 * Opens report.html in headless Chromium, driven over its DevTools protocol (a WebSocket on
 * 127.0.0.1), and uses it as a person would: hover the equity chart, sort and filter the trade
 * table, zoom, pan and reset. The numbers the page shows are checked against values computed here
 * from the fixture, not against the report code.
 *
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

// ---------------------------------------------------------------------------------------------
// The fixture: two assets, one of them with a hostile id; 3 long round trips on btc and 3 short
// ones on the other asset.

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const N = 300;
const CAPITAL = 1000;
const HOSTILE = `</script><img src=x onerror="window.__mtsPwned=1">`;

function series(asset: string, price: (i: number) => number): AssetSeries {
  const s: AssetSeries = {
    asset,
    ts: new Float64Array(N),
    open: new Float64Array(N),
    high: new Float64Array(N),
    low: new Float64Array(N),
    close: new Float64Array(N),
    volume: new Float64Array(N),
  };
  for (let i = 0; i < N; i++) {
    const p = price(i);
    s.ts[i] = T0 + i * DAY;
    s.open[i] = s.close[i] = p;
    s.high[i] = p + 1;
    s.low[i] = p - 1;
  }
  return s;
}

/** Every 50 bars: btc long 50 % / flat, the hostile asset short 30 % / flat. */
const flip: Strategy = {
  name: "flip",
  params: {},
  warmup: 0,
  macroSeries: [],
  onBar(ctx: StrategyContext): Signal[] {
    const k = ctx.bars("btc").length;
    if (k % 50 !== 0 || k > N - 50) return [];
    const on = (k / 50) % 2 === 1;
    const signal = (asset: string, direction: "long" | "short", size: number): Signal => ({
      ts: ctx.now,
      asset,
      direction: on ? direction : "flat",
      confidence: 1,
      size: on ? size : 0,
      strategy: "flip",
      reason: "test",
    });
    return [signal("btc", "long", 0.5), signal(HOSTILE, "short", 0.3)];
  },
};

function fixture() {
  const btc = series("btc", (i) => 100 + 20 * Math.sin(i / 15));
  const other = series(HOSTILE, (i) => 50 + 10 * Math.cos(i / 20));
  const result = runBacktest({
    series: [btc, other],
    interval: "1d",
    strategies: [flip],
    capital: CAPITAL,
  });
  const html = renderHtml(result, {
    prices: [btc, other].map((s) => ({ asset: s.asset, ts: s.ts, close: s.close })),
  });
  return { btc, other, result, html };
}

// ---------------------------------------------------------------------------------------------
// A minimal DevTools-protocol client: commands by id, events by name, one page session.

type Json = Record<string, unknown>;

class Cdp {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  #listeners: ((method: string, params: Json) => void)[] = [];
  #closed: Promise<void>;
  sessionId?: string;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    let closed = () => {};
    this.#closed = new Promise((resolve) => (closed = resolve));
    ws.onclose = () => {
      for (const p of this.#pending.values()) p.reject(new Error("the browser connection closed"));
      this.#pending.clear();
      closed();
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data as string);
      if (msg.id !== undefined) {
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`${msg.error.message} (${msg.error.code})`));
        else p?.resolve(msg.result);
      } else {
        for (const l of this.#listeners) l(msg.method, msg.params);
      }
    };
  }

  static connect(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new Cdp(ws));
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
  }

  send(method: string, params: Json = {}, session = true): Promise<Json> {
    const id = this.#next++;
    const msg = {
      id,
      method,
      params,
      ...(session && this.sessionId ? { sessionId: this.sessionId } : {}),
    };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify(msg));
    });
  }

  /** Resolves with the parameters of the next `method` event (register before causing it). */
  next(method: string): Promise<Json> {
    return new Promise((resolve) => {
      const l = (m: string, params: Json) => {
        if (m !== method) return;
        this.#listeners = this.#listeners.filter((x) => x !== l);
        resolve(params);
      };
      this.#listeners.push(l);
    });
  }

  /** Evaluates `expression` in the page (awaiting a returned promise) and returns its value. */
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails) throw new Error(`page: ${JSON.stringify(r.exceptionDetails)}`);
    return (r.result as { value: T }).value;
  }

  /** Waits until the page has painted twice (uPlot commits in a microtask, draws before paint). */
  settle(): Promise<unknown> {
    return this.eval(
      "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))",
    );
  }

  async mouse(type: string, x: number, y: number, extra: Json = {}): Promise<void> {
    await this.send("Input.dispatchMouseEvent", { type, x, y, ...extra });
  }

  /** Closes the connection and waits until it is closed (no op may outlive the test). */
  close(): Promise<void> {
    if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.close();
    return this.#closed;
  }
}

/** Starts headless Chromium on a fresh profile and returns its DevTools WebSocket URL. */
async function launch(chromium: string, profile: string) {
  const child = new Deno.Command(chromium, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Chromium prints the URL on stderr; keep reading stderr afterwards so it never blocks.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium exited before listening:\n${log.slice(-2000)}`);
    log += value;
    const m = /DevTools listening on (ws:\/\/\S+)/.exec(log);
    if (m) {
      const drained = (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      return { child, url: m[1], drained };
    }
  }
}

/** Opens `url` in a new tab of the browser at `wsUrl` and waits for the report script. */
async function openPage(wsUrl: string, url: string): Promise<Cdp> {
  const cdp = await Cdp.connect(wsUrl);
  const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" }, false);
  const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true }, false);
  cdp.sessionId = sessionId as string;
  await cdp.send("Emulation.setDeviceMetricsOverride", {
    width: 1280,
    height: 3200,
    deviceScaleFactor: 1,
    mobile: false,
  });
  await cdp.send("Page.enable");
  // Wait for the report's own load event, so the check below runs in the report's document and
  // not in about:blank (whose context the navigation would destroy under it).
  const loaded = cdp.next("Page.loadEventFired");
  const nav = await cdp.send("Page.navigate", { url });
  if (nav.errorText) throw new Error(`cannot open ${url}: ${nav.errorText}`);
  await loaded;
  // Resolves when <body data-rendered> leaves "no" (the script finished or failed).
  await cdp.eval(`new Promise((resolve) => {
    const done = () => document.body && document.body.dataset.rendered !== "no";
    if (document.readyState !== "loading" && done()) return resolve(true);
    const check = () => { if (done()) { obs.disconnect(); resolve(true); } };
    const obs = new MutationObserver(check);
    const start = () => { obs.observe(document.body, { attributes: true }); check(); };
    if (document.body) start(); else addEventListener("DOMContentLoaded", start);
  })`);
  return cdp;
}

// ---------------------------------------------------------------------------------------------
// Page helpers.

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The plotting area (uPlot's `.u-over`) of the chart inside `selector`, in CSS pixels. */
function plotBox(cdp: Cdp, selector: string): Promise<Box> {
  return cdp.eval(`(() => {
    const r = document.querySelector(${
    JSON.stringify(selector)
  } + " .u-over").getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height };
  })()`);
}

async function visibleRange(cdp: Cdp): Promise<{ min: number; max: number; text: string }> {
  return await cdp.eval(`(() => {
    const el = document.getElementById("zoom-range");
    return { min: Number(el.dataset.min), max: Number(el.dataset.max), text: el.textContent };
  })()`);
}

/** The x pixel of time `ts` on a chart showing `range`. */
function xOf(box: Box, range: { min: number; max: number }, ts: number): number {
  return box.left + (ts - range.min) / (range.max - range.min) * box.width;
}

function readout(cdp: Cdp, id: string): Promise<Record<string, string>> {
  return cdp.eval(`Object.fromEntries([...document.querySelectorAll("#${id} [data-field]")]
    .map((el) => [el.dataset.field, el.textContent]))`);
}

/** `"1,234.57"` / `"+1.23%"` → 1234.57 / 1.23 */
const parseShown = (s: string) => Number(s.replace(/[,%+]/g, ""));

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function tableColumn(cdp: Cdp, col: number): Promise<string[]> {
  return cdp.eval(`[...document.querySelectorAll("#trade-table tbody tr")]
    .map((tr) => tr.cells[${col}].textContent)`);
}

async function clickHeader(cdp: Cdp, label: string): Promise<void> {
  const b: Box = await cdp.eval(`(() => {
    const th = [...document.querySelectorAll("#trade-table thead th")]
      .find((th) => th.textContent === ${JSON.stringify(label)});
    const r = th.getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height };
  })()`);
  const x = b.left + b.width / 2, y = b.top + b.height / 2;
  await cdp.mouse("mouseMoved", x, y);
  await cdp.mouse("mousePressed", x, y, { button: "left", buttons: 1, clickCount: 1 });
  await cdp.mouse("mouseReleased", x, y, { button: "left", buttons: 0, clickCount: 1 });
  await cdp.settle();
}

// ---------------------------------------------------------------------------------------------

Deno.test({
  name: "report.html renders and is interactive in headless Chromium",
  ignore: !CHROMIUM && !IN_CI,
  async fn(t) {
    assert.ok(CHROMIUM, "CI=true but no chromium was found: .ci/run must install it");
    const { btc, other, result, html } = fixture();
    assert.equal(result.trades.length, 6);
    const eq = result.equity.equity;
    const dir = await Deno.makeTempDir({ prefix: "mts-render-" });
    let browser: Deno.ChildProcess | undefined;
    let drained: Promise<void> | undefined;
    let cdp: Cdp | undefined;
    // A safety net, not a timing assertion: a wedged browser fails the test instead of hanging it.
    const guard = setTimeout(() => {
      try {
        browser?.kill("SIGKILL");
      } catch { /* already gone */ }
    }, 300_000);
    try {
      await Deno.writeTextFile(`${dir}/report.html`, html);
      const launched = await launch(CHROMIUM, `${dir}/profile`);
      browser = launched.child;
      drained = launched.drained;
      cdp = await openPage(launched.url, `file://${dir}/report.html`);
      const page = cdp;

      await t.step("the page script draws every chart without error", async () => {
        const state = await page.eval<Json>(`({
          rendered: document.body.dataset.rendered,
          error: document.getElementById("render-error").textContent,
          equity: document.getElementById("equity-chart").dataset.points,
          drawdown: document.getElementById("drawdown-chart").dataset.points,
          prices: [...document.querySelectorAll(".price-chart")].map((el) => [el.dataset.points, el.dataset.markers]),
          canvases: document.querySelectorAll("canvas").length,
        })`);
        assert.equal(state.error, "");
        assert.equal(state.rendered, "ok");
        // One point per bar (300 < the 2000-point cap), one canvas per chart.
        assert.equal(state.equity, "300");
        assert.equal(state.drawdown, "300");
        assert.equal(state.canvases, 4);
        // 3 trades per asset → 3 entry and 3 exit markers on each price chart.
        assert.deepEqual(state.prices, [["300", "6"], ["300", "6"]]);
        const range = await visibleRange(page);
        assert.equal(range.min, T0);
        assert.equal(range.max, T0 + (N - 1) * DAY);
        assert.match(range.text, /2024-01-01 … 2024-10-26 \(whole run\)/);
      });

      await t.step("a hostile asset id is shown as text and runs nothing", async () => {
        const seen = await page.eval<Json>(`({
          pwned: window.__mtsPwned ?? null,
          images: document.images.length,
          heading: document.querySelectorAll(".price h3")[1].textContent,
          assetCells: [...document.querySelectorAll("#trade-table tbody tr")].map((tr) => tr.cells[0].textContent),
          title: document.title,
        })`);
        assert.equal(seen.pwned, null, "the onerror handler never ran");
        assert.equal(seen.images, 0, "no <img> element was created from the id");
        assert.equal(seen.heading, HOSTILE);
        assert.ok((seen.assetCells as string[]).includes(HOSTILE));
        assert.ok((seen.title as string).includes(HOSTILE));
      });

      await t.step(
        "hovering the equity chart shows that bar's date, equity and buy & hold",
        async () => {
          const box = await plotBox(page, "#equity-chart");
          const range = await visibleRange(page);
          for (const k of [37, 151, 263]) {
            await page.mouse("mouseMoved", Math.round(xOf(box, range, btc.ts[k])), box.top + 40);
            await page.settle();
            const shown = await readout(page, "equity-readout");
            assert.equal(shown.date, isoDay(T0 + k * DAY), `bar ${k}`);
            assert.ok(
              Math.abs(parseShown(shown.equity) - eq[k]) <= 0.005,
              `${shown.equity} vs ${eq[k]}`,
            );
            // Equal weight: half the capital in each asset from its first close.
            const bh = CAPITAL / 2 * (btc.close[k] / btc.close[0]) +
              CAPITAL / 2 * (other.close[k] / other.close[0]);
            assert.ok(
              Math.abs(parseShown(shown.buyhold) - bh) <= 0.005,
              `${shown.buyhold} vs ${bh}`,
            );
            // The cursor is shared: the drawdown readout shows the same bar.
            const dd = await readout(page, "drawdown-readout");
            assert.equal(dd.date, shown.date);
            let peak = CAPITAL;
            for (let i = 0; i <= k; i++) peak = Math.max(peak, eq[i]);
            assert.ok(Math.abs(parseShown(dd.drawdown) - (eq[k] / peak - 1) * 100) <= 0.005);
          }
        },
      );

      await t.step(
        "with the cursor away, the readout shows the last bar; buy & hold ends at the mean return",
        async () => {
          await page.mouse("mouseMoved", 5, 5);
          await page.settle();
          const shown = await readout(page, "equity-readout");
          assert.equal(shown.date, "2024-10-26");
          assert.ok(Math.abs(parseShown(shown.equity) - eq[N - 1]) <= 0.005);
          const meanReturn = ((btc.close[N - 1] / btc.close[0] - 1) +
            (other.close[N - 1] / other.close[0] - 1)) / 2;
          assert.ok(Math.abs(parseShown(shown.buyhold) - CAPITAL * (1 + meanReturn)) <= 0.005);
        },
      );

      await t.step("hovering a price chart at an entry bar names the trade", async () => {
        const trade = result.trades.find((tr) => tr.asset === "btc")!;
        const k = (trade.entryTs - T0) / DAY;
        const box = await plotBox(page, `.price[data-asset="btc"]`);
        const range = await visibleRange(page);
        await page.mouse("mouseMoved", Math.round(xOf(box, range, trade.entryTs)), box.top + 40);
        await page.settle();
        const shown: Record<string, string> = await page.eval(`Object.fromEntries(
          [...document.querySelectorAll('.price[data-asset="btc"] .readout [data-field]')]
            .map((el) => [el.dataset.field, el.textContent]))`);
        assert.equal(shown.date, isoDay(T0 + k * DAY));
        assert.ok(Math.abs(parseShown(shown.close) - btc.close[k]) <= 0.00005);
        assert.equal(shown.events, `long entry @ ${trade.entryPrice.toFixed(4)}`);
        await page.mouse("mouseMoved", 5, 5);
      });

      await t.step(
        "the monthly heatmap shows month-end over previous month-end returns",
        async () => {
          // Independently: the last bar of each UTC month, its equity over the previous one's.
          const lastOfMonth = new Map<string, number>();
          for (let i = 0; i < N; i++) lastOfMonth.set(isoDay(T0 + i * DAY).slice(0, 7), i);
          const cells: Record<string, string> = await page.eval(`Object.fromEntries(
          [...document.querySelectorAll("#monthly-returns td[data-month]")]
            .map((td) => [td.dataset.month, td.textContent]))`);
          let prev = CAPITAL;
          for (const [month, i] of lastOfMonth) {
            const expected = (eq[i] / prev - 1) * 100;
            assert.ok(
              Math.abs(parseShown(cells[month]) - expected) <= 0.005,
              `${month}: shown ${cells[month]}, expected ${expected.toFixed(4)}%`,
            );
            prev = eq[i];
          }
          assert.equal(cells["2024-11"], "", "no bar in November: an empty cell");
          const year = await page.eval<string>(
            `document.querySelector('#monthly-returns td[data-year="2024"]').textContent`,
          );
          assert.ok(Math.abs(parseShown(year) - (eq[N - 1] / CAPITAL - 1) * 100) <= 0.005);
        },
      );

      await t.step(
        "clicking a trade-table header sorts by it; clicking again reverses",
        async () => {
          const pnlCol = 7;
          const byPnl = [...result.trades].map((tr) => tr.pnl).sort((a, b) => a - b);
          await clickHeader(page, "PnL");
          assert.deepEqual(
            (await tableColumn(page, pnlCol)).map(parseShown),
            byPnl.map((v) => Number(v.toFixed(2))),
          );
          await clickHeader(page, "PnL");
          assert.deepEqual(
            (await tableColumn(page, pnlCol)).map(parseShown),
            byPnl.reverse().map((v) => Number(v.toFixed(2))),
          );
          const sorted = await page.eval<string | null>(
            `document.querySelector('#trade-table th[data-key="pnl"]').getAttribute("aria-sort")`,
          );
          assert.equal(sorted, "descending");
          await clickHeader(page, "Entry");
          const entries = await tableColumn(page, 2);
          assert.deepEqual(
            entries,
            [...result.trades].map((tr) => tr.entryTs).sort((a, b) => a - b).map(isoDay),
          );
        },
      );

      await t.step("the trade table filters by asset, side and text", async () => {
        const setSelect = (id: string, value: string) =>
          page.eval(`(() => { const s = document.getElementById(${JSON.stringify(id)});
            s.value = ${JSON.stringify(value)}; s.dispatchEvent(new Event("change")); })()`);
        const count = () => page.eval<string>(`document.getElementById("trade-count").textContent`);
        await setSelect("trade-side", "short");
        assert.deepEqual(await tableColumn(page, 1), ["short", "short", "short"]);
        assert.deepEqual(await tableColumn(page, 0), [HOSTILE, HOSTILE, HOSTILE]);
        assert.equal(await count(), "3 of 6 trades");
        await setSelect("trade-side", "");
        await setSelect("trade-asset", "btc");
        assert.deepEqual(await tableColumn(page, 0), ["btc", "btc", "btc"]);
        await setSelect("trade-asset", "");
        // Type into the search box as a user would.
        const box: Box = await page.eval(`(() => {
          const r = document.getElementById("trade-text").getBoundingClientRect();
          return { left: r.left, top: r.top, width: r.width, height: r.height };
        })()`);
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        await page.mouse("mousePressed", x, y, { button: "left", buttons: 1, clickCount: 1 });
        await page.mouse("mouseReleased", x, y, { button: "left", buttons: 0, clickCount: 1 });
        await page.send("Input.insertText", { text: "END OF" });
        await page.settle();
        const atEnd = result.trades.filter((tr) => tr.exitReason === "end of run");
        assert.equal(atEnd.length, 2, "one position per asset open at the end");
        assert.deepEqual(await tableColumn(page, 10), atEnd.map((tr) => tr.exitReason));
        assert.equal(await count(), `${atEnd.length} of 6 trades`);
      });

      await t.step(
        "dragging across the equity chart zooms every chart; shift-drag pans; the wheel zooms; double-click resets",
        async () => {
          const box = await plotBox(page, "#equity-chart");
          const full = await visibleRange(page);
          const x1 = Math.round(xOf(box, full, btc.ts[60]));
          const x2 = Math.round(xOf(box, full, btc.ts[160]));
          const y = box.top + 60;
          await page.mouse("mouseMoved", x1, y);
          await page.mouse("mousePressed", x1, y, { button: "left", buttons: 1, clickCount: 1 });
          await page.mouse("mouseMoved", (x1 + x2) / 2, y, { button: "left", buttons: 1 });
          await page.mouse("mouseMoved", x2, y, { button: "left", buttons: 1 });
          await page.mouse("mouseReleased", x2, y, { button: "left", buttons: 0, clickCount: 1 });
          await page.settle();
          const zoomed = await visibleRange(page);
          const perPx = (full.max - full.min) / box.width;
          assert.ok(
            Math.abs(zoomed.min - btc.ts[60]) <= perPx,
            `zoom starts at bar 60: ${zoomed.text}`,
          );
          assert.ok(
            Math.abs(zoomed.max - btc.ts[160]) <= perPx,
            `zoom ends at bar 160: ${zoomed.text}`,
          );
          // The price charts followed: they draw only the markers inside the new range.
          const inRange = (asset: string) =>
            result.trades.filter((tr) => tr.asset === asset)
              .flatMap((tr) => [tr.entryTs, tr.exitTs])
              .filter((ts) => ts >= zoomed.min && ts <= zoomed.max).length;
          const markers = await page.eval<string[]>(
            `[...document.querySelectorAll(".price-chart")].map((el) => el.dataset.markers)`,
          );
          assert.deepEqual(markers, [String(inRange("btc")), String(inRange(HOSTILE))]);
          assert.ok(inRange("btc") > 0 && inRange("btc") < 6, "the zoom hides some markers");

          // Shift + drag 100 px to the left moves the window later in time by 100 px worth.
          const zoomedPerPx = (zoomed.max - zoomed.min) / box.width;
          const sx = box.left + box.width / 2;
          await page.mouse("mouseMoved", sx, y);
          await page.mouse("mousePressed", sx, y, {
            button: "left",
            buttons: 1,
            clickCount: 1,
            modifiers: 8,
          });
          await page.mouse("mouseMoved", sx - 100, y, { button: "left", buttons: 1, modifiers: 8 });
          await page.mouse("mouseReleased", sx - 100, y, {
            button: "left",
            buttons: 0,
            clickCount: 1,
            modifiers: 8,
          });
          await page.settle();
          const panned = await visibleRange(page);
          assert.ok(
            Math.abs(panned.max - panned.min - (zoomed.max - zoomed.min)) <= 1,
            "same width",
          );
          assert.ok(
            Math.abs(panned.min - zoomed.min - 100 * zoomedPerPx) <= zoomedPerPx,
            "moved 100 px",
          );

          // One wheel notch up zooms in to 80 % of the range, keeping the time under the cursor.
          const wx = box.left + box.width / 4;
          const at = panned.min + (wx - box.left) / box.width * (panned.max - panned.min);
          await page.mouse("mouseMoved", wx, y);
          await page.mouse("mouseWheel", wx, y, { deltaX: 0, deltaY: -100 });
          await page.settle();
          const wheeled = await visibleRange(page);
          const tol = (panned.max - panned.min) / box.width;
          assert.ok(Math.abs(wheeled.min - (at - (at - panned.min) * 0.8)) <= tol, wheeled.text);
          assert.ok(Math.abs(wheeled.max - (at + (panned.max - at) * 0.8)) <= tol, wheeled.text);

          await page.mouse("mousePressed", sx, y, { button: "left", buttons: 1, clickCount: 2 });
          await page.mouse("mouseReleased", sx, y, { button: "left", buttons: 0, clickCount: 2 });
          await page.settle();
          const reset = await visibleRange(page);
          assert.deepEqual([reset.min, reset.max], [full.min, full.max]);
          assert.match(reset.text, /\(whole run\)$/);
        },
      );

      await t.step("a screenshot of the page is a real, non-trivial PNG", async () => {
        const shot = await page.send("Page.captureScreenshot", {
          format: "png",
          clip: { x: 0, y: 0, width: 1280, height: 1200, scale: 1 },
        });
        const png = Uint8Array.from(atob(shot.data as string), (c) => c.charCodeAt(0));
        assert.deepEqual([...png.slice(1, 4)], [80, 78, 71], "PNG signature");
        assert.ok(png.length > 20_000, `screenshot is ${png.length} bytes`);
      });
    } finally {
      clearTimeout(guard);
      if (cdp) {
        await cdp.send("Browser.close", {}, false).catch(() => {});
        await cdp.close();
      }
      if (browser) {
        try {
          browser.kill("SIGKILL");
        } catch { /* already gone */ }
        await browser.status;
        await drained; // stderr ends with the process
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
