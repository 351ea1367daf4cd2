/**
 * Calendar-month and calendar-year returns of an equity curve, for the report's heatmap.
 * @module
 */

/** The rule, as stated on the page. */
export const MONTHLY_RULE: string =
  "Each month: the equity at the close of the month's last bar over the equity at the close of " +
  "the previous month's last bar, minus 1; the first month is measured from the starting " +
  "capital. A bar belongs to the UTC month of its open time. A year compounds its months " +
  "(year-end equity over the previous year-end, or the starting capital).";

/** One month's return. */
export interface MonthReturn {
  /** UTC calendar year. */
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** Fraction: 0.05 is +5 %. */
  readonly ret: number;
  /** Equity at the close of the month's last bar. */
  readonly endEquity: number;
}

/** One calendar year's months (only those the run covers) and its compounded return. */
export interface YearReturns {
  /** UTC calendar year. */
  readonly year: number;
  /** The months of the year that have bars, in order. */
  readonly months: readonly MonthReturn[];
  /** The months compounded: year-end equity over the previous year-end (or capital), minus 1. */
  readonly ret: number;
}

/**
 * Monthly returns of `equity` (at the close of each bar stamped `ts`), as described in
 * {@link MONTHLY_RULE}. Months without a bar are absent (no return is invented for them).
 *
 * @example
 * ```ts
 * import { monthlyReturns } from "./monthly.ts";
 * const jan31 = Date.UTC(2024, 0, 31), feb29 = Date.UTC(2024, 1, 29);
 * monthlyReturns([jan31, feb29], [1100, 990], 1000).map((m) => m.ret); // [0.1, -0.1] (rounded)
 * ```
 */
export function monthlyReturns(
  ts: ArrayLike<number>,
  equity: ArrayLike<number>,
  capital: number,
): MonthReturn[] {
  const out: MonthReturn[] = [];
  let prev = capital;
  for (let k = 0; k < ts.length; k++) {
    const d = new Date(ts[k]);
    const key = d.getUTCFullYear() * 12 + d.getUTCMonth();
    const next = k + 1 < ts.length ? new Date(ts[k + 1]) : undefined;
    const last = next === undefined || next.getUTCFullYear() * 12 + next.getUTCMonth() !== key;
    if (!last) continue;
    out.push({
      year: Math.floor(key / 12),
      month: (key % 12) + 1,
      ret: equity[k] / prev - 1,
      endEquity: equity[k],
    });
    prev = equity[k];
  }
  return out;
}

/** Groups months by year with each year's compounded return. */
export function yearlyReturns(months: readonly MonthReturn[]): YearReturns[] {
  const years: YearReturns[] = [];
  for (const m of months) {
    const y = years[years.length - 1];
    if (y && y.year === m.year) {
      years[years.length - 1] = {
        ...y,
        months: [...y.months, m],
        ret: (1 + y.ret) * (1 + m.ret) - 1,
      };
    } else {
      years.push({ year: m.year, months: [m], ret: m.ret });
    }
  }
  return years;
}
