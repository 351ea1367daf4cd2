/**
 * One run of one job for one slot: claim the slot in the store (so no other process runs it),
 * then attempt the job — retrying within the run, with a doubling wait, when an attempt fails —
 * under one deadline for the whole run (its timeout), and record how it ended. A timeout, a
 * shutdown or lost leadership aborts the run's signal; the run still waits for the job to return,
 * so whatever the job writes is finished or rolled back before the run is recorded.
 * @module
 */
import { formatDuration } from "./plan/duration.ts";
import type { DuePlan } from "./plan/plan.ts";
import type { FinishedEvent, JobOutcome, StartedEvent } from "./plan/events.ts";
import type { JobStore } from "../storage/job_store.ts";
import { getLogger } from "../log/logger.ts";
import type { JobResult, JobRunner, ScheduledJob } from "./job.ts";

/** Why a run's signal was aborted: its timeout, or a cancellation (shutdown, lost leadership). */
export class RunAbort extends Error {
  /** `timeout` or `cancelled`: the outcome the run is recorded with. */
  constructor(readonly outcome: "timeout" | "cancelled", message: string) {
    super(message);
    this.name = "RunAbort";
  }
}

/** What {@link executeRun} needs. */
export interface ExecuteInput {
  /** The job (available: it has a runner). */
  readonly job: ScheduledJob & { readonly run: JobRunner };
  /** The decision to run it now. */
  readonly plan: DuePlan;
  /** Where the slot is claimed and the run recorded. */
  readonly store: JobStore;
  /** The scheduler's clock. */
  readonly now: () => number;
  /** Aborted (with a {@link RunAbort}) to cancel the run. */
  readonly cancel: AbortSignal;
  /** Told once the slot is claimed and the first attempt begins. */
  readonly onStarted?: (e: StartedEvent) => void;
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(id);
      reject(signal.reason);
    };
    const id = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * An aborted run's error: why it was aborted, then what the job said — unless the job only
 * repeated why (a job that stops on its signal reports its reason: `interrupted: cancelled: …`).
 */
function abortError(why: string, jobError: string | undefined): string {
  return jobError && !jobError.includes(why) ? `${why}: ${jobError}` : why;
}

function reasonOf(signal: AbortSignal): RunAbort {
  const r = signal.reason;
  return r instanceof RunAbort ? r : new RunAbort("cancelled", `cancelled: ${String(r)}`);
}

/** The attempts of a run, until one succeeds, the retries are used up or the run is aborted. */
async function attempt(
  input: ExecuteInput,
  signal: AbortSignal,
): Promise<{ outcome: JobOutcome; attempts: number; result?: JobResult }> {
  const { job, plan } = input;
  let result: JobResult | undefined;
  for (let n = 1;; n++) {
    try {
      result = await job.run({
        job: job.name,
        slot: plan.slot,
        nowMs: input.now(),
        attempt: n,
        catchUp: plan.catchUp,
        missedSlots: plan.missedSlots,
        coverFromMs: plan.coverFromMs,
        signal,
      });
    } catch (e) {
      result = { outcome: "failed", error: (e as Error)?.message ?? String(e) };
    }
    if (signal.aborted) return { outcome: reasonOf(signal).outcome, attempts: n, result };
    if (result.outcome === "success" || n > job.retries) {
      return { outcome: result.outcome, attempts: n, result };
    }
    getLogger("scheduler").warn("attempt failed; retrying within the run", {
      job: job.name,
      attempt: n,
      error: result.error,
    });
    try {
      await pause(job.retryDelayMs * 2 ** (n - 1), signal);
    } catch {
      return { outcome: reasonOf(signal).outcome, attempts: n, result };
    }
  }
}

/**
 * Runs the job once for `input.plan.slot` (see the module doc). Resolves to the finished run, or
 * `undefined` when the slot was already claimed elsewhere (another process ran it or runs it).
 */
export async function executeRun(input: ExecuteInput): Promise<FinishedEvent | undefined> {
  const { job, plan, store } = input;
  const startMs = input.now();
  const id = await store.claimJobRun({
    job: job.name,
    slot: plan.slot,
    startedAt: startMs,
    catchUp: plan.catchUp,
    missedSlots: plan.missedSlots,
  });
  if (id === undefined) return undefined;
  const started = { job: job.name, slot: plan.slot, startMs, catchUp: plan.catchUp };
  input.onStarted?.({ type: "started", ...started, missedSlots: plan.missedSlots });

  const ac = new AbortController();
  const onCancel = () => ac.abort(input.cancel.reason);
  if (input.cancel.aborted) onCancel();
  else input.cancel.addEventListener("abort", onCancel, { once: true });
  const timer = setTimeout(
    () => ac.abort(new RunAbort("timeout", `timed out after ${formatDuration(job.timeoutMs)}`)),
    job.timeoutMs,
  );
  let done;
  try {
    done = await attempt(input, ac.signal);
  } finally {
    clearTimeout(timer);
    input.cancel.removeEventListener("abort", onCancel);
  }
  const error = done.outcome === "success"
    ? undefined
    : ac.signal.aborted
    ? abortError(reasonOf(ac.signal).message, done.result?.error)
    : done.result?.error;
  const endMs = input.now();
  const detail = done.result?.detail ? { ...done.result.detail } : undefined;
  await store.finishJobRun(id, {
    status: done.outcome,
    finishedAt: endMs,
    attempts: done.attempts,
    error,
    detail,
  });
  return {
    type: "finished",
    ...started,
    endMs,
    outcome: done.outcome,
    missedSlots: plan.missedSlots,
    attempts: done.attempts,
    error,
    detail,
  };
}
