/**
 * What the scheduler reports: one event per started, finished and skipped run (and leadership
 * changes), and the JSON lines `deno task schedule --json` prints for them — exactly
 *
 * ```text
 * {"job","slot","start","end","outcome","catchUp","missedSlots","attempts"}   a finished run
 * {"job","slot","skipped":"overlap"}                                          a skipped slot
 * ```
 *
 * with ISO times (and, with `--once`, `{"job","slot","skipped":"already-ran"}` for a job whose
 * current slot has run).
 * @module
 */
import { isoTime } from "../../core/time.ts";

/** How a job run ended. */
export type JobOutcome = "success" | "partial" | "failed" | "timeout" | "cancelled";
/**
 * The former name of {@link JobOutcome}, kept for branches written against it.
 * @deprecated use `JobOutcome` (`RunOutcome` is the store's outcome of a collection run).
 */
export type RunOutcome = JobOutcome;

/** Why a slot was not run. */
export type SkipReason = "overlap" | "already-ran";

/** A run started. */
export interface StartedEvent {
  /** Tag. */
  readonly type: "started";
  /** Job name. */
  readonly job: string;
  /** Slot start, UTC ms. */
  readonly slot: number;
  /** When the run started, UTC ms. */
  readonly startMs: number;
  /** A catch-up run for missed slots. */
  readonly catchUp: boolean;
  /** Missed slots it coalesces. */
  readonly missedSlots: number;
}

/** A run finished (its retries included). */
export interface FinishedEvent {
  /** Tag. */
  readonly type: "finished";
  /** Job name. */
  readonly job: string;
  /** Slot start, UTC ms. */
  readonly slot: number;
  /** When the run started, UTC ms. */
  readonly startMs: number;
  /** When it ended, UTC ms. */
  readonly endMs: number;
  /** How it ended. */
  readonly outcome: JobOutcome;
  /** A catch-up run for missed slots. */
  readonly catchUp: boolean;
  /** Missed slots it coalesced. */
  readonly missedSlots: number;
  /** Attempts made (1 + retries used). */
  readonly attempts: number;
  /** Why it did not succeed (redacted). */
  readonly error?: string;
  /** What the job reported (collection run id, rows, backup, …). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A slot was skipped. */
export interface SkippedEvent {
  /** Tag. */
  readonly type: "skipped";
  /** Job name. */
  readonly job: string;
  /** Slot start, UTC ms. */
  readonly slot: number;
  /** Why. */
  readonly reason: SkipReason;
  /** When it was decided, UTC ms. */
  readonly atMs: number;
}

/** This instance became the leader, or stands by. */
export interface LeaderEvent {
  /** Tag. */
  readonly type: "leader";
  /** `leader`: runs the jobs; `standby`: it does not (see `reason`). */
  readonly state: "leader" | "standby";
  /** When, UTC ms. */
  readonly atMs: number;
  /**
   * With `standby`: `held` (another instance holds the lock) or `unreachable` (the lock's Redis
   * did not answer; no instance may be running the jobs).
   */
  readonly reason?: "held" | "unreachable";
}

/** Everything the scheduler reports. */
export type SchedulerEvent = StartedEvent | FinishedEvent | SkippedEvent | LeaderEvent;

/**
 * The `--json` line of an event, or `undefined` for events that have none (started, leader).
 *
 * @example
 * ```ts
 * import { jsonLine } from "./events.ts";
 * jsonLine({ type: "skipped", job: "collect", slot: 0, reason: "overlap", atMs: 2_000 });
 * // '{"job":"collect","slot":"1970-01-01T00:00:00Z","skipped":"overlap"}'
 * ```
 */
export function jsonLine(e: SchedulerEvent): string | undefined {
  if (e.type === "skipped") {
    return JSON.stringify({ job: e.job, slot: isoTime(e.slot), skipped: e.reason });
  }
  if (e.type !== "finished") return undefined;
  return JSON.stringify({
    job: e.job,
    slot: isoTime(e.slot),
    start: isoTime(e.startMs),
    end: isoTime(e.endMs),
    outcome: e.outcome,
    catchUp: e.catchUp,
    missedSlots: e.missedSlots,
    attempts: e.attempts,
  });
}
