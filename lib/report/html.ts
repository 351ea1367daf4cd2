/**
 * A self-contained HTML report of a backtest: metrics table, equity curve, drawdown, price with
 * trade markers, and the trade list. No external resources: the data is embedded as JSON and a
 * small inline script draws the charts as SVG, so the file works offline and from `file://`.
 *
 * When the script has drawn the charts it sets `data-rendered="ok"` on `<body>` (or `"error"`
 * with the message in `#render-error`); each chart's `<svg>` gets `data-points` (points drawn).
 * @module
 */
import { isoTime } from "../core/time.ts";
import type { BacktestResult } from "../engine/engine.ts";
import { metricRows } from "./summary.ts";

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** Page title (default: strategy names and assets). */
  title?: string;
  /** Close prices per asset for the price chart (default: none → equity charts only). */
  prices?: readonly { asset: string; ts: ArrayLike<number>; close: ArrayLike<number> }[];
  /** Runner warnings to show (data gaps, …). */
  warnings?: readonly string[];
  /** Most points drawn per line (min/max per bucket beyond that). Default 2000. */
  maxPoints?: number;
  /** Most trades listed in the table (all are in the markers and in trades.csv). Default 500. */
  maxTradeRows?: number;
}

/** Reduces a line to at most ~`max` points, keeping each bucket's minimum and maximum. */
export function downsample(
  ts: ArrayLike<number>,
  v: ArrayLike<number>,
  max: number,
): { t: number[]; v: number[] } {
  const n = ts.length;
  if (n <= max) return { t: Array.from(ts), v: Array.from(v) };
  const out = { t: [] as number[], v: [] as number[] };
  const size = Math.ceil(n / Math.max(1, Math.floor(max / 2)));
  for (let s = 0; s < n; s += size) {
    const e = Math.min(n, s + size);
    let lo = s, hi = s;
    for (let i = s; i < e; i++) {
      if (v[i] < v[lo]) lo = i;
      if (v[i] > v[hi]) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) {
      if (out.t.length === 0 || out.t[out.t.length - 1] !== ts[i]) {
        out.t.push(ts[i]);
        out.v.push(v[i]);
      }
    }
  }
  if (out.t[out.t.length - 1] !== ts[n - 1]) {
    out.t.push(ts[n - 1]);
    out.v.push(v[n - 1]);
  }
  return out;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v))
    .replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const num = (v: number, d = 2) =>
  Number.isFinite(v)
    ? v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d })
    : "-";

/** Renders the report. Pure: the same result gives the same bytes. */
export function renderHtml(result: BacktestResult, options: HtmlOptions = {}): string {
  const max = options.maxPoints ?? 2000;
  const strategies = (result.manifest.parameters.strategies as { name: string }[] | undefined ?? [])
    .map((s) => s.name).join(" + ");
  const title = options.title ?? `Backtest: ${strategies} on ${result.assets.join(", ")}`;
  const eq = downsample(result.equity.ts, result.equity.equity, max);
  const dd = downsample(
    result.equity.ts,
    Array.from(result.equity.drawdown, (x) => -x * 100),
    max,
  );
  const prices: Record<string, { t: number[]; v: number[] }> = {};
  for (const p of options.prices ?? []) prices[p.asset] = downsample(p.ts, p.close, max);
  const data = {
    equity: eq,
    drawdown: dd,
    prices,
    trades: result.trades.map((t) => ({
      a: t.asset,
      s: t.side === "long" ? 1 : -1,
      et: t.entryTs,
      ep: t.entryPrice,
      xt: t.exitTs,
      xp: t.exitPrice,
    })),
    open: result.openPositions.map((p) => ({
      a: p.asset,
      s: p.side === "long" ? 1 : -1,
      et: p.entryTs,
      ep: p.entryPrice,
    })),
  };
  const rows = metricRows(result.metrics)
    .map((r) => `<tr><th>${esc(r.label)}</th><td>${esc(r.value)}</td></tr>`).join("\n");
  const maxRows = options.maxTradeRows ?? 500;
  const tradeRows = result.trades.slice(0, maxRows).map((t) =>
    `<tr><td>${esc(t.asset)}</td><td>${t.side}</td><td>${isoTime(t.entryTs)}</td><td>${
      num(t.entryPrice, 4)
    }</td><td>${isoTime(t.exitTs)}</td><td>${num(t.exitPrice, 4)}</td><td>${num(t.size, 6)}</td>` +
    `<td class="${t.pnl >= 0 ? "pos" : "neg"}">${num(t.pnl)}</td><td>${
      num(t.returnPct * 100)
    }%</td><td>${num(t.fees)}</td><td>${esc(t.exitReason)}</td></tr>`
  ).join("\n");
  const more = result.trades.length > maxRows
    ? `<p class="note">First ${maxRows} of ${result.trades.length} trades; all are in trades.csv.</p>`
    : "";
  const openRows = result.openPositions.map((p) =>
    `<tr><td>${esc(p.asset)}</td><td>${p.side}</td><td>${isoTime(p.entryTs)}</td><td>${
      num(p.entryPrice, 4)
    }</td><td>${num(p.size, 6)}</td><td>${num(p.lastPrice, 4)}</td><td class="${
      p.unrealizedPnl >= 0 ? "pos" : "neg"
    }">${num(p.unrealizedPnl)}</td><td>${num(p.fees)}</td></tr>`
  ).join("\n");
  const openTable = openRows
    ? `<h2>Open positions (${result.openPositions.length}, valued at the last close, not counted as trades)</h2>
<table class="trades" id="open-positions"><thead><tr><th>Asset</th><th>Side</th><th>Entry</th><th>Entry price</th><th>Size</th><th>Last close</th><th>Unrealised PnL</th><th>Fees</th></tr></thead>
<tbody>
${openRows}
</tbody></table>`
    : "";
  const lastBar = result.equity.ts.length > 0
    ? result.equity.ts[result.equity.ts.length - 1]
    : result.startTs;
  const warnings = (options.warnings ?? []).length
    ? `<div class="warn"><b>Warnings</b><ul>${
      options.warnings!.map((w) => `<li>${esc(w)}</li>`).join("")
    }</ul></div>`
    : "";
  const m = result.manifest;
  const assetOptions = Object.keys(prices).map((a) => `<option>${esc(a)}</option>`).join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#5b6b7b;margin:0 0 16px}.grid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
table{border-collapse:collapse}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #e4e9ee}
th{text-align:left;font-weight:500;color:#3c4a57}.metrics td{font-variant-numeric:tabular-nums}
.trades td,.trades th{font-size:12px}.pos{color:#11823b}.neg{color:#c0392b}
svg.chart{width:100%;max-width:960px;height:auto;display:block;background:#fbfcfd;border:1px solid #e4e9ee}
svg text{font-size:11px;fill:#5b6b7b}.note{color:#5b6b7b;font-size:12px}
.warn{background:#fff6e0;border:1px solid #f0d48a;padding:8px 12px;margin:12px 0}
#render-error{color:#c0392b}.charts{flex:1;min-width:480px}code{font-size:12px}
</style>
</head>
<body data-rendered="no">
<h1>${esc(title)}</h1>
<p class="sub">bars ${isoTime(result.startTs)} … ${
    isoTime(lastBar)
  } (${result.equity.ts.length} × ${result.interval}, the last closing ${
    isoTime(result.endTs)
  }) · capital ${num(result.capital)} · engine ${esc(m.engineVersion)}</p>
${warnings}
<div class="grid">
<table class="metrics"><tbody>
${rows}
</tbody></table>
<div class="charts">
<h2>Equity</h2>
<svg id="equity-chart" class="chart" viewBox="0 0 960 280" role="img" aria-label="Equity curve"></svg>
<h2>Drawdown (%)</h2>
<svg id="drawdown-chart" class="chart" viewBox="0 0 960 180" role="img" aria-label="Drawdown"></svg>
${
    assetOptions
      ? `<h2>Price and trades <select id="asset-select">${assetOptions}</select></h2>
<svg id="price-chart" class="chart" viewBox="0 0 960 300" role="img" aria-label="Price with trades"></svg>
<p class="note">▲ long entry · ▼ short entry · ● exit</p>`
      : ""
  }
<p id="render-error"></p>
</div>
</div>
<h2>Trades (${result.trades.length})</h2>
<table class="trades"><thead><tr><th>Asset</th><th>Side</th><th>Entry</th><th>Entry price</th><th>Exit</th><th>Exit price</th><th>Size</th><th>PnL</th><th>Return</th><th>Fees</th><th>Exit reason</th></tr></thead>
<tbody>
${tradeRows}
</tbody></table>
${more}
${openTable}
<h2>Reproducibility</h2>
<p class="note">config hash <code>${esc(m.configHash)}</code><br>data checksum <code>${
    esc(m.dataChecksum)
  }</code></p>
<script type="application/json" id="mts-data">${scriptJson(data)}</script>
<script>
${CHART_SCRIPT}
</script>
</body>
</html>
`;
}

/** The inline chart renderer (plain ES2017, no dependencies). */
const CHART_SCRIPT = `(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }
  function day(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function label(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(2) + "B";
    if (a >= 1e6) return (v / 1e6).toFixed(2) + "M";
    if (a >= 1e4) return (v / 1e3).toFixed(1) + "k";
    return Number(v.toPrecision(4)).toString();
  }
  function draw(svg, t, v, o) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var vb = svg.viewBox.baseVal, W = vb.width, H = vb.height;
    var ml = 64, mr = 12, mt = 10, mb = 24;
    var marks = o.markers || [];
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, i;
    for (i = 0; i < t.length; i++) {
      if (t[i] < x0) x0 = t[i]; if (t[i] > x1) x1 = t[i];
      if (v[i] < y0) y0 = v[i]; if (v[i] > y1) y1 = v[i];
    }
    for (i = 0; i < marks.length; i++) {
      if (marks[i].y < y0) y0 = marks[i].y; if (marks[i].y > y1) y1 = marks[i].y;
    }
    if (o.zeroTop) y1 = Math.max(y1, 0);
    if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
    var pad = (y1 - y0) * 0.05, lo = y0; y0 -= pad; if (!o.zeroTop) y1 += pad;
    if (lo >= 0 && y0 < 0) y0 = 0;
    if (!(x1 > x0)) { x1 = x0 + 1; }
    function sx(x) { return ml + (x - x0) / (x1 - x0) * (W - ml - mr); }
    function sy(y) { return mt + (1 - (y - y0) / (y1 - y0)) * (H - mt - mb); }
    for (i = 0; i <= 4; i++) {
      var yv = y0 + (y1 - y0) * i / 4, yy = sy(yv);
      el("line", { x1: ml, x2: W - mr, y1: yy, y2: yy, stroke: "#e4e9ee" }, svg);
      el("text", { x: ml - 6, y: yy + 4, "text-anchor": "end" }, svg).textContent = label(yv);
    }
    var xs = [x0, (x0 + x1) / 2, x1], anchors = ["start", "middle", "end"];
    for (i = 0; i < 3; i++) {
      el("text", { x: sx(xs[i]), y: H - 6, "text-anchor": anchors[i] }, svg).textContent = day(xs[i]);
    }
    var d = "";
    for (i = 0; i < t.length; i++) d += (i ? "L" : "M") + sx(t[i]).toFixed(1) + "," + sy(v[i]).toFixed(1);
    if (o.area && t.length) {
      el("path", { d: d + "L" + sx(t[t.length - 1]).toFixed(1) + "," + sy(0).toFixed(1) + "L" + sx(t[0]).toFixed(1) + "," + sy(0).toFixed(1) + "Z", fill: o.color, "fill-opacity": 0.15, stroke: "none" }, svg);
    }
    el("path", { d: d, "class": "line", fill: "none", stroke: o.color, "stroke-width": 1.5 }, svg);
    for (i = 0; i < marks.length; i++) {
      var m = marks[i], mx = sx(m.t), my = sy(m.y);
      if (m.kind === "exit") {
        el("circle", { cx: mx, cy: my, r: 3.5, fill: "#fff", stroke: "#34495e", "stroke-width": 1.5, "class": "marker exit" }, svg);
      } else {
        var up = m.kind === "long", s = 6;
        var pts = up
          ? [mx, my + 2, mx - s, my + 2 + s * 1.6, mx + s, my + 2 + s * 1.6]
          : [mx, my - 2, mx - s, my - 2 - s * 1.6, mx + s, my - 2 - s * 1.6];
        el("polygon", { points: pts.join(","), fill: up ? "#11823b" : "#c0392b", "class": "marker entry" }, svg);
      }
    }
    svg.setAttribute("data-points", String(t.length));
    svg.setAttribute("data-markers", String(marks.length));
  }
  try {
    var data = JSON.parse(document.getElementById("mts-data").textContent);
    draw(document.getElementById("equity-chart"), data.equity.t, data.equity.v, { color: "#2563eb", area: false });
    draw(document.getElementById("drawdown-chart"), data.drawdown.t, data.drawdown.v, { color: "#c0392b", area: true, zeroTop: true });
    var sel = document.getElementById("asset-select");
    var priceSvg = document.getElementById("price-chart");
    function drawPrice() {
      var a = sel.value, p = data.prices[a], marks = [], i, tr;
      for (i = 0; i < data.trades.length; i++) {
        tr = data.trades[i];
        if (tr.a !== a) continue;
        marks.push({ t: tr.et, y: tr.ep, kind: tr.s > 0 ? "long" : "short" });
        marks.push({ t: tr.xt, y: tr.xp, kind: "exit" });
      }
      for (i = 0; i < data.open.length; i++) {
        tr = data.open[i];
        if (tr.a === a) marks.push({ t: tr.et, y: tr.ep, kind: tr.s > 0 ? "long" : "short" });
      }
      draw(priceSvg, p.t, p.v, { color: "#34495e", markers: marks });
    }
    if (sel && priceSvg) { sel.addEventListener("change", drawPrice); drawPrice(); }
    document.body.setAttribute("data-rendered", "ok");
  } catch (e) {
    document.body.setAttribute("data-rendered", "error");
    document.getElementById("render-error").textContent = "Chart error: " + (e && e.message);
  }
})();`;
