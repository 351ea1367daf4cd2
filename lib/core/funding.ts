/**
 * The interval behind each settlement of a funding history, read from the history itself. Pure.
 *
 * Exchanges change a symbol's interval (8 h → 4 h, 8 h → 1 h) and their REST history does not
 * say which interval each settled rate was for, while the current interval (`fundingInfo`,
 * `instruments-info`) is only true for the newest settlements. So the interval of a settlement is
 * the time since the previous one (to the hour, within a minute), when that spacing is a whole number of hours dividing a day
 * (1, 2, 3, 4, 6, 8, 12, 24). The exceptions:
 * - **a gap**: a spacing that is a whole multiple (≥ 2) of the interval on *both* sides of it (the
 *   previous spacing and the next one agree) means settlements are missing in between — the
 *   settlement gets the surrounding interval and the gap is reported; so does a spacing that is not
 *   a valid interval at all (against the newer side's interval, or the current one);
 * - **the oldest settlement** with nothing stored before it takes the next spacing (or, alone, the
 *   current interval).
 * A change of interval is a spacing that differs from the older side: 8, 8, 4, 4 is two 8 h then
 * two 4 h settlements, not a gap.
 * @module
 */

const HOUR_MS = 3_600_000;

/** Settlements missing from a history: between `afterMs` and `beforeMs`, `missing` of them. */
export interface FundingGap {
  /** The settlement before the gap, UTC ms. */
  readonly afterMs: number;
  /** The settlement after the gap, UTC ms. */
  readonly beforeMs: number;
  /** How many settlements of `intervalHours` are missing in between (at least 1). */
  readonly missing: number;
  /** The interval around the gap. */
  readonly intervalHours: number;
}

/**
 * Hours in `ms`, rounded to the whole hour when within a minute of it (exchanges stamp some
 * settlements a few ms off the hour).
 */
export function spacingHours(ms: number): number {
  const whole = Math.round(ms / HOUR_MS);
  return Math.abs(ms - whole * HOUR_MS) <= 60_000 ? whole : ms / HOUR_MS;
}

/** Whether `h` is a funding interval: a whole number of hours that divides a day. */
export function isIntervalHours(h: number): boolean {
  return Number.isInteger(h) && h >= 1 && 24 % h === 0;
}

/**
 * The interval of each settlement in `timesMs` (strictly increasing, UTC ms) and the gaps found,
 * given the stored settlement before them (`previous`, if any) and the exchange's `currentHours`.
 * See the module doc for the rules.
 */
export function settlementIntervals(
  timesMs: readonly number[],
  currentHours: number,
  previous?: { readonly timeMs: number; readonly intervalHours: number | null },
): { intervals: number[]; gaps: FundingGap[] } {
  const all = previous ? [previous.timeMs, ...timesMs] : [...timesMs];
  const offset = previous ? 1 : 0;
  // spacing[k]: hours from all[k-1] to all[k] (undefined for k = 0)
  const spacing = all.map((t, k) => (k === 0 ? undefined : spacingHours(t - all[k - 1])));
  const valid = (h: number | undefined) => h !== undefined && isIntervalHours(h);
  const intervals: number[] = [];
  const gaps: FundingGap[] = [];
  for (let k = offset; k < all.length; k++) {
    const s = spacing[k];
    const newer = valid(spacing[k + 1]) ? spacing[k + 1]! : undefined;
    if (s === undefined) {
      intervals.push(newer ?? currentHours);
      continue;
    }
    const older = k - 1 >= offset
      ? intervals[k - 1 - offset]
      : previous?.intervalHours ?? undefined;
    const around = newer ?? (k === all.length - 1 ? currentHours : undefined);
    const ratio = around === undefined ? NaN : s / around;
    const multiple = Number.isInteger(ratio) && ratio >= 2;
    if (valid(s) && !(multiple && older === around)) {
      intervals.push(s);
      continue;
    }
    // a hole: the settlement belongs to the interval around it
    const h = around ?? older ?? currentHours;
    intervals.push(h);
    gaps.push({
      afterMs: all[k - 1],
      beforeMs: all[k],
      missing: Math.max(1, Math.round(s / h) - 1),
      intervalHours: h,
    });
  }
  return { intervals, gaps };
}
