/**
 * The scheduler as `deno task schedule` and `deno task serve --schedule` start it: read the job
 * file (`schedule.json`, or the built-in tiers when there is none), apply the flags, wire each job
 * to its library code and check it, open the Redis leader lock when `REDIS_URL` is set, and start
 * the runner (`lib/scheduler/runner.ts`).
 * @module
 */
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError, UsageError } from "../core/errors.ts";
import { safeEcho } from "../core/text.ts";
import { resolveUserPath } from "../cli/paths.ts";
import type { ScheduledJob } from "../scheduler/job.ts";
import type { SchedulerEvent } from "../scheduler/plan/events.ts";
import { type JobFile, parseJobFile } from "../scheduler/plan/job_file.ts";
import {
  resolveSchedule,
  type ScheduleOverrides,
  type ScheduleSettings,
} from "../scheduler/plan/resolve.ts";
import { type SchedulerHandle, startScheduler } from "../scheduler/runner.ts";
import type { LeaderLock } from "../storage/leader_lock.ts";
import { RedisLeaderLock } from "../storage/redis_leader_lock.ts";
import { BUILT_IN_SCHEDULE, KIND_OPTIONS, kindDefaults } from "./schedule_kinds.ts";
import { type JobWiring, scheduledJobs } from "./schedule_jobs.ts";

/** The job file read when `--file` is not given (beside deno.json). */
export const DEFAULT_JOB_FILE = "schedule.json";

/** A job file as read. */
export interface LoadedJobFile {
  /** Its contents, checked. */
  readonly file: JobFile;
  /** The name shown in messages (`schedule.json`, or the path given). */
  readonly name: string;
  /** False when there was no file and the built-in tiers apply. */
  readonly fromFile: boolean;
}

/**
 * Reads and checks the job file: `path` (which must exist), or `schedule.json` when present, or
 * else the built-in tiers. A file the task may not read, or one that is not a valid job file, is
 * one line naming it.
 */
export async function readJobFile(path?: string): Promise<LoadedJobFile> {
  const name = path ?? DEFAULT_JOB_FILE;
  const full = path === undefined ? DEFAULT_JOB_FILE : resolveUserPath(path);
  let text: string;
  try {
    text = await Deno.readTextFile(full);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && path === undefined) {
      return { file: BUILT_IN_SCHEDULE, name: "(built-in tiers)", fromFile: false };
    }
    if (e instanceof Deno.errors.NotCapable) {
      throw new UsageError(
        `--file: the schedule task may not read ${safeEcho(full, 300)}; put the job file in ` +
          `schedule.json or under data/, or grant it: deno run -q -P=schedule ` +
          `--allow-read=.env,data,schedule.json,${safeEcho(full, 300)} tasks/schedule.ts …`,
      );
    }
    throw new UsageError(`--file: cannot read ${safeEcho(full, 300)} (${(e as Error).message})`);
  }
  return { file: parseJobFile(text, name, KIND_OPTIONS), name, fromFile: true };
}

/** A schedule ready to start. */
export interface PreparedSchedule {
  /** Where the jobs came from. */
  readonly source: LoadedJobFile;
  /** The scheduler's settings. */
  readonly settings: ScheduleSettings;
  /** The jobs, wired and checked (unavailable ones without a runner). */
  readonly jobs: readonly ScheduledJob[];
}

/** Reads the job file, applies `overrides`, wires and checks every selected job. */
export async function prepareSchedule(
  w: JobWiring,
  request: {
    readonly file?: string;
    readonly overrides?: ScheduleOverrides;
    /** Keep a job whose checks fail, with the reason as its `problem` (for `--list`). */
    readonly reportProblems?: boolean;
  } = {},
): Promise<PreparedSchedule> {
  const source = await readJobFile(request.file);
  const resolved = resolveSchedule({
    file: source.file,
    fileName: source.name,
    builtIn: BUILT_IN_SCHEDULE,
    kinds: kindDefaults(w.config),
    overrides: request.overrides,
  });
  let jobs: ScheduledJob[];
  try {
    jobs = await scheduledJobs(resolved.jobs, w, { reportProblems: request.reportProblems });
  } catch (e) {
    // a job's option is named by its JSON path; say in which file, as the file's own checks do
    if (e instanceof ConfigError && source.fromFile && e.message.startsWith("jobs.")) {
      throw new ConfigError(`${source.name}: ${e.message}`, e.variable);
    }
    throw e;
  }
  return { source, settings: resolved.settings, jobs };
}

/** The leader lock when `REDIS_URL` is set (one key for every scheduler of that Redis). */
export async function openLeaderLock(config: ResolvedConfig): Promise<LeaderLock | undefined> {
  return config.redis.url ? await RedisLeaderLock.connect(config.redis.url) : undefined;
}

/** What {@link startConfiguredScheduler} takes besides the wiring. */
export interface StartRequest {
  /** `--file`. */
  readonly file?: string;
  /** The flags. */
  readonly overrides?: ScheduleOverrides;
  /** Told of every run and skipped slot. */
  readonly onEvent?: (e: SchedulerEvent) => void;
  /** Aborting it stops the scheduler gracefully. */
  readonly signal?: AbortSignal;
  /** Run each due job once, then stop (no leader lock: the slot claims keep it exclusive). */
  readonly once?: boolean;
}

/**
 * Starts a prepared schedule: opens the leader lock (with `REDIS_URL`, unless `once`) and starts
 * the runner; the lock is closed once the scheduler is done.
 */
export async function startPreparedScheduler(
  w: JobWiring,
  prepared: PreparedSchedule,
  request: StartRequest = {},
): Promise<SchedulerHandle> {
  const leader = request.once ? undefined : await openLeaderLock(w.config);
  const handle = startScheduler({
    store: w.store,
    jobs: prepared.jobs,
    settings: prepared.settings,
    leader,
    once: request.once,
    onEvent: request.onEvent,
    signal: request.signal,
  });
  handle.done.then(() => leader?.close());
  return handle;
}

/**
 * Prepares the schedule and starts it: the one call `deno task serve --schedule` needs.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config/config.ts";
 * import { SqliteStore } from "../storage/sqlite_store.ts";
 * import { startConfiguredScheduler } from "./scheduler_service.ts";
 * import { STRATEGIES } from "../../strategies/mod.ts"; // in a task, never in lib/
 * // what serve --schedule does; defined, not run here: it reads .env and runs the jobs
 * async function runSchedule() {
 *   const config = loadConfig();
 *   const store = SqliteStore.open(config.databasePath);
 *   const { handle } = await startConfiguredScheduler(
 *     { config, store, registry: STRATEGIES, redact: (t) => t },
 *     { onEvent: (e) => console.log(e) },
 *   );
 *   handle.status().jobs; // what /ready shows
 *   await handle.stop();
 * }
 * ```
 */
export async function startConfiguredScheduler(
  w: JobWiring,
  request: StartRequest = {},
): Promise<{ handle: SchedulerHandle; prepared: PreparedSchedule }> {
  const prepared = await prepareSchedule(w, request);
  return { handle: await startPreparedScheduler(w, prepared, request), prepared };
}
