/**
 * `deno task schedule --list`: every job with its cadence, jitter, timeout and retry policy, its
 * next run as the scheduler would plan it now (due at once, a catch-up of N missed slots, or the
 * slot and start time), and its last run, last success and last failure from the store.
 * @module
 */
import { isoTime } from "../core/time.ts";
import { describeCadence } from "../scheduler/plan/cadence.ts";
import { formatDuration } from "../scheduler/plan/duration.ts";
import { jitterMs } from "../scheduler/plan/jitter.ts";
import { planJob } from "../scheduler/plan/plan.ts";
import { slotLength } from "../scheduler/plan/slots.ts";
import type { JobRunRecord, JobStore } from "../storage/job_store.ts";
import type { PreparedSchedule } from "./scheduler_service.ts";

/** A run as the list shows it (ISO times). */
export interface ListedRun {
  /** Slot start. */
  readonly slot: string;
  /** Start. */
  readonly start: string;
  /** End (absent while running). */
  readonly end?: string;
  /** Outcome, or `running`. */
  readonly outcome: string;
  /** Attempts made. */
  readonly attempts: number;
  /** Why it did not succeed. */
  readonly error?: string;
}

/** One job of the list. */
export interface ListedJob {
  /** Name. */
  readonly name: string;
  /** Kind. */
  readonly kind: string;
  /** `every 1h`, `cron …`. */
  readonly schedule: string;
  /** Start offset after each slot (from the job's name). */
  readonly jitter: string;
  /** Timeout of one run. */
  readonly timeout: string;
  /** Extra attempts within a run. */
  readonly retries: number;
  /** Why the job cannot run here (absent when it can). */
  readonly unavailable?: string;
  /** A check the job fails in this process as configured (a host outside the permissions, …). */
  readonly problem?: string;
  /** The next run: its slot, when it starts, and whether it is a catch-up. */
  readonly next?: {
    readonly slot: string;
    readonly at: string;
    readonly dueNow: boolean;
    readonly catchUp: boolean;
    readonly missedSlots: number;
  };
  /** The newest run. */
  readonly lastRun?: ListedRun;
  /** The newest successful run. */
  readonly lastSuccess?: ListedRun;
  /** The newest run that failed, partly failed or timed out. */
  readonly lastFailure?: ListedRun;
  /** Slots skipped for overlap, in all. */
  readonly skippedSlots: number;
}

/** What `--list` shows. */
export interface ScheduleList {
  /** Where the jobs came from. */
  readonly file: string;
  /** When the plan was made. */
  readonly now: string;
  /** Scheduler settings. */
  readonly settings: {
    readonly concurrency: number;
    readonly maxCatchUp: string;
    readonly shutdownTimeout: string;
    readonly leaderTtl: string;
  };
  /** The jobs. */
  readonly jobs: readonly ListedJob[];
}

function listedRun(r: JobRunRecord | undefined): ListedRun | undefined {
  if (!r) return undefined;
  return {
    slot: isoTime(r.slot),
    start: isoTime(r.startedAt),
    end: r.finishedAt === undefined ? undefined : isoTime(r.finishedAt),
    outcome: r.status === "running" && !r.live ? "interrupted" : r.status,
    attempts: r.attempts,
    error: r.error,
  };
}

/** Builds the list (see the module doc) as of `nowMs`. */
export async function listSchedule(
  store: JobStore,
  prepared: PreparedSchedule,
  nowMs: number,
): Promise<ScheduleList> {
  const states = new Map((await store.jobStates()).map((s) => [s.job, s]));
  const s = prepared.settings;
  const jobs = prepared.jobs.map((j): ListedJob => {
    const st = states.get(j.name);
    const plan = planJob({
      name: j.name,
      cadence: j.cadence,
      handledSlot: st?.handledSlot,
      nowMs,
      maxCatchUpMs: s.maxCatchUpMs,
    });
    return {
      name: j.name,
      kind: j.kind,
      schedule: describeCadence(j.cadence),
      jitter: `${(jitterMs(j.name, slotLength(j.cadence, plan.slot)) / 1000).toFixed(1)}s`,
      timeout: formatDuration(j.timeoutMs),
      retries: j.retries,
      unavailable: j.unavailable,
      ...(j.problem ? { problem: j.problem } : {}),
      next: j.run
        ? {
          slot: isoTime(plan.slot),
          at: isoTime(plan.due ? nowMs : plan.runAtMs),
          dueNow: plan.due,
          catchUp: plan.due && plan.catchUp,
          missedSlots: plan.due ? plan.missedSlots : 0,
        }
        : undefined,
      lastRun: listedRun(st?.lastRun),
      lastSuccess: listedRun(st?.lastSuccess),
      lastFailure: listedRun(st?.lastFailure),
      skippedSlots: st?.skipped ?? 0,
    };
  });
  return {
    file: prepared.source.name,
    now: isoTime(nowMs),
    settings: {
      concurrency: s.concurrency,
      maxCatchUp: formatDuration(s.maxCatchUpMs),
      shutdownTimeout: formatDuration(s.shutdownTimeoutMs),
      leaderTtl: formatDuration(s.leaderTtlMs),
    },
    jobs,
  };
}
