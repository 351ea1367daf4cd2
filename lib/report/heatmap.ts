/**
 * The monthly-returns heatmap of the report: one row per year, one cell per month, coloured by
 * sign and size.
 * @module
 */
import { escapeHtml } from "./escape.ts";
import { MONTHLY_RULE, type MonthReturn, yearlyReturns } from "./monthly.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `+1.23%` / `-4.56%`: signed, two decimals. */
export function signedPct(ret: number): string {
  if (!Number.isFinite(ret)) return "-";
  const s = (ret * 100).toFixed(2);
  return ret > 0 && s !== "0.00" ? `+${s}%` : `${s === "-0.00" ? "0.00" : s}%`;
}

/** Green for gains, red for losses, more opaque the larger `|ret|` is against `scale`. */
function cellStyle(ret: number, scale: number): string {
  if (!Number.isFinite(ret) || scale <= 0) return "";
  const a = Math.min(1, Math.abs(ret) / scale) * 0.75 + 0.05;
  const rgb = ret >= 0 ? "17,130,59" : "192,57,43";
  return ` style="background:rgba(${rgb},${a.toFixed(3)})"`;
}

function cell(m: MonthReturn | undefined, scale: number, key: string): string {
  if (!m) return `<td class="empty" data-month="${key}"></td>`;
  return `<td data-month="${key}" data-ret="${m.ret}"${cellStyle(m.ret, scale)}>${
    signedPct(m.ret)
  }</td>`;
}

/** The heatmap table plus the rule it follows; an empty run gets a one-line note. */
export function monthlyHeatmapHtml(months: readonly MonthReturn[]): string {
  if (months.length === 0) return `<p class="note">No bars, so no monthly returns.</p>`;
  const scale = Math.max(...months.map((m) => Math.abs(m.ret)).filter(Number.isFinite), 0);
  const head = `<tr><th></th>${MONTHS.map((m) => `<th>${m}</th>`).join("")}<th>Year</th></tr>`;
  const rows = yearlyReturns(months).map((y) => {
    const cells = MONTHS.map((_, i) => {
      const key = `${y.year}-${String(i + 1).padStart(2, "0")}`;
      return cell(y.months.find((m) => m.month === i + 1), scale, key);
    }).join("");
    return `<tr><th>${y.year}</th>${cells}<td class="year" data-year="${y.year}" data-ret="${y.ret}">${
      signedPct(y.ret)
    }</td></tr>`;
  }).join("\n");
  return `<table class="heatmap" id="monthly-returns"><thead>${head}</thead><tbody>
${rows}
</tbody></table>
<p class="note">${escapeHtml(MONTHLY_RULE)}</p>`;
}
