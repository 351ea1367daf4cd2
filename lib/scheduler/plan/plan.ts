/**
 * The scheduler's decisions, as pure functions of the job's cadence, what it last handled and
 * the time: whether a job is due now (and whether that run is a catch-up of missed slots), when
 * it runs next, and which slots a still-running job has to skip.
 *
 * - A job with no run yet (a fresh database) is due at once, for the current slot.
 * - A job that handled the current slot waits for the next slot, plus its jitter.
 * - A job that handled the previous slot waits for the current slot's start plus its jitter.
 * - A job that missed slots (the process was down, the machine asleep) is due at once, for the
 *   current slot, as **one** catch-up run: the missed slots are coalesced into it, counting only
 *   those not older than `maxCatchUpMs`. It also counts as the current slot's run.
 * - A due job that waited in line (the concurrency cap) keeps the slot it was due for: it runs
 *   late for that slot while the slot lasts; once the next slot has begun, the slots it waited
 *   through are coalesced into the current slot's run by the same rule ({@link planAfterWait}).
 * @module
 */
import type { Cadence } from "./cadence.ts";
import { jitterMs } from "./jitter.ts";
import { countSlots, MAX_CRON_STEPS, nextSlot, slotAt, slotLength } from "./slots.ts";

/** What {@link planJob} decides from. */
export interface PlanInput {
  /** The job's name (its jitter comes from it). */
  readonly name: string;
  /** The job's cadence. */
  readonly cadence: Cadence;
  /** The newest slot the job has handled (run, or skipped for overlap); none on a fresh database. */
  readonly handledSlot?: number;
  /** The time now, UTC ms. */
  readonly nowMs: number;
  /** Missed slots older than this (before `nowMs - maxCatchUpMs`) are not caught up. */
  readonly maxCatchUpMs: number;
  /** Due as soon as the current slot has begun, without waiting for the jitter (`--once`). */
  readonly ignoreJitter?: boolean;
}

/** A run to start now. */
export interface DuePlan {
  /** Due now. */
  readonly due: true;
  /** The slot the run is for: the current one. */
  readonly slot: number;
  /** True when it coalesces missed slots. */
  readonly catchUp: boolean;
  /** Missed slots it stands for (within the catch-up bound), besides the current one. */
  readonly missedSlots: number;
  /** True when missed slots older than the catch-up bound were dropped. */
  readonly dropped: boolean;
  /** A catch-up should cover what happened since this time (UTC ms). */
  readonly coverFromMs?: number;
}

/** A run to start later. */
export interface WaitPlan {
  /** Not due yet. */
  readonly due: false;
  /** The slot the next run is for. */
  readonly slot: number;
  /** When it starts: the slot's start plus the job's jitter, UTC ms. */
  readonly runAtMs: number;
}

/** What {@link planJob} decided. */
export type Plan = DuePlan | WaitPlan;

/** The start time of `slot` for job `name`: the slot plus the job's jitter for that slot. */
export function runAt(name: string, cadence: Cadence, slot: number): number {
  return slot + jitterMs(name, slotLength(cadence, slot));
}

/**
 * Decides whether the job is due now (see the module doc).
 *
 * @example
 * ```ts
 * import { everyCadence } from "./cadence.ts";
 * import { planJob } from "./plan.ts";
 * const h = 3_600_000;
 * planJob({ name: "collect", cadence: everyCadence("1h"), handledSlot: 0, nowMs: 72 * h + 60_000,
 *   maxCatchUpMs: 7 * 24 * h }); // { due: true, slot: 72h, catchUp: true, missedSlots: 71, … }
 * ```
 */
export function planJob(p: PlanInput): Plan {
  const current = slotAt(p.cadence, p.nowMs);
  const fresh: DuePlan = {
    due: true,
    slot: current,
    catchUp: false,
    missedSlots: 0,
    dropped: false,
  };
  if (p.handledSlot === undefined) return fresh;
  if (p.handledSlot >= current) {
    const slot = nextSlot(p.cadence, Math.max(current, p.handledSlot));
    return { due: false, slot, runAtMs: runAt(p.name, p.cadence, slot) };
  }
  const horizon = p.nowMs - p.maxCatchUpMs;
  const missed = countSlots(p.cadence, p.handledSlot, current, horizon);
  const dropped = nextSlot(p.cadence, p.handledSlot) < Math.min(current, horizon);
  if (missed.count > 0) {
    return {
      ...fresh,
      catchUp: true,
      missedSlots: missed.count,
      dropped,
      coverFromMs: Math.max(p.handledSlot, horizon),
    };
  }
  const at = runAt(p.name, p.cadence, current);
  if (p.ignoreJitter || at <= p.nowMs) return { ...fresh, dropped };
  return { due: false, slot: current, runAtMs: at };
}

/** What {@link planAfterWait} decides from. */
export interface WaitInput {
  /** The job's name. */
  readonly name: string;
  /** The job's cadence. */
  readonly cadence: Cadence;
  /** The plan the job was due with when it joined the line. */
  readonly queued: DuePlan;
  /** The newest slot the job handled before it joined the line; none on a fresh database. */
  readonly handledSlot?: number;
  /** The time it got a place, UTC ms. */
  readonly nowMs: number;
  /** Missed slots older than this (before `nowMs - maxCatchUpMs`) are not caught up. */
  readonly maxCatchUpMs: number;
}

/**
 * The run a job makes when it gets a place after waiting in line under the concurrency cap
 * (see the module doc). While the slot it was due for lasts, that is its run, as planned (late:
 * its start shows how late). Once a later slot has begun, the run is for the current slot and
 * coalesces the slot it waited for and every slot that began since — `catchUp`, with
 * `missedSlots` counting them besides those it already coalesced — so no slot goes without a
 * record, even on a fresh database.
 *
 * @example
 * ```ts
 * import { everyCadence } from "./cadence.ts";
 * import { planAfterWait } from "./plan.ts";
 * const queued = { due: true, slot: 0, catchUp: false, missedSlots: 0, dropped: false } as const;
 * planAfterWait({ name: "b", cadence: everyCadence("4s"), queued, nowMs: 6_500,
 *   maxCatchUpMs: 86_400_000 }); // { due: true, slot: 4000, catchUp: true, missedSlots: 1, … }
 * ```
 */
export function planAfterWait(w: WaitInput): DuePlan {
  const current = slotAt(w.cadence, w.nowMs);
  if (current <= w.queued.slot) return w.queued;
  const horizon = w.nowMs - w.maxCatchUpMs;
  const own = w.queued.slot >= horizon ? 1 : 0;
  const since = countSlots(w.cadence, w.queued.slot, current, horizon).count;
  const missed = w.queued.missedSlots + own + since;
  const cover = w.queued.coverFromMs ??
    (w.handledSlot === undefined ? undefined : Math.max(w.handledSlot, horizon));
  return {
    due: true,
    slot: current,
    catchUp: missed > 0,
    missedSlots: missed,
    dropped: w.queued.dropped || own === 0,
    ...(cover === undefined ? {} : { coverFromMs: cover }),
  };
}

/** The slots a running job skips (see {@link overlapSkips}). */
export interface OverlapSkips {
  /** The skipped slots, oldest first (at most the newest {@link MAX_LISTED_SKIPS}). */
  readonly slots: readonly number[];
  /** How many slots were skipped in all. */
  readonly total: number;
  /** When the next slot would start (slot plus jitter): check again then. */
  readonly nextCheckMs: number;
}

/** Most skipped slots {@link overlapSkips} lists one by one (the total is counted beyond it). */
export const MAX_LISTED_SKIPS = 1_000;

/**
 * The slots after `afterSlot` whose start time (plus jitter) has come while the job's previous
 * run is still going: each is skipped, never started late and never queued. A cron cadence is
 * walked at most {@link MAX_CRON_STEPS} slots.
 *
 * @example
 * ```ts
 * import { everyCadence } from "./cadence.ts";
 * import { overlapSkips } from "./plan.ts";
 * overlapSkips("j", everyCadence("1m"), 0, 150_000).slots; // [60000, 120000] (jitter ≤ 6 s)
 * ```
 */
export function overlapSkips(
  name: string,
  cadence: Cadence,
  afterSlot: number,
  nowMs: number,
): OverlapSkips {
  const first = nextSlot(cadence, afterSlot);
  if (cadence.kind === "every") {
    // one jitter for every slot of a fixed period: count, then list the newest
    const j = jitterMs(name, cadence.ms);
    const total = nowMs - j < first ? 0 : Math.floor((nowMs - j - first) / cadence.ms) + 1;
    const listed = Math.min(total, MAX_LISTED_SKIPS);
    const from = first + (total - listed) * cadence.ms;
    const slots = Array.from({ length: listed }, (_, i) => from + i * cadence.ms);
    const next = first + total * cadence.ms;
    return { slots, total, nextCheckMs: next + j };
  }
  const slots: number[] = [];
  let total = 0;
  let slot = first;
  while (runAt(name, cadence, slot) <= nowMs && total < MAX_CRON_STEPS) {
    total++;
    slots.push(slot);
    if (slots.length > MAX_LISTED_SKIPS) slots.shift();
    slot = nextSlot(cadence, slot);
  }
  return { slots, total, nextCheckMs: runAt(name, cadence, slot) };
}
