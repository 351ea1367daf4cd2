/// <reference lib="dom" />
/**
 * Trade markers on a price chart: ▲ long entry (green), ▼ short entry (red), ○ exit (green after
 * a long, red after a short), drawn on uPlot's canvas after each redraw.
 * @module
 */
import type uPlot from "uplot";
import type { OpenPayload, TradePayload } from "../payload.ts";

/** One marker: where, and what happened there. */
export interface Marker {
  /** Bar time the marker is drawn at (clamped into the chart's data range). */
  readonly x: number;
  /** Fill price (the marker's height). */
  readonly price: number;
  /** Side of the trade: the colour, and the direction of an entry's triangle. */
  readonly side: "long" | "short";
  /** Entry (triangle) or exit (circle). */
  readonly kind: "entry" | "exit";
}

const GREEN = "#11823b";
const RED = "#c0392b";

/**
 * Markers for `asset`: an entry and an exit per trade, an entry per open position. A fill stamped
 * after the last bar's open (an end-of-run exit at the last close) is drawn on the last bar,
 * whose close the price line shows there.
 */
export function markersFor(
  asset: string,
  trades: readonly TradePayload[],
  open: readonly OpenPayload[],
  firstX: number,
  lastX: number,
): Marker[] {
  const clamp = (ts: number) => Math.min(lastX, Math.max(firstX, ts));
  const out: Marker[] = [];
  for (const t of trades) {
    if (t.asset !== asset) continue;
    out.push({ x: clamp(t.entryTs), price: t.entryPrice, side: t.side, kind: "entry" });
    out.push({ x: clamp(t.exitTs), price: t.exitPrice, side: t.side, kind: "exit" });
  }
  for (const p of open) {
    if (p.asset === asset) {
      out.push({ x: clamp(p.entryTs), price: p.entryPrice, side: p.side, kind: "entry" });
    }
  }
  return out;
}

function drawOne(ctx: CanvasRenderingContext2D, m: Marker, cx: number, cy: number, s: number) {
  ctx.beginPath();
  if (m.kind === "exit") {
    ctx.arc(cx, cy, s * 0.6, 0, 2 * Math.PI);
    ctx.fillStyle = "#fff";
    ctx.fill();
    ctx.strokeStyle = m.side === "long" ? GREEN : RED;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.stroke();
    return;
  }
  const dir = m.side === "long" ? 1 : -1; // ▲ sits below the price, ▼ above it
  ctx.moveTo(cx, cy + dir * s * 0.3);
  ctx.lineTo(cx - s * 0.8, cy + dir * s * 1.6);
  ctx.lineTo(cx + s * 0.8, cy + dir * s * 1.6);
  ctx.closePath();
  ctx.fillStyle = m.side === "long" ? GREEN : RED;
  ctx.fill();
}

/**
 * A uPlot plugin drawing `markers` inside the plotting area; after each draw `host` (the chart's
 * element) gets `data-markers` = how many are in the visible range.
 */
export function markerPlugin(markers: readonly Marker[], host: HTMLElement): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const { min, max } = u.scales.x;
        const ctx = u.ctx;
        const s = 6 * devicePixelRatio;
        let shown = 0;
        ctx.save();
        ctx.beginPath();
        ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
        ctx.clip();
        for (const m of markers) {
          if (min === undefined || max === undefined || m.x < min || m.x > max) continue;
          drawOne(ctx, m, u.valToPos(m.x, "x", true), u.valToPos(m.price, "y", true), s);
          shown++;
        }
        ctx.restore();
        host.dataset.markers = String(shown);
      },
    },
  };
}
