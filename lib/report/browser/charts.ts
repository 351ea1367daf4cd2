/// <reference lib="dom" />
/**
 * The page's uPlot charts: equity against buy-and-hold, drawdown, and one price chart per asset
 * with its trade markers. All share one cursor (hovering one shows the same bar on all) and one
 * zoom ({@link ZoomGroup}).
 * @module
 */
import uPlot from "uplot";
import type { PricePayload, ReportPayload } from "../payload.ts";
import { fmtCompact, fmtNum, fmtTime, make } from "./format.ts";
import { type Marker, markerPlugin, markersFor } from "./markers.ts";
import { createReadout, type ReadoutItem } from "./readout.ts";
import type { ZoomGroup } from "./zoom.ts";

const BLUE = "#2563eb";
const GREY = "#7b8794";
const RED = "#c0392b";
const SLATE = "#34495e";

type YRange = (u: uPlot, min: number, max: number) => uPlot.Range.MinMax;

interface ChartSpec {
  readonly el: HTMLElement;
  readonly height: number;
  readonly series: uPlot.Series[];
  readonly data: uPlot.AlignedData;
  readonly group: ZoomGroup;
  readonly plugins?: uPlot.Plugin[];
  readonly yRange?: YRange;
  readonly onCursor: (idx: number | null | undefined) => void;
}

function chart(spec: ChartSpec): uPlot {
  const width = Math.max(320, Math.min(980, spec.el.clientWidth || 960));
  const opts: uPlot.Options = {
    width,
    height: spec.height,
    ms: 1,
    // Bar times are UTC; uPlot would otherwise label the axis in the viewer's time zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts), "Etc/UTC"),
    legend: { show: false },
    cursor: { sync: { key: "mts", setSeries: false }, drag: { x: true, y: false } },
    scales: { x: { time: true }, y: spec.yRange ? { range: spec.yRange } : {} },
    axes: [{}, { size: 64, values: (_u, vals) => vals.map(fmtCompact) }],
    series: [{}, ...spec.series],
    plugins: [spec.group.plugin(), ...(spec.plugins ?? [])],
    hooks: { setCursor: [(u) => spec.onCursor(u.cursor.idx)] },
  };
  const u = new uPlot(opts, spec.data, spec.el);
  spec.el.dataset.points = String(spec.data[0].length);
  return u;
}

/** Mutable copies for uPlot (its types want plain arrays; the payload is read-only). */
const arr = (v: readonly number[]): number[] => v.slice();

/** Equity and buy-and-hold on one chart, with a readout of both at the cursor. */
export function equityChart(
  el: HTMLElement,
  readoutEl: HTMLElement,
  data: ReportPayload,
  group: ZoomGroup,
): uPlot {
  const items: ReadoutItem[] = [
    { field: "equity", label: "Strategy", color: BLUE, value: (i) => fmtNum(data.equity[i]) },
  ];
  const series: uPlot.Series[] = [{ label: "Strategy", stroke: BLUE, width: 1.5 }];
  const lines = [arr(data.t), arr(data.equity)];
  if (data.buyHold) {
    const bh = data.buyHold;
    items.push({ field: "buyhold", label: "Buy & hold", color: GREY, value: (i) => fmtNum(bh[i]) });
    series.push({ label: "Buy & hold", stroke: GREY, width: 1.2, dash: [5, 3] });
    lines.push(arr(bh));
  }
  const readout = createReadout(
    readoutEl,
    items,
    (i) => fmtTime(data.t[i], data.showTime),
    data.t.length - 1,
  );
  readout.show(null);
  return chart({
    el,
    height: 280,
    series,
    data: lines as uPlot.AlignedData,
    group,
    onCursor: readout.show,
  });
}

/** Drawdown from the running peak, in percent (≤ 0, filled). */
export function drawdownChart(
  el: HTMLElement,
  readoutEl: HTMLElement,
  data: ReportPayload,
  group: ZoomGroup,
): uPlot {
  const readout = createReadout(
    readoutEl,
    [{
      field: "drawdown",
      label: "Drawdown",
      color: RED,
      value: (i) => `${fmtNum(data.drawdownPct[i])}%`,
    }],
    (i) => fmtTime(data.t[i], data.showTime),
    data.t.length - 1,
  );
  readout.show(null);
  return chart({
    el,
    height: 160,
    series: [{ label: "Drawdown %", stroke: RED, width: 1.2, fill: "rgba(192,57,43,0.15)" }],
    data: [arr(data.t), arr(data.drawdownPct)],
    group,
    yRange: (_u, min) => [min < 0 ? min * 1.05 : -1, 0],
    onCursor: readout.show,
  });
}

function markerText(m: Marker): string {
  return m.kind === "entry"
    ? `${m.side} entry @ ${fmtNum(m.price, 4)}`
    : `exit ${m.side} @ ${fmtNum(m.price, 4)}`;
}

/** The trade events drawn at data index `i` (at or after its bar, before the next one). */
function eventsAt(p: PricePayload, markers: readonly Marker[], i: number): string {
  const from = p.t[i];
  const to = i + 1 < p.t.length ? p.t[i + 1] : Infinity;
  return markers.filter((m) => m.x >= from && m.x < to).map(markerText).join(" · ");
}

/** One asset's close with its trade markers; the readout lists the trades at the cursor's bar. */
export function priceChart(
  container: HTMLElement,
  p: PricePayload,
  data: ReportPayload,
  group: ZoomGroup,
): uPlot {
  const wrap = container.appendChild(make("div", { className: "price" }));
  wrap.dataset.asset = p.asset;
  wrap.appendChild(make("h3", { text: p.asset }));
  const el = wrap.appendChild(make("div", { className: "chart price-chart" }));
  const readoutEl = wrap.appendChild(make("div", { className: "readout" }));
  const markers = p.t.length > 0
    ? markersFor(p.asset, data.trades, data.open, p.t[0], p.t[p.t.length - 1])
    : [];
  const mMin = Math.min(...markers.map((m) => m.price));
  const mMax = Math.max(...markers.map((m) => m.price));
  const readout = createReadout(
    readoutEl,
    [{
      field: "close",
      label: "Close",
      color: SLATE,
      value: (i) => fmtNum(p.close[i], 4),
    }],
    (i) => fmtTime(p.t[i], data.showTime),
    p.t.length - 1,
    (i) => eventsAt(p, markers, i),
  );
  readout.show(null);
  return chart({
    el,
    height: 240,
    series: [{ label: p.asset, stroke: SLATE, width: 1.2 }],
    data: [arr(p.t), arr(p.close)],
    group,
    plugins: [markerPlugin(markers, el)],
    yRange: (_u, min, max) => uPlot.rangeNum(Math.min(min, mMin), Math.max(max, mMax), 0.1, true),
    onCursor: readout.show,
  });
}
