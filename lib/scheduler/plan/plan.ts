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
