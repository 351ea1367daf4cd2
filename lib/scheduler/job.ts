/**
 * What the scheduler runs: a job — its spec from the job file plus the function that does the
 * work. The function is the same library code as the job's task (collect, macro, signals, export,
 * the funding backfill), wired in `lib/services/schedule_jobs.ts`; the scheduler only knows this
 * contract.
 * @module
 */
import type { JobSpec } from "./plan/resolve.ts";

/** What one attempt of a run is given. */
export interface JobRunContext {
  /** The job's name. */
  readonly job: string;
  /** The slot the run is for, UTC ms. */
  readonly slot: number;
  /** The time the attempt starts, UTC ms (the scheduler's clock). */
  readonly nowMs: number;
  /** 1 for the first attempt, then 2, 3, … for retries within the run. */
  readonly attempt: number;
  /** True when the run coalesces missed slots. */
  readonly catchUp: boolean;
  /** How many missed slots it coalesces. */
  readonly missedSlots: number;
  /** For a catch-up: the run should cover what happened since this time (UTC ms). */
  readonly coverFromMs?: number;
  /**
   * Aborted on timeout, shutdown or lost leadership. The job must stop soon after, leaving
   * nothing half-written (the scheduler waits for it to return).
   */
  readonly signal: AbortSignal;
}

/** How an attempt went. */
export interface JobResult {
  /** `partial`: some items failed (one coin of several). Anything but `success` is retried. */
  readonly outcome: "success" | "partial" | "failed";
  /** Why it did not succeed (already redacted). */
  readonly error?: string;
  /** What it did, for the record (collection run id, rows written, files, …). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** The work of a job: one attempt. A thrown error is a failed attempt. */
export type JobRunner = (ctx: JobRunContext) => Promise<JobResult>;

/** A job the scheduler can run, or one it lists as not available (and never runs). */
export interface ScheduledJob extends JobSpec {
  /** The work; absent when the job is not available in this build or configuration. */
  readonly run?: JobRunner;
  /** Why the job is not available (when `run` is absent). */
  readonly unavailable?: string;
  /**
   * A check the job failed in this process (only when asked to report problems, for `--list`):
   * it would not start here as configured, e.g. a host outside the permission set.
   */
  readonly problem?: string;
}
