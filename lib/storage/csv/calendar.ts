/**
 * Trading calendars for gap detection. Crypto trades every day; stocks, FX, VIX and FRED series
 * publish on weekdays only and skip exchange holidays. A missing bar is a gap only when the market
 * was expected to be open.
 *
 * The holiday list follows the New York Stock Exchange rules (which CBOE and most US data follow):
 * New Year's Day, Martin Luther King Jr. Day (from 1998), Washington's Birthday, Good Friday,
 * Memorial Day, Juneteenth (from 2022), Independence Day, Labor Day, Thanksgiving and Christmas;
 * a holiday on a Saturday is observed on the Friday before, on a Sunday on the Monday after
 * (except New Year's Day on a Saturday, which is not observed). One-off closures (2001-09-11..14,
 * hurricane Sandy, state funerals) are not in the list, so they show up as gaps — which they are.
 * @module
 */
import { DAY_MS, HOUR_MS } from "../../core/time.ts";

/** `24/7` markets never close; `weekdays` markets close on weekends and US market holidays. */
export type MarketCalendar = "24/7" | "weekdays";

const holidayCache = new Map<number, Set<number>>();

/** Day start (UTC ms) of every US market holiday in `year`. */
export function usMarketHolidays(year: number): Set<number> {
  let set = holidayCache.get(year);
  if (set) return set;
  set = new Set<number>();
  const add = (ts: number) => set!.add(ts);
  const newYear = Date.UTC(year, 0, 1);
  const nyDow = weekday(newYear);
  if (nyDow === 0) add(newYear + DAY_MS);
  else if (nyDow !== 6) add(newYear);
  if (year >= 1998) add(nthWeekday(year, 0, 1, 3));
  add(nthWeekday(year, 1, 1, 3));
  add(easterSunday(year) - 2 * DAY_MS);
  add(lastWeekday(year, 4, 1));
  if (year >= 2022) add(observed(Date.UTC(year, 5, 19)));
  add(observed(Date.UTC(year, 6, 4)));
  add(nthWeekday(year, 8, 1, 1));
  add(nthWeekday(year, 10, 4, 4));
  add(observed(Date.UTC(year, 11, 25)));
  holidayCache.set(year, set);
  return set;
}

/** True when the UTC day containing `ts` is a US market holiday. */
export function isUsMarketHoliday(ts: number): boolean {
  const day = Math.floor(ts / DAY_MS) * DAY_MS;
  return usMarketHolidays(new Date(day).getUTCFullYear()).has(day);
}

/**
 * True when a `weekdays` market is expected to be closed for the bar starting at `ts`: Saturday,
 * Sunday, Friday from 20:00 UTC (FX and futures close for the weekend then), or a US market
 * holiday.
 */
export function isClosed(ts: number): boolean {
  const dow = weekday(ts);
  if (dow === 0 || dow === 6) return true;
  if (dow === 5 && ts - Math.floor(ts / DAY_MS) * DAY_MS >= 20 * HOUR_MS) return true;
  return isUsMarketHoliday(ts);
}

/** Day of week of a UTC timestamp, 0 = Sunday. */
export function weekday(ts: number): number {
  return (Math.floor(ts / DAY_MS) + 4) % 7;
}

function observed(ts: number): number {
  const dow = weekday(ts);
  return dow === 6 ? ts - DAY_MS : dow === 0 ? ts + DAY_MS : ts;
}

/** The `n`-th given weekday (0 = Sunday) of a month (0-based). */
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  const offset = (dow - weekday(first) + 7) % 7;
  return first + (offset + 7 * (n - 1)) * DAY_MS;
}

function lastWeekday(year: number, month: number, dow: number): number {
  const last = Date.UTC(year, month + 1, 0);
  return last - ((weekday(last) - dow + 7) % 7) * DAY_MS;
}

/** Gregorian Easter Sunday (anonymous Gregorian algorithm). */
export function easterSunday(year: number): number {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100;
  const d = Math.floor(b / 4), e = b % 4, f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}
