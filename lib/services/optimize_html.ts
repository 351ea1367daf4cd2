/**
 * The optimisation report (`report.html` under `--out`): one self-contained page with inline SVG
 * and no script — the statistics, a heatmap of the objective over the first two searched
 * parameters, the distribution of the trials' Sharpe ratios, the best trial's equity against
 * buy-and-hold, and the top trials.
 * @module
 */
import type { OptimizeResult } from "./optimizer.ts";

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (x: unknown, d = 4) =>
  typeof x === "number"
    ? (Number.isInteger(x) ? String(x) : Number.isFinite(x) ? x.toFixed(d) : "n/a")
    : x === null
    ? "n/a"
    : esc(x);

/** Red (low) to green (high) for t in [0, 1]. */
function colour(t: number): string {
  const r = Math.round(220 * (1 - t) + 30 * t), g = Math.round(60 * (1 - t) + 170 * t);
  return `rgb(${r},${g},80)`;
}

function heatmap(r: OptimizeResult): string {
  const names = Object.keys(r.trials[0]?.params ?? {}).filter((n) =>
    r.trials.every((t) => typeof t.params[n] === "number")
  );
  const searched = names.filter((n) => new Set(r.trials.map((t) => t.params[n])).size > 1);
  if (searched.length < 2) return "<p>Heatmap: needs two searched numeric parameters.</p>";
  const [px, py] = searched;
  const xs = [...new Set(r.trials.map((t) => t.params[px] as number))].sort((a, b) => a - b);
  const ys = [...new Set(r.trials.map((t) => t.params[py] as number))].sort((a, b) => a - b);
  if (xs.length * ys.length > 10_000) return "<p>Heatmap: too many distinct values to draw.</p>";
  const cell = new Map<string, number>();
  for (const t of r.trials) {
    const v = t.metrics[r.objective.metric];
    const k = `${t.params[px]}|${t.params[py]}`;
    if (!Number.isFinite(v)) continue;
    const prev = cell.get(k);
    const better = r.objective.direction === "maximize"
      ? v > (prev ?? -Infinity)
      : v < (prev ?? Infinity);
    if (better) cell.set(k, v);
  }
  const vals = [...cell.values()];
  const lo = Math.min(...vals), hi = Math.max(...vals);
  const w = Math.max(4, Math.floor(600 / xs.length)), h = Math.max(4, Math.floor(400 / ys.length));
  const rects: string[] = [];
  xs.forEach((x, i) =>
    ys.forEach((y, j) => {
      const v = cell.get(`${x}|${y}`);
      if (v === undefined) return;
      const t0 = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      const t = r.objective.direction === "maximize" ? t0 : 1 - t0;
      rects.push(
        `<rect x="${60 + i * w}" y="${
          10 + (ys.length - 1 - j) * h
        }" width="${w}" height="${h}" fill="${colour(t)}"><title>${esc(px)}=${x} ${esc(py)}=${y}: ${
          fmt(v)
        }</title></rect>`,
      );
    })
  );
  const W = 60 + xs.length * w + 10, H = 10 + ys.length * h + 40;
  return `<h2>${esc(r.objective.metric)} over ${esc(px)} × ${esc(py)}</h2>
<svg id="heatmap" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${rects.join("")}
<text x="${60}" y="${H - 10}">${esc(px)} ${xs[0]} … ${xs[xs.length - 1]}</text>
<text x="0" y="20">${esc(py)}</text><text x="0" y="36">${ys[ys.length - 1]}</text>
<text x="0" y="${H - 40}">${ys[0]}</text></svg>
<p>Range ${fmt(lo)} … ${fmt(hi)} (greener is better; best of any other parameters per cell).</p>`;
}

function histogram(r: OptimizeResult): string {
  const xs = r.trials.map((t) => t.metrics.sharpe).filter(Number.isFinite);
  if (xs.length === 0) return "<p>No finite Sharpe ratios.</p>";
  const lo = Math.min(...xs), hi = Math.max(...xs), bins = 30;
  const counts = new Array(bins).fill(0);
  for (const x of xs) {
    counts[Math.min(bins - 1, Math.floor(hi > lo ? (x - lo) / (hi - lo) * bins : 0))]++;
  }
  const top = Math.max(...counts), bw = 20;
  const bars = counts.map((c, i) =>
    `<rect x="${i * bw}" y="${200 - (c / top) * 190}" width="${bw - 2}" height="${
      (c / top) * 190
    }" fill="#4a7"><title>${c}</title></rect>`
  ).join("");
  return `<h2>Distribution of the trials' Sharpe ratios (annualised)</h2>
<svg id="sharpe-histogram" width="${
    bins * bw
  }" height="220" xmlns="http://www.w3.org/2000/svg">${bars}
<text x="0" y="215">${fmt(lo, 2)}</text><text x="${bins * bw - 40}" y="215">${
    fmt(hi, 2)
  }</text></svg>`;
}

function polyline(ys: ArrayLike<number>, lo: number, hi: number, colourName: string): string {
  const n = ys.length, step = Math.max(1, Math.floor(n / 800)), pts: string[] = [];
  for (let i = 0; i < n; i += step) {
    pts.push(
      `${(i / Math.max(1, n - 1)) * 780 + 10},${210 - ((ys[i] - lo) / (hi - lo || 1)) * 200}`,
    );
  }
  return `<polyline fill="none" stroke="${colourName}" stroke-width="1.5" points="${
    pts.join(" ")
  }"/>`;
}

function equityChart(r: OptimizeResult): string {
  const e = r.bestEquity;
  if (!e) return "";
  const all = [...e.equity, ...(e.buyHold ?? [])].filter(Number.isFinite);
  const lo = Math.min(...all), hi = Math.max(...all);
  return `<h2>Best trial's equity (blue) against buy-and-hold (grey)</h2>
<svg id="equity" width="800" height="220" xmlns="http://www.w3.org/2000/svg">
${e.buyHold ? polyline(e.buyHold, lo, hi, "#999") : ""}${
    polyline(e.equity, lo, hi, "#2a6fdb")
  }</svg>
<p>${fmt(lo, 2)} … ${fmt(hi, 2)}</p>`;
}

function statsTable(r: OptimizeResult): string {
  const s = r.statistics;
  if (!s) return "<p>No eligible trial: no statistics.</p>";
  const rows: [string, unknown][] = [
    ["trials N (finite Sharpe) / run", `${s.trials} / ${s.trialsRun}`],
    ["variance of trial Sharpe ratios V (N−1)", s.trialSharpeVariance],
    ["observations T", s.observations],
    ["selected trial's per-period Sharpe", s.sharpe],
    ["skewness / kurtosis (non-excess)", `${fmt(s.skewness)} / ${fmt(s.kurtosis)}`],
    ["expected max Sharpe SR₀", s.expectedMaxSharpe],
    ["probabilistic Sharpe PSR(0)", s.probabilisticSharpe],
    ["deflated Sharpe DSR", s.deflatedSharpe],
    [`minimum track record length (${s.confidence})`, s.minTrackRecordLength],
    [`PBO (S = ${s.pbo.blocks}, ${s.pbo.trials} trials)`, s.pbo.pbo ?? s.pbo.reason],
  ];
  return `<table id="statistics">${
    rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${fmt(v)}</td></tr>`).join("")
  }</table>`;
}

function topTable(r: OptimizeResult): string {
  const top = r.ranking.slice(0, 20).map((id) => r.trials.find((t) => t.id === id)!);
  const rows = top.map((t) =>
    `<tr><td>${t.rank}</td><td>${esc(JSON.stringify(t.params))}</td><td>${
      fmt(t.metrics[r.objective.metric])
    }</td><td>${fmt(t.metrics.totalReturn)}</td><td>${
      fmt(t.metrics.maxDrawdown)
    }</td><td>${t.trades}</td></tr>`
  ).join("");
  return `<table id="top"><tr><th>rank</th><th>params</th><th>${
    esc(r.objective.metric)
  }</th><th>totalReturn</th><th>maxDrawdown</th><th>trades</th></tr>${rows}</table>`;
}

/** The report page. */
export function renderOptimizeHtml(r: OptimizeResult): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>mts optimize: ${
    esc(r.strategy)
  }</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left}</style></head><body>
<h1>${esc(r.strategy)} on ${esc(r.assets.join(", "))}, ${esc(r.start)} … ${esc(r.end)}</h1>
<p>${r.trials.length} trials; objective ${esc(r.objective.direction)} ${
    esc(r.objective.metric)
  }; min trades ${r.minTrades}</p>
${statsTable(r)}${heatmap(r)}${histogram(r)}${equityChart(r)}<h2>Top trials</h2>${topTable(r)}
</body></html>
`;
}
