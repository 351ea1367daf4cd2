/**
 * Time helpers. All timestamps in mts are UTC milliseconds since the epoch.
 *
 * Convention: a bar stamped `ts` with interval `I` covers `[ts, ts + I)`; its close is the last
 * price before `ts + I`. A daily bar dated D therefore covers D 00:00 to D+1 00:00 UTC.
 * @module
 */
import { safeEcho } from "./text.ts";

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;
/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Bar intervals mts understands. `1M` is a calendar month. */
export const INTERVALS = [
  "1m",
  "3m",
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "8h",
  "12h",
  "1d",
  "3d",
  "1w",
  "1M",
] as const;

/** A bar interval such as `1h` or `1d`. */
export type Interval = typeof INTERVALS[number];

const FIXED_MS: Record<Exclude<Interval, "1M">, number> = {
  "1m": MINUTE_MS,
  "3m": 3 * MINUTE_MS,
  "5m": 5 * MINUTE_MS,
  "15m": 15 * MINUTE_MS,
  "30m": 30 * MINUTE_MS,
  "1h": HOUR_MS,
  "2h": 2 * HOUR_MS,
  "4h": 4 * HOUR_MS,
  "6h": 6 * HOUR_MS,
  "8h": 8 * HOUR_MS,
  "12h": 12 * HOUR_MS,
  "1d": DAY_MS,
  "3d": 3 * DAY_MS,
  "1w": 7 * DAY_MS,
};

/** True when `s` names a supported interval. */
export function isInterval(s: string): s is Interval {
  return (INTERVALS as readonly string[]).includes(s);
}

/**
 * Parses an interval name, throwing a RangeError that lists the valid ones.
 * @example parseInterval("1d") // "1d"
 */
export function parseInterval(s: string): Interval {
  if (!isInterval(s)) {
    throw new RangeError(`Cannot parse interval "${s}": expected one of ${INTERVALS.join(", ")}`);
  }
  return s;
}

/** Nominal length of an interval in ms (a calendar month counts as 30 days here). */
export function intervalMs(interval: Interval): number {
  return interval === "1M" ? 30 * DAY_MS : FIXED_MS[interval];
}

/** Start of the next bar after the bar that starts at `ts`. Calendar-exact for `1M`. */
export function nextBarTs(ts: number, interval: Interval): number {
  if (interval !== "1M") return ts + FIXED_MS[interval];
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Floors `ts` to the start of its bar (weeks start Monday 00:00 UTC, months on the 1st). */
export function floorToInterval(ts: number, interval: Interval): number {
  if (interval === "1M") {
    const d = new Date(ts);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (interval === "1w") {
    // 1970-01-01 was a Thursday; shift so that weeks start on Monday.
    const offset = 4 * DAY_MS;
    return Math.floor((ts - offset) / FIXED_MS["1w"]) * FIXED_MS["1w"] + offset;
  }
  const step = FIXED_MS[interval];
  return Math.floor(ts / step) * step;
}

/** `YYYY-MM-DD` of a UTC timestamp. */
export function isoDate(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** `YYYY-MM-DDTHH:MM:SSZ` (no milliseconds when they are zero). */
export function isoTime(ts: number): string {
  const s = new Date(ts).toISOString();
  return s.endsWith(".000Z") ? s.slice(0, 19) + "Z" : s;
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a date or date-time string as UTC: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]`, with `T`
 * or a space, optionally followed by `Z`, ` UTC` or an offset. Returns `NaN` when the text is not a
 * valid date (including impossible days such as 2023-02-30, which are never rolled over). Every
 * four-digit year means itself (`0024` is the year 24, not 1924); whether a year is acceptable for
 * market data is {@link dateRangeProblem}'s business.
 */
export function parseUtcDate(text: string): number {
  const m = DATE_RE.exec(text.trim());
  if (!m) return NaN;
  const y = +m[1], mo = +m[2], d = +m[3];
  const h = m[4] ? +m[4] : 0, mi = m[5] ? +m[5] : 0, s = m[6] ? +m[6] : 0;
  const ms = m[7] ? Math.round(+`0.${m[7]}` * 1000) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  const t = utcTime(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(t);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return NaN;
  const tz = m[8];
  if (tz && tz !== "Z" && tz !== "UTC") {
    const sign = tz[0] === "-" ? -1 : 1;
    const digits = tz.slice(1).replace(":", "");
    return t - sign * (+digits.slice(0, 2) * HOUR_MS + +digits.slice(2) * MINUTE_MS);
  }
  return t;
}

/** `Date.UTC` without its quirk of reading years 0–99 as 1900–1999. */
function utcTime(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number {
  if (y >= 100) return Date.UTC(y, mo, d, h, mi, s, ms);
  const t = new Date(0);
  t.setUTCFullYear(y, mo, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

/** First year mts accepts in data files and date flags (the epoch: nothing trades before it). */
export const MIN_YEAR = 1970;
/** Last year mts accepts in data files and date flags (a later date is a typo or a bad unit). */
export const MAX_YEAR = 2100;
/** The accepted dates, for messages and docs. */
export const DATE_RANGE_TEXT = `${MIN_YEAR}-01-01 .. ${MAX_YEAR}-12-31`;

const FIRST_MS = Date.UTC(MIN_YEAR, 0, 1);
const END_MS = Date.UTC(MAX_YEAR + 1, 0, 1);

/**
 * Why a time is outside the accepted years ({@link MIN_YEAR}..{@link MAX_YEAR}, UTC), e.g.
 * `year 0024 is before 1970`, or `undefined` when it is inside.
 *
 * @example
 * ```ts
 * import { dateRangeProblem, parseUtcDate } from "./time.ts";
 * dateRangeProblem(parseUtcDate("0024-01-01")); // "year 0024 is before 1970"
 * dateRangeProblem(parseUtcDate("2024-01-01")); // undefined
 * ```
 */
export function dateRangeProblem(ts: number): string | undefined {
  if (ts >= FIRST_MS && ts < END_MS) return undefined;
  if (!Number.isFinite(ts)) return "is not a time";
  const year = new Date(ts).getUTCFullYear();
  const shown = String(year).padStart(4, "0");
  return year < MIN_YEAR
    ? `year ${shown} is before ${MIN_YEAR}`
    : `year ${shown} is after ${MAX_YEAR}`;
}

/**
 * Parses a user-supplied date (`YYYY-MM-DD` or a full ISO time) and throws a RangeError naming
 * `what` when it is not a real date (`2023-02-30`) or lies outside {@link DATE_RANGE_TEXT}.
 */
export function parseDateArg(text: string, what: string): number {
  const t = parseUtcDate(text);
  const shown = safeEcho(text);
  if (Number.isNaN(t)) {
    throw new RangeError(
      `Cannot parse ${what} "${shown}": expected a real date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ`,
    );
  }
  const problem = dateRangeProblem(t);
  if (problem) {
    throw new RangeError(
      `Cannot use ${what} "${shown}": ${problem} (accepted: ${DATE_RANGE_TEXT})`,
    );
  }
  return t;
}

/**
 * Interprets a numeric epoch that may be in seconds or milliseconds (exports mix both): values
 * below 1e11 are seconds (1e11 s is the year 5138; 1e11 ms is 1973).
 */
export function epochToMs(value: number): number {
  return Math.abs(value) < 1e11 ? Math.round(value * 1000) : Math.round(value);
}
