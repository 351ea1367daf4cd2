/**
 * The scheduler's concern of the store: one record per job and slot — when the run started and
 * ended, how it ended, how many attempts it took, whether it was a catch-up — and slots skipped
 * because the previous run was still going. A slot is claimed before its run starts, so two
 * processes sharing the database never run the same job for the same slot; a running claim is
 * held by the lease of its process, so the claim of a process that died can be taken again.
 * @module
 */

/** The state of a job's slot. */
export type JobRunStatus =
  | "running"
  | "success"
  | "partial"
  | "failed"
  | "timeout"
  | "cancelled"
  | "skipped";

/** One job's record for one slot. */
export interface JobRunRecord {
  /** Record id. */
  id: number;
  /** Job name. */
  job: string;
  /** Slot start, UTC ms. */
  slot: number;
  /** When the run started (or the slot was skipped), UTC ms. */
  startedAt: number;
  /** When it ended; absent while running. */
  finishedAt?: number;
  /** `running` until it ends. */
  status: JobRunStatus;
  /** Attempts made (0 for a skipped slot). */
  attempts: number;
  /** A catch-up run that coalesced missed slots. */
  catchUp: boolean;
  /** Missed slots it coalesced. */
  missedSlots: number;
  /** Why it did not succeed, or why the slot was skipped. */
  error?: string;
  /** What the job reported (collection run id, rows written, …). */
  detail?: Record<string, unknown>;
  /** For `running` records: whether the process that runs it is alive (holds its lease). */
  live?: boolean;
}

/** What a claim records about the run about to start. */
export interface JobRunClaim {
  /** Job name. */
  job: string;
  /** Slot start, UTC ms. */
  slot: number;
  /** Start time, UTC ms. */
  startedAt: number;
  /** A catch-up run. */
  catchUp: boolean;
  /** Missed slots it coalesces. */
  missedSlots: number;
}

/** How a run ended. */
export interface JobRunEnd {
  /** Final status (not `running`, not `skipped`). */
  status: Exclude<JobRunStatus, "running" | "skipped">;
  /** End time, UTC ms. */
  finishedAt: number;
  /** Attempts made. */
  attempts: number;
  /** Why it did not succeed. */
  error?: string;
  /** What the job reported. */
  detail?: Record<string, unknown>;
}

/** A job's state as the scheduler and `status` read it. */
export interface JobState {
  /** Job name. */
  job: string;
  /**
   * The newest slot the job has handled: run to an end (any outcome but `cancelled`), skipped, or
   * being run by a live process. Cancelled runs and runs whose process died do not count: their
   * slot is run again.
   */
  handledSlot?: number;
  /** The newest run (not a skipped slot). */
  lastRun?: JobRunRecord;
  /** The newest successful run. */
  lastSuccess?: JobRunRecord;
  /** The newest run that ended `failed`, `partial` or `timeout`. */
  lastFailure?: JobRunRecord;
  /** Slots skipped for overlap, in all. */
  skipped: number;
}

/** Job run records. */
export interface JobStore {
  /**
   * Claims `slot` of `job` for a run about to start and returns the record's id, or `undefined`
   * when the slot is taken: already run, skipped, or running in a live process. A slot whose run
   * was cancelled, or whose process died, is claimed again. The claim is held by this process's
   * lease until {@link JobStore.finishJobRun}.
   */
  claimJobRun(claim: JobRunClaim): Promise<number | undefined>;
  /** Records how the claimed run `id` ended and releases the claim. */
  finishJobRun(id: number, end: JobRunEnd): Promise<void>;
  /** Records that `slot` of `job` was skipped (`reason`); a slot already recorded is left alone. */
  recordSkippedSlot(job: string, slot: number, atMs: number, reason: string): Promise<void>;
  /** Records, newest slot first, of one job or all. */
  listJobRuns(filter?: { job?: string; limit?: number }): Promise<JobRunRecord[]>;
  /** Every job with a record, by name. */
  jobStates(): Promise<JobState[]>;
}
