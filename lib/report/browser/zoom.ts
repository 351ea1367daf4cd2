/// <reference lib="dom" />
/**
 * Linked zoom and pan for all charts of the page: drag to select a range (uPlot's own), mouse
 * wheel to zoom around the cursor, shift + drag to pan, double-click or "Reset zoom" to see the
 * whole run. Every chart follows the one that was zoomed, and the visible range is written out.
 * @module
 */
import type uPlot from "uplot";

/** A visible time range (UTC ms). */
export interface Range {
  /** First time shown. */
  readonly min: number;
  /** Last time shown. */
  readonly max: number;
}

/** Wheel step: each notch shows this fraction of the current range (or its inverse). */
const WHEEL_FACTOR = 0.8;

/** Keeps `r` inside `full`, preserving its width where possible. */
export function clampRange(r: Range, full: Range): Range {
  const width = Math.min(r.max - r.min, full.max - full.min);
  let min = Math.max(full.min, r.min);
  let max = min + width;
  if (max > full.max) {
    max = full.max;
    min = max - width;
  }
  return { min, max };
}

/** Zooms `r` by `factor` (< 1 zooms in) keeping the value `at` under the same pixel. */
export function zoomAround(r: Range, at: number, factor: number): Range {
  return { min: at - (at - r.min) * factor, max: at + (r.max - at) * factor };
}

/** The charts that zoom together. */
export class ZoomGroup {
  readonly #charts: uPlot[] = [];
  #syncing = false;
  #full: Range = { min: Infinity, max: -Infinity };
  readonly #onChange: (r: Range, full: Range) => void;
  #expected = 0;
  #allReady: () => void = () => {};
  readonly #ready: Promise<void> = new Promise((resolve) => (this.#allReady = resolve));

  /** `onChange` hears every new visible range (and the whole run's range). */
  constructor(onChange: (r: Range, full: Range) => void) {
    this.#onChange = onChange;
  }

  /** The uPlot plugin a chart of this group is created with. */
  plugin(): uPlot.Plugin {
    this.#expected++;
    return {
      hooks: {
        ready: (u: uPlot) => this.#add(u),
        setScale: (u: uPlot, key: string) => {
          if (key === "x") this.#follow(u);
        },
      },
    };
  }

  /**
   * Resolves once every chart created with {@link plugin} is ready: uPlot finishes building a
   * chart in a microtask, after its constructor has returned.
   */
  whenReady(): Promise<void> {
    if (this.#charts.length === this.#expected) this.#allReady();
    return this.#ready;
  }

  /** Shows the whole run on every chart. */
  reset(): void {
    this.set(this.#full);
  }

  /** Shows `r` (clamped to the run) on every chart. */
  set(r: Range): void {
    if (!Number.isFinite(this.#full.min)) return; // no chart has data
    const c = clampRange(r, this.#full);
    const first = this.#charts[0];
    if (!first) return;
    const now = this.#current(first);
    // uPlot fires no setScale hook for an unchanged range; say so here instead.
    if (now.min === c.min && now.max === c.max) this.#onChange(c, this.#full);
    else first.setScale("x", c);
  }

  #add(u: uPlot): void {
    this.#charts.push(u);
    const x = u.data[0];
    if (x.length > 0) {
      this.#full = {
        min: Math.min(this.#full.min, x[0]),
        max: Math.max(this.#full.max, x[x.length - 1]),
      };
    }
    u.over.addEventListener("wheel", (e) => this.#wheel(u, e), { passive: false });
    // Capture phase: a shift-drag must not also start uPlot's range selection.
    u.over.addEventListener("mousedown", (e) => this.#pan(u, e), { capture: true });
    if (this.#charts.length === this.#expected) this.#allReady();
  }

  #follow(src: uPlot): void {
    // A chart's own first scale (set while it is built, before `ready`) is not a user's zoom.
    if (this.#syncing || !this.#charts.includes(src)) return;
    const { min, max } = src.scales.x;
    if (min === undefined || max === undefined || min === null || max === null) return;
    this.#syncing = true;
    try {
      for (const u of this.#charts) if (u !== src) u.setScale("x", { min, max });
    } finally {
      this.#syncing = false;
    }
    this.#onChange({ min, max }, this.#full);
  }

  #current(u: uPlot): Range {
    return { min: u.scales.x.min ?? this.#full.min, max: u.scales.x.max ?? this.#full.max };
  }

  #wheel(u: uPlot, e: WheelEvent): void {
    e.preventDefault();
    const at = u.posToVal(e.clientX - u.rect.left, "x");
    const factor = e.deltaY < 0 ? WHEEL_FACTOR : 1 / WHEEL_FACTOR;
    this.set(zoomAround(this.#current(u), at, factor));
  }

  #pan(u: uPlot, down: MouseEvent): void {
    if (!down.shiftKey || down.button !== 0) return;
    down.stopPropagation();
    down.preventDefault();
    const start = this.#current(u);
    const perPx = (start.max - start.min) / u.over.clientWidth;
    const move = (e: MouseEvent) => {
      const dv = (e.clientX - down.clientX) * perPx;
      this.set({ min: start.min - dv, max: start.max - dv });
    };
    const up = () => {
      document.removeEventListener("mousemove", move);
      document.removeEventListener("mouseup", up);
    };
    document.addEventListener("mousemove", move);
    document.addEventListener("mouseup", up);
  }
}
