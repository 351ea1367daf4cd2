/// <reference lib="dom" />
/**
 * The trade table: every trade of the run, sortable by any column (click a header; again to
 * reverse) and filterable by asset, side and free text. Rows are built with `textContent`, so
 * asset ids and exit reasons are shown, never parsed as HTML.
 * @module
 */
import type { ReportPayload, TradePayload } from "../payload.ts";
import { fmtNum, fmtPct, fmtTime, make } from "./format.ts";

/** One column: how to show a trade's value and what to sort by. */
interface Column {
  readonly key: keyof TradePayload;
  readonly label: string;
  readonly show: (t: TradePayload) => string;
  /** Text columns read left-aligned, numbers right-aligned. */
  readonly text?: boolean;
}

/** Current sort and filter. */
interface TableState {
  sortKey: keyof TradePayload | null;
  descending: boolean;
  asset: string;
  side: string;
  text: string;
}

function columns(showTime: boolean): Column[] {
  const time = (ms: number) => fmtTime(ms, showTime);
  return [
    { key: "asset", label: "Asset", show: (t) => t.asset, text: true },
    { key: "side", label: "Side", show: (t) => t.side, text: true },
    { key: "entryTs", label: "Entry", show: (t) => time(t.entryTs) },
    { key: "entryPrice", label: "Entry price", show: (t) => fmtNum(t.entryPrice, 4) },
    { key: "exitTs", label: "Exit", show: (t) => time(t.exitTs) },
    { key: "exitPrice", label: "Exit price", show: (t) => fmtNum(t.exitPrice, 4) },
    { key: "size", label: "Size", show: (t) => fmtNum(t.size, 6) },
    { key: "pnl", label: "PnL", show: (t) => fmtNum(t.pnl) },
    { key: "returnPct", label: "Return", show: (t) => fmtPct(t.returnPct) },
    { key: "fees", label: "Fees", show: (t) => fmtNum(t.fees) },
    { key: "exitReason", label: "Exit reason", show: (t) => t.exitReason, text: true },
  ];
}

/** Orders by the column's raw value (numbers numerically, text alphabetically), then by index. */
function compare(key: keyof TradePayload, a: TradePayload, b: TradePayload): number {
  const x = a[key], y = b[key];
  if (typeof x === "number" && typeof y === "number") {
    // null (a non-finite number in the JSON) sorts first
    return (Number.isFinite(x) ? x : -Infinity) - (Number.isFinite(y) ? y : -Infinity) || 0;
  }
  return String(x ?? "").localeCompare(String(y ?? ""));
}

/** The trades that pass the filter, in the chosen order. */
function visibleTrades(
  trades: readonly TradePayload[],
  cols: readonly Column[],
  s: TableState,
): TradePayload[] {
  const needle = s.text.trim().toLowerCase();
  const rows = trades.map((t, i) => ({ t, i })).filter(({ t }) =>
    (s.asset === "" || t.asset === s.asset) && (s.side === "" || t.side === s.side) &&
    (needle === "" || cols.some((c) => c.show(t).toLowerCase().includes(needle)))
  );
  const key = s.sortKey;
  if (key !== null) {
    const dir = s.descending ? -1 : 1;
    rows.sort((a, b) => dir * compare(key, a.t, b.t) || a.i - b.i);
  }
  return rows.map((r) => r.t);
}

function options(select: HTMLSelectElement, values: readonly string[]): void {
  select.appendChild(make("option", { text: "all" })).value = "";
  for (const v of values) select.appendChild(make("option", { text: v })).value = v;
}

function renderBody(table: HTMLTableElement, cols: readonly Column[], rows: TradePayload[]) {
  const body = make("tbody");
  for (const t of rows) {
    const tr = body.appendChild(make("tr"));
    for (const c of cols) {
      const td = tr.appendChild(make("td", { text: c.show(t) }));
      if (c.text) td.className = "text";
      if (c.key === "pnl") td.className = t.pnl >= 0 ? "pos" : "neg";
    }
  }
  table.tBodies[0]?.remove();
  table.appendChild(body);
}

function renderHead(table: HTMLTableElement, cols: readonly Column[], onSort: (c: Column) => void) {
  const tr = table.createTHead().insertRow();
  for (const c of cols) {
    const th = tr.appendChild(make("th", { text: c.label }));
    th.dataset.key = c.key;
    th.title = "Sort by this column (click again to reverse)";
    th.addEventListener("click", () => onSort(c));
  }
}

/** Elements of the trade-table section. */
export interface TradeTableElements {
  /** The (empty) table the rows go into. */
  table: HTMLTableElement;
  /** Asset filter. */
  asset: HTMLSelectElement;
  /** Side filter. */
  side: HTMLSelectElement;
  /** Free-text filter (any column, as shown). */
  text: HTMLInputElement;
  /** Where "n of m trades" is written. */
  count: HTMLElement;
}

/** Builds the table and its controls; every change re-renders the visible rows. */
export function tradeTable(els: TradeTableElements, data: ReportPayload): void {
  const cols = columns(data.showTime);
  const s: TableState = { sortKey: null, descending: false, asset: "", side: "", text: "" };
  options(els.asset, [...new Set(data.trades.map((t) => t.asset))].sort());
  options(els.side, ["long", "short"]);
  const render = () => {
    const rows = visibleTrades(data.trades, cols, s);
    const shown = rows.slice(0, data.maxTradeRows);
    renderBody(els.table, cols, shown);
    els.count.textContent = rows.length > shown.length
      ? `showing the first ${shown.length} of ${rows.length} matching trades (${data.trades.length} in all; every trade is in trades.csv)`
      : `${rows.length} of ${data.trades.length} trades`;
    for (const th of els.table.tHead?.rows[0]?.cells ?? []) {
      const on = th.dataset.key === s.sortKey;
      if (on) th.setAttribute("aria-sort", s.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
  };
  renderHead(els.table, cols, (c) => {
    s.descending = s.sortKey === c.key ? !s.descending : false;
    s.sortKey = c.key;
    render();
  });
  els.asset.addEventListener("change", () => (s.asset = els.asset.value, render()));
  els.side.addEventListener("change", () => (s.side = els.side.value, render()));
  els.text.addEventListener("input", () => (s.text = els.text.value, render()));
  render();
}
