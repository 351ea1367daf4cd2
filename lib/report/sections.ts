/**
 * The static parts of the report page, rendered to escaped HTML strings: metrics, warnings, open
 * positions, reproducibility manifest and data sources.
 * @module
 */
import type { OpenPosition } from "../core/order.ts";
import { isoTime } from "../core/time.ts";
import type { Manifest } from "../engine/manifest.ts";
import type { Metrics } from "../engine/metrics.ts";
import { escapeHtml } from "./escape.ts";
import { genericHtml } from "./generic_html.ts";
import { metricRows } from "./summary.ts";

/** `1,234.57`; `-` for NaN and infinities. */
export function fixed(v: number, digits = 2): string {
  return Number.isFinite(v)
    ? v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "-";
}

/** The metrics table (labels and values from {@link metricRows}). */
export function metricsHtml(metrics: Metrics): string {
  const rows = metricRows(metrics)
    .map((r) => `<tr><th>${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`)
    .join("\n");
  return `<table class="metrics" id="metrics"><tbody>\n${rows}\n</tbody></table>`;
}

/** The runner's warnings (data gaps, …), or nothing. */
export function warningsHtml(warnings: readonly string[]): string {
  if (warnings.length === 0) return "";
  const items = warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("");
  return `<div class="warn"><b>Warnings</b><ul>${items}</ul></div>`;
}

/** Positions still open at the end, valued at the last close; nothing when there are none. */
export function openPositionsHtml(open: readonly OpenPosition[]): string {
  if (open.length === 0) return "";
  const rows = open.map((p) =>
    `<tr><td>${escapeHtml(p.asset)}</td><td>${p.side}</td><td>${isoTime(p.entryTs)}</td><td>${
      fixed(p.entryPrice, 4)
    }</td><td>${fixed(p.size, 6)}</td><td>${fixed(p.lastPrice, 4)}</td><td class="${
      p.unrealizedPnl >= 0 ? "pos" : "neg"
    }">${fixed(p.unrealizedPnl)}</td><td>${fixed(p.fees)}</td></tr>`
  ).join("\n");
  return `<h2>Open positions (${open.length}, valued at the last close, not counted as trades)</h2>
<table class="trades" id="open-positions"><thead><tr><th>Asset</th><th>Side</th><th>Entry</th><th>Entry price</th><th>Size</th><th>Last close</th><th>Unrealised PnL</th><th>Fees</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** Engine version, config hash, data checksum, the bars of each asset and every parameter. */
export function manifestHtml(m: Manifest): string {
  const data = m.data.map((d) =>
    `<tr><td>${escapeHtml(d.asset)}</td><td>${d.bars}</td><td>${
      d.bars > 0 ? isoTime(d.firstTs) : "-"
    }</td><td>${d.bars > 0 ? isoTime(d.lastTs) : "-"}</td></tr>`
  ).join("\n");
  return `<table class="manifest" id="manifest"><tbody>
<tr><th>Engine version</th><td><code>${escapeHtml(m.engineVersion)}</code></td></tr>
<tr><th>Config hash</th><td><code>${escapeHtml(m.configHash)}</code></td></tr>
<tr><th>Data checksum</th><td><code>${escapeHtml(m.dataChecksum)}</code></td></tr>
</tbody></table>
<table class="generic" id="manifest-data"><thead><tr><th>Series</th><th>Bars</th><th>First bar</th><th>Last bar</th></tr></thead><tbody>
${data}
</tbody></table>
<details><summary>Parameters</summary><pre>${
    escapeHtml(JSON.stringify(m.parameters, null, 2))
  }</pre></details>`;
}

/** The data source of each series, whatever shape `sources` has; nothing when absent. */
export function sourcesHtml(sources: unknown): string {
  if (sources === undefined || sources === null) return "";
  return `<h2>Data sources</h2>\n<div id="data-sources">${genericHtml(sources)}</div>`;
}
