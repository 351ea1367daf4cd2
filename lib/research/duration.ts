/**
 * Calendar durations for walk-forward windows: `2y`, `6m`, `3w`, `5d`, `12h`.
 *
 * Years and months are calendar units: adding k months keeps the day of the month and the time of
 * day, and clamps the day to the target month's last day (Jan 31 + 1m = Feb 28, or Feb 29 in a
 * leap year; Feb 29 + 1y = Feb 28). Clamping does not compose — Jan 31 + 1m + 1m is Mar 28 while
 * Jan 31 + 2m is Mar 31 — so callers step every boundary from one anchor (anchor + k·d), never
 * from the previous boundary. Weeks, days and hours are fixed lengths of UTC milliseconds.
 * @module
 */

/** A duration as whole calendar months plus fixed milliseconds (one of them is 0). */
export interface Duration {
  /** Calendar months (a year is 12). */
  months: number;
  /** Fixed milliseconds (weeks, days, hours). */
  ms: number;
  /** The text it was parsed from, for messages. */
  text: string;
}

const HOUR_MS = 3_600_000;
const UNITS: Record<string, { months: number; ms: number }> = {
  y: { months: 12, ms: 0 },
  m: { months: 1, ms: 0 },
  w: { months: 0, ms: 7 * 24 * HOUR_MS },
  d: { months: 0, ms: 24 * HOUR_MS },
  h: { months: 0, ms: HOUR_MS },
};

/**
 * Parses `<whole number><unit>` with unit y (years), m (months), w (weeks), d (days) or h
 * (hours). `name` says which option it was, for the RangeError on anything else.
 * @example parseDuration("6m", "test") // { months: 6, ms: 0, text: "6m" }
 */
export function parseDuration(text: string, name: string): Duration {
  const m = /^(\d+)([ymwdh])$/.exec(typeof text === "string" ? text.trim() : "");
  if (!m) {
    throw new RangeError(
      `Cannot parse ${name} duration "${text}": expected a whole number and a unit y, m, w, d ` +
        `or h (years, months, weeks, days, hours), e.g. 2y, 6m, 5d`,
    );
  }
  const n = Number(m[1]), unit = UNITS[m[2]];
  return { months: n * unit.months, ms: n * unit.ms, text: m[0] };
}

/** `ts` moved by `months` calendar months, the day clamped to the target month's length. */
export function addMonths(ts: number, months: number): number {
  const d = new Date(ts);
  const y = d.getUTCFullYear(), mo = d.getUTCMonth(), day = d.getUTCDate();
  const timeOfDay = ts - Date.UTC(y, mo, day);
  const target = mo + months;
  const ty = y + Math.floor(target / 12), tm = target - 12 * Math.floor(target / 12);
  const lastDay = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return Date.UTC(ty, tm, Math.min(day, lastDay)) + timeOfDay;
}

/** `ts` + times·d (times may be negative): the months first, clamped, then the fixed part. */
export function addDuration(ts: number, d: Duration, times = 1): number {
  const moved = d.months === 0 ? ts : addMonths(ts, d.months * times);
  return moved + d.ms * times;
}

/** True when the duration is zero. */
export function isZero(d: Duration): boolean {
  return d.months === 0 && d.ms === 0;
}
