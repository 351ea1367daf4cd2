/// <reference lib="dom" />
/**
 * Entry of the report page's script (bundled with uPlot into `browser_assets.ts` by
 * `scripts/gen_report_assets.ts`). It reads the page's embedded JSON, draws the charts, wires zoom
 * and the trade table, then sets `data-rendered="ok"` on `<body>` — or `"error"` with the message
 * in `#render-error`, so a broken page is visible to people and to the render test alike.
 * @module
 */
import type { ReportPayload } from "../payload.ts";
import { drawdownChart, equityChart, priceChart } from "./charts.ts";
import { byId, fmtTime } from "./format.ts";
import { tradeTable } from "./trade_table.ts";
import { type Range, ZoomGroup } from "./zoom.ts";

function showRange(r: Range, full: Range, withTime: boolean): void {
  const el = byId("zoom-range");
  const all = r.min <= full.min && r.max >= full.max;
  el.textContent = `${fmtTime(r.min, withTime)} … ${fmtTime(r.max, withTime)}${
    all ? " (whole run)" : ""
  }`;
  el.dataset.min = String(r.min);
  el.dataset.max = String(r.max);
}

async function render(): Promise<void> {
  const data = JSON.parse(byId("mts-data").textContent ?? "null") as ReportPayload;
  const group = new ZoomGroup((r, full) => showRange(r, full, data.showTime));
  equityChart(byId("equity-chart"), byId("equity-readout"), data, group);
  drawdownChart(byId("drawdown-chart"), byId("drawdown-readout"), data, group);
  const prices = byId("price-charts");
  for (const p of data.prices) priceChart(prices, p, data, group);
  byId("zoom-reset").addEventListener("click", () => group.reset());
  await group.whenReady();
  group.reset();
  tradeTable({
    table: byId<HTMLTableElement>("trade-table"),
    asset: byId<HTMLSelectElement>("trade-asset"),
    side: byId<HTMLSelectElement>("trade-side"),
    text: byId<HTMLInputElement>("trade-text"),
    count: byId("trade-count"),
  }, data);
}

render().then(
  () => document.body.dataset.rendered = "ok",
  (e) => {
    document.body.dataset.rendered = "error";
    const el = document.getElementById("render-error");
    if (el) el.textContent = `Chart error: ${e instanceof Error ? e.message : String(e)}`;
  },
);
