/**
 * From the job file and the task's flags to the jobs that run: which jobs (`--collect`,
 * `--collect-macro`, … select by kind, `--job` by name; without either, every enabled job), their
 * cadence (`--interval` overrides it for each selected job), timeout and retry policy, and the
 * scheduler's settings (concurrency cap, catch-up bound, shutdown timeout, leader-lock expiry).
 * @module
 */
import { UsageError } from "../../core/errors.ts";
import { type Cadence, cronCadence, everyCadence } from "./cadence.ts";
import { parseDuration } from "./duration.ts";
import type { JobEntry, JobFile } from "./job_file.ts";

/** What the scheduler as a whole is told. */
export interface ScheduleSettings {
  /** Most jobs running at once, across all jobs. */
  readonly concurrency: number;
  /** Missed slots older than this are not caught up. */
  readonly maxCatchUpMs: number;
  /** On SIGINT/SIGTERM, how long a running job may take to finish before it is cancelled. */
  readonly shutdownTimeoutMs: number;
  /** Expiry of the Redis leader lock (renewed every third of it). */
  readonly leaderTtlMs: number;
}

/** The settings when neither the file nor a flag gives them. */
export const DEFAULT_SETTINGS: ScheduleSettings = {
  concurrency: 2,
  maxCatchUpMs: 7 * 86_400_000,
  shutdownTimeoutMs: 30_000,
  leaderTtlMs: 30_000,
};

/** Extra attempts within a run, when the job file does not say. */
export const DEFAULT_RETRIES = 2;
/** Wait before the first retry (doubling for each further one), when the job file does not say. */
export const DEFAULT_RETRY_DELAY_MS = 30_000;

/** What a job kind brings when a job of that kind leaves it out. */
export interface KindDefaults {
  /** Timeout of one run. */
  readonly timeoutMs: number;
  /** Cadence of a job that gives neither `every` nor `cron` (signals: the configured minutes). */
  readonly every?: Cadence;
}

/** One job, ready to plan and run. */
export interface JobSpec {
  /** Its name in the job file (and in every line about it). */
  readonly name: string;
  /** Its kind: which code runs. */
  readonly kind: string;
  /** When it runs. */
  readonly cadence: Cadence;
  /** A run is cancelled after this long (its attempts and retry waits included). */
  readonly timeoutMs: number;
  /** Extra attempts within one run after a failure. */
  readonly retries: number;
  /** Wait before the first retry; it doubles for each further one. */
  readonly retryDelayMs: number;
  /** The kind-specific options, as the file gave them (checked by the kind's schema). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** What the task's flags change. */
export interface ScheduleOverrides {
  /** Only jobs of these kinds (`--collect` → `collect`, `--collect-macro` → `macro`, …). */
  readonly kinds?: readonly string[];
  /** Only these jobs, by name (`--job`). */
  readonly names?: readonly string[];
  /** Cadence for every selected job (`--interval`). */
  readonly cadence?: Cadence;
  /** `--concurrency`. */
  readonly concurrency?: number;
  /** `--max-catch-up`. */
  readonly maxCatchUpMs?: number;
  /** `--shutdown-timeout`. */
  readonly shutdownTimeoutMs?: number;
  /** `--leader-ttl`. */
  readonly leaderTtlMs?: number;
}

/** What {@link resolveSchedule} needs. */
export interface ResolveInput {
  /** The job file read (or the built-in one when there is none). */
  readonly file: JobFile;
  /** Its name, for messages. */
  readonly fileName: string;
  /** The built-in tiers: a kind asked for by flag but absent from the file comes from here. */
  readonly builtIn: JobFile;
  /** Per-kind defaults. */
  readonly kinds: Readonly<Record<string, KindDefaults>>;
  /** The flags. */
  readonly overrides?: ScheduleOverrides;
}

/** The resolved schedule. */
export interface ResolvedSchedule {
  /** Scheduler settings. */
  readonly settings: ScheduleSettings;
  /** The jobs that run, in file order. */
  readonly jobs: readonly JobSpec[];
}

const ms = (v: string | number | undefined) => (v === undefined ? undefined : parseDuration(v));

/** The jobs the flags select, as [name, entry] pairs in file order. */
function selectJobs(input: ResolveInput): [string, JobEntry][] {
  const o = input.overrides ?? {};
  const entries = Object.entries(input.file.jobs);
  if (!o.kinds?.length && !o.names?.length) return entries.filter(([, j]) => j.enabled !== false);
  for (const name of o.names ?? []) {
    if (!input.file.jobs[name]) {
      throw new UsageError(
        `--job: no job named "${name}" in ${input.fileName} (jobs: ${
          entries.map(([n]) => n).join(", ") || "none"
        })`,
      );
    }
  }
  const picked = entries.filter(([n, j]) => o.names?.includes(n) || o.kinds?.includes(j.kind));
  for (const kind of o.kinds ?? []) {
    if (picked.some(([, j]) => j.kind === kind)) continue;
    // a kind the file does not have: its built-in tier (unless the file uses that name already)
    picked.push(
      ...Object.entries(input.builtIn.jobs).filter(([n, j]) =>
        j.kind === kind && !input.file.jobs[n]
      ),
    );
  }
  return picked;
}

function cadenceOf(name: string, job: JobEntry, input: ResolveInput): Cadence {
  const forced = input.overrides?.cadence;
  if (forced) return forced;
  if (job.cron !== undefined) return cronCadence(job.cron);
  if (job.every !== undefined) return everyCadence(job.every);
  const fallback = input.kinds[job.kind]?.every;
  if (fallback) return fallback;
  throw new UsageError(`${input.fileName}: jobs.${name}: give "every" or "cron"`);
}

/**
 * Resolves the schedule (see the module doc). Throws a {@link UsageError} for a `--job` that names
 * no job, or a job without a cadence.
 */
export function resolveSchedule(input: ResolveInput): ResolvedSchedule {
  const f = input.file, o = input.overrides ?? {};
  const settings: ScheduleSettings = {
    concurrency: o.concurrency ?? f.concurrency ?? DEFAULT_SETTINGS.concurrency,
    maxCatchUpMs: o.maxCatchUpMs ?? ms(f.maxCatchUp) ?? DEFAULT_SETTINGS.maxCatchUpMs,
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? ms(f.shutdownTimeout) ??
      DEFAULT_SETTINGS.shutdownTimeoutMs,
    leaderTtlMs: o.leaderTtlMs ?? ms(f.leaderTtl) ?? DEFAULT_SETTINGS.leaderTtlMs,
  };
  const jobs = selectJobs(input).map(([name, job]): JobSpec => ({
    name,
    kind: job.kind,
    cadence: cadenceOf(name, job, input),
    timeoutMs: ms(job.timeout) ?? input.kinds[job.kind]?.timeoutMs ?? 15 * 60_000,
    retries: job.retries ?? DEFAULT_RETRIES,
    retryDelayMs: ms(job.retryDelay) ?? DEFAULT_RETRY_DELAY_MS,
    options: job.options ?? {},
  }));
  return { settings, jobs };
}
