/**
 * A self-contained HTML report of a backtest: metrics, equity against buy-and-hold, drawdown,
 * price with trade markers per asset (uPlot charts with linked zoom, pan and a crosshair
 * readout), a monthly-returns heatmap, the trade table (sortable, filterable), open positions,
 * the reproducibility manifest and the data sources. No external resources: the data is embedded
 * as JSON and the page script (`browser/main.ts` bundled with uPlot, see `browser_assets.ts`) is
 * inlined, so the file works offline and from `file://`.
 *
 * When the script has drawn the page it sets `data-rendered="ok"` on `<body>` (or `"error"` with
 * the message in `#render-error`); each chart element gets `data-points` (points given to uPlot),
 * each price chart `data-markers` (trade markers in view).
 * @module
 */
import { isoTime } from "../core/time.ts";
import type { BacktestResult } from "../engine/engine.ts";
import { REPORT_SCRIPT, UPLOT_CSS, UPLOT_LICENSE, UPLOT_VERSION } from "./browser_assets.ts";
import { buildPayload } from "./build_payload.ts";
import { BUY_HOLD_RULE, type ClosePrices } from "./buy_hold.ts";
import { escapeHtml, scriptJson } from "./escape.ts";
import { monthlyHeatmapHtml } from "./heatmap.ts";
import { monthlyReturns } from "./monthly.ts";
import { PAGE_CSS } from "./page_style.ts";
import {
  fixed,
  manifestHtml,
  metricsHtml,
  openPositionsHtml,
  sourcesHtml,
  warningsHtml,
} from "./sections.ts";

export { downsample } from "./downsample.ts";
export type { ClosePrices } from "./buy_hold.ts";

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** Page title (default: strategy names and assets). */
  title?: string;
  /** Close prices per asset for the price charts and buy-and-hold (default: none → equity only). */
  prices?: readonly ClosePrices[];
  /** Runner warnings to show (data gaps, …). */
  warnings?: readonly string[];
  /** Most points drawn per line (each bucket's extremes beyond that). Default 2000. */
  maxPoints?: number;
  /** Most trade rows shown at once (sorting and filtering see every trade). Default 500. */
  maxTradeRows?: number;
  /**
   * The data source of each series, any JSON-like shape (rendered generically). Default: the
   * result's own `sources` field if it has one, else `manifest.parameters.sources`.
   */
  sources?: unknown;
}

/** A result that may name the source of each series it used. */
export type ReportResult = BacktestResult & { readonly sources?: unknown };

function strategyNames(result: BacktestResult): string {
  const list = result.manifest.parameters.strategies as { name: string }[] | undefined;
  return (list ?? []).map((s) => s.name).join(" + ");
}

function subtitle(result: BacktestResult): string {
  const n = result.equity.ts.length;
  const lastBar = n > 0 ? result.equity.ts[n - 1] : result.startTs;
  return `bars ${isoTime(result.startTs)} … ${isoTime(lastBar)} (${n} × ${result.interval}, ` +
    `the last closing ${isoTime(result.endTs)}) · capital ${fixed(result.capital)} · engine ${
      escapeHtml(result.manifest.engineVersion)
    }`;
}

function sourcesOf(result: ReportResult, options: HtmlOptions): unknown {
  return options.sources ?? result.sources ?? result.manifest.parameters.sources;
}

const CHARTS = `<div class="controls">Zoom: drag across a chart to zoom in, mouse wheel to zoom
around the cursor, shift + drag to pan, double-click or <button type="button" id="zoom-reset">Reset zoom</button>
· showing <span id="zoom-range"></span></div>
<h2>Equity</h2>
<div class="chart" id="equity-chart"></div>
<div class="readout" id="equity-readout"></div>
<h2>Drawdown (%)</h2>
<div class="chart" id="drawdown-chart"></div>
<div class="readout" id="drawdown-readout"></div>`;

const TRADE_CONTROLS = `<div class="controls" id="trade-controls">
<label>Asset <select id="trade-asset"></select></label>
<label>Side <select id="trade-side"></select></label>
<label>Search <input id="trade-text" type="search" placeholder="any column"></label>
<span id="trade-count"></span></div>
<table class="trades" id="trade-table"></table>`;

function body(result: ReportResult, options: HtmlOptions, title: string): string {
  const prices = options.prices ?? [];
  const bhNote = prices.length > 0
    ? `<p class="note">${escapeHtml(BUY_HOLD_RULE)}</p>`
    : `<p class="note">No prices were given, so no buy &amp; hold line and no price charts.</p>`;
  const priceSection = prices.length > 0
    ? `<h2>Price and trades</h2>
<p class="note">▲ long entry · ▼ short entry · ○ exit (green after a long, red after a short)</p>
<div id="price-charts"></div>`
    : `<div id="price-charts"></div>`;
  return `<h1>${escapeHtml(title)}</h1>
<p class="sub">${subtitle(result)}</p>
${warningsHtml(options.warnings ?? [])}
<noscript><p class="warn">The charts and the trade table need JavaScript; trades.csv and equity.csv hold the same data.</p></noscript>
<div class="grid">
${metricsHtml(result.metrics)}
<div class="charts">
${CHARTS}
${bhNote}
${priceSection}
<p id="render-error"></p>
</div>
</div>
<h2>Monthly returns</h2>
${monthlyHeatmapHtml(monthlyReturns(result.equity.ts, result.equity.equity, result.capital))}
<h2>Trades (${result.trades.length})</h2>
${TRADE_CONTROLS}
${openPositionsHtml(result.openPositions)}
<h2>Reproducibility</h2>
${manifestHtml(result.manifest)}
${sourcesHtml(sourcesOf(result, options))}`;
}

/** Renders the report. Pure: the same result and options give the same bytes. */
export function renderHtml(result: ReportResult, options: HtmlOptions = {}): string {
  const title = options.title ??
    `Backtest: ${strategyNames(result)} on ${result.assets.join(", ")}`;
  const payload = buildPayload(result, {
    prices: options.prices,
    maxPoints: options.maxPoints ?? 2000,
    maxTradeRows: options.maxTradeRows ?? 500,
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${UPLOT_CSS}
${PAGE_CSS}
</style>
</head>
<body data-rendered="no">
${body(result, options, title)}
<script type="application/json" id="mts-data">${scriptJson(payload)}</script>
<script>
/*! uPlot ${UPLOT_VERSION}, bundled into this page's script.
${UPLOT_LICENSE}
*/
${REPORT_SCRIPT}
</script>
</body>
</html>
`;
}
