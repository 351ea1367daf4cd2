/**
 * The report page's own stylesheet (uPlot's comes from `browser_assets.ts`).
 * @module
 */

/** CSS for the report page. */
export const PAGE_CSS = `
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#5b6b7b;margin:0 0 16px}.grid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
table{border-collapse:collapse}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #e4e9ee}
th{text-align:left;font-weight:500;color:#3c4a57}.metrics td{font-variant-numeric:tabular-nums}
.trades td,.trades th{font-size:12px;font-variant-numeric:tabular-nums}.pos{color:#11823b}.neg{color:#c0392b}
.trades td.text{text-align:left}.trades thead th{cursor:pointer;user-select:none;white-space:nowrap}
.trades th[aria-sort=ascending]::after{content:" ▲"}.trades th[aria-sort=descending]::after{content:" ▼"}
.chart{max-width:980px;background:#fbfcfd;border:1px solid #e4e9ee;margin-bottom:4px}
.readout{font-size:12px;color:#3c4a57;min-height:18px;font-variant-numeric:tabular-nums}
.readout b{font-weight:600;margin-right:10px}.readout .key{display:inline-block;width:10px;height:3px;vertical-align:middle;margin-right:4px}
.note{color:#5b6b7b;font-size:12px;max-width:980px}.controls{margin:6px 0;font-size:12px}
.controls label{margin-right:12px}.warn{background:#fff6e0;border:1px solid #f0d48a;padding:8px 12px;margin:12px 0}
#render-error{color:#c0392b}.charts{flex:1;min-width:480px}code{font-size:12px}
.heatmap td{min-width:52px;font-size:12px;font-variant-numeric:tabular-nums}.heatmap td.year{font-weight:600}
.generic td,.generic th{font-size:12px}.manifest td{text-align:left}pre{font-size:11px;max-width:980px;overflow:auto}
`;
