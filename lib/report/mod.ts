/**
 * Backtest reports: JSON document, CSV files, self-contained HTML, metric rows.
 * @module
 */
export * from "./json.ts";
export * from "./csv.ts";
export * from "./html.ts";
export * from "./summary.ts";
