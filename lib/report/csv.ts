/**
 * Trades and equity curve as CSV (RFC 4180, `\n` line ends, header row, ISO UTC times; empty
 * cells for non-finite numbers).
 * @module
 */
import { isoTime } from "../core/time.ts";
import type { Trade } from "../core/order.ts";
import type { EquityCurve } from "../engine/engine.ts";

function cell(v: string | number): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** `trades.csv`: one row per closed trade. */
export function tradesCsv(trades: readonly Trade[]): string {
  const head =
    "asset,side,entry_time,entry_price,exit_time,exit_price,size,pnl,return_pct,fees,exit_reason";
  const rows = trades.map((t) =>
    [
      t.asset,
      t.side,
      isoTime(t.entryTs),
      t.entryPrice,
      isoTime(t.exitTs),
      t.exitPrice,
      t.size,
      t.pnl,
      t.returnPct,
      t.fees,
      t.exitReason,
    ].map(cell).join(",")
  );
  return [head, ...rows].join("\n") + "\n";
}

/** `equity.csv`: equity at each bar's close (time = the bar's open time) and drawdown. */
export function equityCsv(curve: EquityCurve): string {
  const lines = ["time,equity,drawdown"];
  for (let i = 0; i < curve.ts.length; i++) {
    lines.push(`${isoTime(curve.ts[i])},${cell(curve.equity[i])},${cell(curve.drawdown[i])}`);
  }
  return lines.join("\n") + "\n";
}
