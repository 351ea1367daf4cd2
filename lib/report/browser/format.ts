/// <reference lib="dom" />
/**
 * Number and time formatting of the report page (en-US digits, UTC times), so the page reads
 * the same on every machine whatever its locale.
 * @module
 */

const FIXED = new Map<number, Intl.NumberFormat>();

/** `1,234.57` with `digits` decimals; `-` for null and non-finite values. */
export function fmtNum(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "-";
  let f = FIXED.get(digits);
  if (!f) {
    f = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    FIXED.set(digits, f);
  }
  return f.format(v);
}

/** A fraction as a signed percentage: `0.0123` → `+1.23%`. */
export function fmtPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "-";
  const s = fmtNum(v * 100, 2);
  return v > 0 && s !== "0.00" ? `+${s}%` : `${s === "-0.00" ? "0.00" : s}%`;
}

/** Axis labels: `12.3k`, `1.20M`, or up to four significant digits. */
export function fmtCompact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return String(Number(v.toPrecision(4)));
}

/** A UTC time: `2024-03-15`, or `2024-03-15 13:00` when `withTime`. */
export function fmtTime(ms: number, withTime: boolean): string {
  const iso = new Date(ms).toISOString();
  return withTime ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

/** The element with `id`, or an error naming the id (the page and script disagree). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`report page has no element #${id}`);
  return el as T;
}

/** Creates an element with a class and text (text via textContent: never parsed as HTML). */
export function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { className?: string; text?: string } = {},
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (options.className) el.className = options.className;
  if (options.text !== undefined) el.textContent = options.text;
  return el;
}
