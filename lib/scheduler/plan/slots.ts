/**
 * Slots: the moments a job is meant to run. A slot is named by its start time (UTC ms). For a
 * fixed period P the slots are the multiples of P from the epoch; for a cron cadence they are
 * the expression's fire times (whole minutes). Pure arithmetic on the times it is given.
 * @module
 */
import type { Cadence } from "./cadence.ts";

/** Most slots {@link countSlots} walks one by one for a cron cadence. */
export const MAX_CRON_STEPS = 100_000;

/**
 * The latest slot that starts at or before `t`.
 *
 * @example
 * ```ts
 * import { everyCadence } from "./cadence.ts";
 * import { slotAt } from "./slots.ts";
 * slotAt(everyCadence("1h"), Date.UTC(2024, 0, 1, 5, 59)); // Date.UTC(2024, 0, 1, 5)
 * ```
 */
export function slotAt(c: Cadence, t: number): number {
  if (c.kind === "every") return Math.floor(t / c.ms) * c.ms;
  // croner's previousRuns(1, x) is the latest fire strictly before x's whole second; fires fall
  // on whole seconds, so asking one second past t gives the latest fire at or before t.
  const prev = c.cron.previousRuns(1, new Date(t + 1_000))[0];
  if (!prev) throw new RangeError(`Cannot plan cron ${c.expr}: it never fired before ${t}`);
  return prev.getTime();
}

/**
 * The first slot that starts after `t`.
 *
 * @example
 * ```ts
 * import { everyCadence } from "./cadence.ts";
 * import { nextSlot } from "./slots.ts";
 * nextSlot(everyCadence("6h"), Date.UTC(2024, 0, 1, 6)); // Date.UTC(2024, 0, 1, 12)
 * ```
 */
export function nextSlot(c: Cadence, t: number): number {
  if (c.kind === "every") return slotAt(c, t) + c.ms;
  const next = c.cron.nextRun(new Date(t));
  if (!next) throw new RangeError(`Cannot plan cron ${c.expr}: it never fires after ${t}`);
  return next.getTime();
}

/** How long slot `slot` lasts: until the next slot starts. */
export function slotLength(c: Cadence, slot: number): number {
  return c.kind === "every" ? c.ms : nextSlot(c, slot) - slot;
}

/** Slots strictly between two times (see {@link countSlots}). */
export interface SlotCount {
  /** How many slots start in the range. */
  readonly count: number;
  /** The earliest of them, when there is one. */
  readonly first?: number;
}

/**
 * The slots that start strictly after `after` and strictly before `before`, not earlier than
 * `notBefore`. A cron cadence is walked slot by slot, at most {@link MAX_CRON_STEPS} of them
 * (the count stops there).
 *
 * @example
 * ```ts
 * import { everyCadence } from "./cadence.ts";
 * import { countSlots } from "./slots.ts";
 * const h = 3_600_000;
 * countSlots(everyCadence("1h"), 0, 72 * h, 0); // { count: 71, first: 3600000 }
 * ```
 */
export function countSlots(
  c: Cadence,
  after: number,
  before: number,
  notBefore: number,
): SlotCount {
  const from = Math.max(after, notBefore - 1);
  if (c.kind === "every") {
    const first = slotAt(c, from) + c.ms;
    if (first >= before) return { count: 0 };
    return { count: Math.ceil((before - first) / c.ms), first };
  }
  let count = 0;
  let first: number | undefined;
  for (let s = nextSlot(c, from); s < before && count < MAX_CRON_STEPS; s = nextSlot(c, s)) {
    first ??= s;
    count++;
  }
  return { count, first };
}
