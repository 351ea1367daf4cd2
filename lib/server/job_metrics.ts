/**
 * The scheduler's metrics (`mts_job_*`, `mts_scheduler_*`) when it runs in the service's process
 * (`serve --schedule`): counters from the scheduler's events (runs by outcome, their duration and
 * retries, skipped slots), and gauges read from its status at each scrape (what runs now, when
 * each job runs next, when it last ended, leadership). Without `--schedule` none of them has a
 * sample (the families are still listed, so a dashboard query finds them).
 * @module
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { SchedulerEvent } from "../scheduler/plan/events.ts";
import type { SchedulerStatus } from "../scheduler/runner.ts";

/** The scheduler's metrics, and where the gauges read its state. */
export interface JobMetrics {
  /** Finished runs by job and outcome (success, partial, failed, timeout, cancelled). */
  readonly runs: Counter<"job" | "outcome">;
  /** Wall time of each finished run (its retries included), seconds, by job. */
  readonly duration: Histogram<"job">;
  /** Attempts beyond the first, by job. */
  readonly retries: Counter<"job">;
  /** Slots skipped, by job and reason (overlap, already-ran). */
  readonly skipped: Counter<"job" | "reason">;
  /** 1 while a run of the job is going on, else 0. */
  readonly running: Gauge<"job">;
  /** 1 while the job waits for a free place under the concurrency cap. */
  readonly queued: Gauge<"job">;
  /** When the job runs next (Unix seconds); absent while it runs or when it cannot run. */
  readonly nextRun: Gauge<"job">;
  /** When the job's newest run ended (Unix seconds). */
  readonly lastEnd: Gauge<"job">;
  /** 1 for the newest run's outcome of each job, 0 for the others. */
  readonly lastOutcome: Gauge<"job" | "outcome">;
  /**
   * 1 leader, 0 standby, labelled with the lock (`redis`); no sample without a leader lock (then
   * this instance always runs its jobs).
   */
  readonly leader: Gauge<"lock">;
  /** 1 while a scheduler runs in this process. */
  readonly up: Gauge;
  /** The running scheduler's status; set by `attachScheduler`, read at each scrape. */
  status?: () => SchedulerStatus;
}

const OUTCOMES = ["success", "partial", "failed", "timeout", "cancelled"] as const;

/** Registers the scheduler's metrics on `registry`. */
export function jobMetrics(registry: Registry): JobMetrics {
  const registers = [registry];
  return {
    runs: new Counter({
      name: "mts_job_runs_total",
      help: "Scheduled runs finished in this process, by job and outcome",
      labelNames: ["job", "outcome"],
      registers,
    }),
    duration: new Histogram({
      name: "mts_job_run_duration_seconds",
      help: "Wall time of each finished scheduled run (retries included), by job",
      labelNames: ["job"],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    }),
    retries: new Counter({
      name: "mts_job_retries_total",
      help: "Attempts of scheduled runs beyond the first, by job",
      labelNames: ["job"],
      registers,
    }),
    skipped: new Counter({
      name: "mts_job_skipped_slots_total",
      help: "Scheduled slots skipped, by job and reason (overlap, already-ran)",
      labelNames: ["job", "reason"],
      registers,
    }),
    running: new Gauge({
      name: "mts_job_running",
      help: "1 while a run of the job is going on in this process, else 0",
      labelNames: ["job"],
      registers,
    }),
    queued: new Gauge({
      name: "mts_job_queued",
      help: "1 while the job waits for a free place under the scheduler's concurrency cap",
      labelNames: ["job"],
      registers,
    }),
    nextRun: new Gauge({
      name: "mts_job_next_run_timestamp_seconds",
      help: "When the job runs next (Unix seconds); absent while it runs or cannot run here",
      labelNames: ["job"],
      registers,
    }),
    lastEnd: new Gauge({
      name: "mts_job_last_run_end_timestamp_seconds",
      help: "When the job's newest run ended (Unix seconds)",
      labelNames: ["job"],
      registers,
    }),
    lastOutcome: new Gauge({
      name: "mts_job_last_outcome",
      help: "1 for the outcome of the job's newest run, 0 for the other outcomes",
      labelNames: ["job", "outcome"],
      registers,
    }),
    leader: new Gauge({
      name: "mts_scheduler_leader",
      help: "1 when this instance holds the scheduler's leader lock, 0 when it stands by",
      labelNames: ["lock"],
      registers,
    }),
    up: new Gauge({
      name: "mts_scheduler_up",
      help: "1 while a scheduler runs in this process (serve --schedule), else 0",
      registers,
    }),
  };
}

/** Counts one scheduler event (finished runs, skipped slots; the others are read at scrape). */
export function recordSchedulerEvent(m: JobMetrics, e: SchedulerEvent): void {
  if (e.type === "finished") {
    m.runs.inc({ job: e.job, outcome: e.outcome });
    m.duration.observe({ job: e.job }, Math.max(0, e.endMs - e.startMs) / 1000);
    if (e.attempts > 1) m.retries.inc({ job: e.job }, e.attempts - 1);
  } else if (e.type === "skipped") {
    m.skipped.inc({ job: e.job, reason: e.reason });
  }
}

/** Sets the gauges from the scheduler's status (before a scrape); all 0 / absent without one. */
export function refreshJobGauges(m: JobMetrics): void {
  const s = m.status?.();
  for (const g of [m.running, m.queued, m.nextRun, m.lastEnd, m.lastOutcome, m.leader]) g.reset();
  m.up.set(s && !s.stopping ? 1 : 0);
  if (!s) return;
  if (s.leader !== null) m.leader.set({ lock: "redis" }, s.leader ? 1 : 0);
  for (const j of s.jobs) {
    const job = j.name;
    m.running.set({ job }, j.running ? 1 : 0);
    m.queued.set({ job }, j.queued ? 1 : 0);
    if (j.next && j.available) m.nextRun.set({ job }, j.next.atMs / 1000);
    if (j.last?.endMs !== undefined) m.lastEnd.set({ job }, j.last.endMs / 1000);
    if (j.last) {
      for (const outcome of OUTCOMES) {
        m.lastOutcome.set({ job, outcome }, j.last.outcome === outcome ? 1 : 0);
      }
    }
  }
}
