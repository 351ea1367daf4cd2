/**
 * What the runner knows about each job, and the view of it that `status()` returns (and the API
 * server's `/ready` shows): schedule, availability, what runs now, the next start, the last end.
 * @module
 */
import type { ScheduledJob } from "./job.ts";
import { describeCadence } from "./plan/cadence.ts";
import type { DuePlan } from "./plan/plan.ts";

/** The runner's working state of one job. */
export interface JobTrack {
  /** The job. */
  readonly job: ScheduledJob;
  /** Newest slot handled (run, or skipped for overlap). */
  handled?: number;
  /** The run going on now. */
  running?: { readonly slot: number; readonly startMs: number; readonly promise: Promise<void> };
  /** Waiting for a free place under the concurrency cap. */
  queued: boolean;
  /** While queued: the run it was due with (its slot is kept, see `planAfterWait`). */
  waiting?: DuePlan;
  /** `once`: this job has had its turn. */
  onceDone?: boolean;
  /** The next run as last planned. */
  next?: { readonly slot: number; readonly atMs: number };
  /** How the newest run ended. */
  last?: { readonly outcome: string; readonly slot: number; readonly endMs?: number };
}

/** One job in {@link SchedulerStatus}. */
export interface JobView {
  /** Job name. */
  readonly name: string;
  /** Job kind. */
  readonly kind: string;
  /** `every 1h`, `cron 0 *\/6 * * *`. */
  readonly schedule: string;
  /** False when the job cannot run here (see `unavailable`). */
  readonly available: boolean;
  /** Why it is not available. */
  readonly unavailable?: string;
  /** The run going on now: its slot and start (UTC ms). */
  readonly running?: { readonly slot: number; readonly startMs: number };
  /** Waiting for a free place under the concurrency cap. */
  readonly queued: boolean;
  /** The next run as planned: its slot and start time (UTC ms). */
  readonly next?: { readonly slot: number; readonly atMs: number };
  /** How the newest run ended: outcome, slot, end time. */
  readonly last?: { readonly outcome: string; readonly slot: number; readonly endMs?: number };
  /** Newest slot handled. */
  readonly handledSlot?: number;
}

/** The view of one tracked job. */
export function jobView(t: JobTrack): JobView {
  return {
    name: t.job.name,
    kind: t.job.kind,
    schedule: describeCadence(t.job.cadence),
    available: t.job.run !== undefined,
    unavailable: t.job.unavailable,
    running: t.running ? { slot: t.running.slot, startMs: t.running.startMs } : undefined,
    queued: t.queued,
    next: t.running ? undefined : t.next,
    last: t.last,
    handledSlot: t.handled,
  };
}
