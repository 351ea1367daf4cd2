/**
 * `deno task schedule` — runs the jobs of the job file (`schedule.json`) on their tiers until
 * stopped: persistent slots, one catch-up run per job after downtime, no overlap, a global cap on
 * concurrent jobs, retries within a run, a Redis leader lock with several instances, and a
 * graceful stop on SIGINT/SIGTERM. `--list` shows the plan; `--once` runs what is due and exits.
 * @module
 */
import { badFlag, intFlag, listFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { formatTable } from "../lib/cli/table.ts";
import { defineTask, type TaskRun } from "../lib/cli/task.ts";
import { ConfigError, UsageError } from "../lib/core/errors.ts";
import { safeEcho } from "../lib/core/text.ts";
import { isoTime } from "../lib/core/time.ts";
import { getLogger } from "../lib/log/logger.ts";
import { type Cadence, parseCadence } from "../lib/scheduler/plan/cadence.ts";
import { DURATION_FORM, formatDuration, parseDuration } from "../lib/scheduler/plan/duration.ts";
import { jsonLine, type SchedulerEvent } from "../lib/scheduler/plan/events.ts";
import { type EventPublisher, openEventPublisher } from "../lib/services/event_publisher.ts";
import { type EventChannel, schedulerEvent } from "../lib/services/published_events.ts";
import type { PublishedEvent } from "../lib/streams/published.ts";
import type { ScheduleOverrides } from "../lib/scheduler/plan/resolve.ts";
import { interruptSignal } from "../lib/services/collect_cli.ts";
import { type ListedRun, listSchedule, type ScheduleList } from "../lib/services/schedule_list.ts";
import type { JobKind } from "../lib/services/schedule_kinds.ts";
import {
  type PreparedSchedule,
  prepareSchedule,
  startPreparedScheduler,
} from "../lib/services/scheduler_service.ts";
import { STRATEGIES } from "../strategies/mod.ts";

const HELP = `Usage: deno task schedule [options]

Runs the jobs of the job file (schedule.json; the built-in tiers when there is none) until
Ctrl-C: crypto collection every 60 min, macro every 6 h, signals every
SIGNAL_GENERATION_INTERVAL_MINUTES, the funding backfill every 8 h, a CSV backup daily. Slots are
aligned to the clock (multiples of the interval from the epoch, UTC); on a fresh database the
first runs start at once. After downtime, each job's missed slots are coalesced into one
catch-up run. A job never overlaps itself (its skipped slots are logged); retries happen within
a run. With REDIS_URL set, only the instance holding the leader lock runs jobs.

Jobs (given any of these, only those run):
  --collect               crypto prices (the collect job)
  --collect-macro         macro indicators (the macro job)
  --signals               signal generation
  --backup                CSV backup of every series (deno task export)
  --funding               funding-rate backfill (deno task stream --backfill-funding)
  --job NAME [NAME ...]   jobs of the job file by name

Options:
  --file PATH             job file (default schedule.json)
  --interval I            cadence of every selected job: 30s, 15m, 6h, 1d, a bare number of
                          minutes, or a cron expression ("0 */6 * * *", UTC)
  --for D                 stop after D (e.g. 2m), then wait for a running job (within its timeout)
  --once                  run each selected job that is due now (catch-up included) once, then exit
                          (exit 1 when a run did not succeed)
  --list                  show the jobs, their next runs and last results; run nothing
  --max-catch-up D        catch up missed slots at most this old (default 7d)
  --concurrency N         most jobs running at once (default 2)
  --shutdown-timeout D    on Ctrl-C/SIGTERM, wait this long for a running job, then cancel it (30s)
  --leader-ttl D          expiry of the Redis leader lock (default 30s; a standby takes over
                          within it when the leader dies)
  --json                  JSON lines: one per finished run, one per skipped slot
  -h, --help              show this help

Durations: 30s, 15m, 6h, 1d (a bare number means minutes).

Examples:
  deno task schedule
  deno task schedule --collect --interval 30
  deno task schedule --collect --collect-macro --interval 30
  deno task schedule --list
  deno task schedule --for 2m --json
  deno task schedule --once --collect-macro
`;

/** Job-selection flags and the kind each selects. */
const KIND_FLAGS: Record<string, JobKind> = {
  collect: "collect",
  "collect-macro": "macro",
  signals: "signals",
  backup: "backup",
  funding: "funding",
};

function duration(value: string | undefined, flag: string, minMs = 0): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms < minMs) {
    badFlag(flag, minMs ? `${DURATION_FORM}, at least ${minMs / 1000}s` : DURATION_FORM, value);
  }
  return ms;
}

function cadence(value: string | undefined): Cadence | undefined {
  if (value === undefined) return undefined;
  try {
    return parseCadence(value);
  } catch (e) {
    badFlag(
      "interval",
      "30s, 15m, 6h, 1d, minutes, or a cron expression",
      value,
      (e as Error).message,
    );
  }
}

type Flags = TaskRun<typeof FLAGS>["flags"];

function overridesOf(flags: Flags): ScheduleOverrides {
  const kinds = Object.entries(KIND_FLAGS).filter(([f]) => flags[f as keyof Flags] === true)
    .map(([, k]) => k);
  return {
    kinds,
    names: listFlag(flags.job),
    cadence: cadence(flags.interval),
    concurrency: flags.concurrency === undefined
      ? undefined
      : intFlag(flags.concurrency, "concurrency", { min: 1, max: 64, fallback: 2 }),
    maxCatchUpMs: duration(flags["max-catch-up"], "max-catch-up"),
    shutdownTimeoutMs: duration(flags["shutdown-timeout"], "shutdown-timeout"),
    leaderTtlMs: duration(flags["leader-ttl"], "leader-ttl", 1_000),
  };
}

const FLAGS = {
  file: { type: "string" },
  collect: { type: "boolean" },
  "collect-macro": { type: "boolean" },
  signals: { type: "boolean" },
  backup: { type: "boolean" },
  funding: { type: "boolean" },
  job: { type: "string" },
  interval: { type: "string" },
  for: { type: "string" },
  once: { type: "boolean" },
  list: { type: "boolean" },
  "max-catch-up": { type: "string" },
  concurrency: { type: "string" },
  "shutdown-timeout": { type: "string" },
  "leader-ttl": { type: "string" },
} as const;

/** Refuses an explicitly selected job that cannot run here; notes the others. */
function checkAvailable(
  jobs: readonly { name: string; kind: string; unavailable?: string }[],
  overrides: ScheduleOverrides,
  json: boolean,
): void {
  for (const j of jobs) {
    if (!j.unavailable) continue;
    const flag = Object.entries(KIND_FLAGS).find(([, k]) => k === j.kind)?.[0];
    if (overrides.names?.includes(j.name) || overrides.kinds?.includes(j.kind as JobKind)) {
      throw new ConfigError(
        `--${overrides.names?.includes(j.name) ? "job" : flag}: ${j.name} is ${j.unavailable}`,
      );
    }
    getLogger("schedule").warn(`job ${j.name} is ${j.unavailable}`, {});
    if (!json) console.error(`note: job ${j.name} is ${j.unavailable}; the other jobs run`);
  }
}

const task = defineTask({
  name: "schedule",
  help: HELP,
  flags: FLAGS,
  lists: ["job"],
  run: async ({ flags, json, config, store, redact }) => {
    const overrides = overridesOf(flags);
    const forMs = duration(flags.for, "for", 1_000);
    if (flags.once && forMs !== undefined) {
      throw new UsageError("--for: not with --once (--once exits once the due jobs have run)");
    }
    // the store opens on first use, so a bad flag or job file creates no database
    // with REDIS_URL, the jobs' runs and signals reach the API server's WebSocket clients
    const events: { publisher?: EventPublisher } = {};
    const wiring = {
      config,
      get store() {
        return store();
      },
      registry: STRATEGIES,
      redact,
      events: (channel: EventChannel, e: PublishedEvent) => events.publisher?.sink(channel, e),
    };
    if (flags.list) {
      const prepared = await prepareSchedule(wiring, {
        file: flags.file,
        overrides,
        reportProblems: true,
      });
      const list = await listSchedule(store(), prepared, Date.now());
      if (json) printJson(list);
      else printList(list);
      return 0;
    }
    const prepared = await prepareSchedule(wiring, { file: flags.file, overrides });
    checkAvailable(prepared.jobs, overrides, json);
    if (!prepared.jobs.some((j) => j.run)) {
      throw new ConfigError(
        `${prepared.source.name}: no job to run (every job is disabled or not available)`,
      );
    }
    const interrupt = interruptSignal();
    if (!json) {
      // a job may take up to --shutdown-timeout to finish: say so, instead of going quiet
      interrupt.signal.addEventListener("abort", () => {
        console.error(
          `mts schedule: stopping; running jobs get up to ${
            formatDuration(prepared.settings.shutdownTimeoutMs)
          } to finish (--shutdown-timeout), then are cancelled; a second Ctrl-C quits at once`,
        );
      }, { once: true });
    }
    let failed = 0;
    const publisher = events.publisher = await openEventPublisher(config, {
      warn: (m) => console.error(`mts schedule: warning: ${safeEcho(m, 400)}`),
    });
    const onEvent = (e: SchedulerEvent) => {
      const published = schedulerEvent(e);
      if (published) publisher.sink("collection", published);
      if (e.type === "finished" && e.outcome !== "success") failed++;
      const line = json ? jsonLine(e) : describeEvent(e);
      if (line !== undefined) console.log(line);
      if (json && e.type === "finished" && e.error) {
        // "cancelled: interrupted by SIGTERM" already names the outcome
        const text = e.error.startsWith(`${e.outcome}: `) ? e.error : `${e.outcome}: ${e.error}`;
        console.error(`mts schedule: ${e.job}: ${safeEcho(text, 400)}`);
      }
    };
    try {
      const handle = await startPreparedScheduler(wiring, prepared, {
        onEvent,
        signal: interrupt.signal,
        once: flags.once,
      });
      if (!json) console.log(startLine(prepared, flags.once === true, forMs));
      const timer = forMs === undefined
        ? undefined
        : setTimeout(() => handle.stop({ graceMs: Infinity, reason: "--for elapsed" }), forMs);
      await handle.done;
      clearTimeout(timer);
    } finally {
      interrupt.dispose();
      await publisher.close();
    }
    return flags.once && failed > 0 ? 1 : 0;
  },
});

function startLine(p: PreparedSchedule, once: boolean, forMs: number | undefined): string {
  const names = p.jobs.filter((j) => j.run).map((j) => j.name).join(", ") || "none";
  const until = once
    ? "once"
    : forMs === undefined
    ? "until Ctrl-C"
    : `for ${formatDuration(forMs)}`;
  return `schedule: ${names} from ${p.source.name} (concurrency ${p.settings.concurrency}), ${until}`;
}

/** One line of text per event (the terminal's view of what `--json` prints). */
function describeEvent(e: SchedulerEvent): string {
  const time = (ms: number) => isoTime(ms).slice(11, 19);
  if (e.type === "leader") {
    return `${time(e.atMs)} ${
      e.state === "leader"
        ? "leading: this instance runs the jobs"
        : e.reason === "unreachable"
        ? "standing by: the leader lock (REDIS_URL) cannot be reached, so no job runs here"
        : "standing by: another instance leads"
    }`;
  }
  if (e.type === "skipped") {
    return e.reason === "overlap"
      ? `${time(e.atMs)} ${e.job}: slot ${isoTime(e.slot)} skipped: the previous run is still going`
      : `${time(e.atMs)} ${e.job}: already ran for slot ${isoTime(e.slot)}`;
  }
  const catchUp = e.catchUp
    ? ` (catch-up of ${e.missedSlots} missed slot${e.missedSlots === 1 ? "" : "s"})`
    : "";
  if (e.type === "started") {
    return `${time(e.startMs)} ${e.job}: started for slot ${isoTime(e.slot)}${catchUp}`;
  }
  const took = formatDuration(Math.round((e.endMs - e.startMs) / 100) * 100);
  const tries = `${e.attempts} attempt${e.attempts === 1 ? "" : "s"}`;
  const why = e.error ? `: ${safeEcho(e.error, 300)}` : "";
  return `${time(e.endMs)} ${e.job}: ${e.outcome} for slot ${
    isoTime(e.slot)
  }${catchUp}, ${tries}, ${took}${why}`;
}

function runText(r: ListedRun | undefined): string {
  return r ? `${r.outcome} ${r.end ?? r.start}` : "-";
}

/** The `--list` table. */
function printList(l: ScheduleList): void {
  const s = l.settings;
  console.log(
    `${l.jobs.length} job(s) from ${l.file} at ${l.now}: concurrency ${s.concurrency}, catch-up up to ` +
      `${s.maxCatchUp}, shutdown timeout ${s.shutdownTimeout}, leader lock ${s.leaderTtl}`,
  );
  console.log(formatTable(l.jobs, [
    { header: "job", value: (j) => j.name },
    { header: "kind", value: (j) => j.kind },
    { header: "schedule", value: (j) => j.schedule },
    { header: "jitter", value: (j) => j.jitter, align: "right" },
    {
      header: "next run",
      value: (j) =>
        !j.next
          ? `not available`
          : j.next.dueNow
          ? `now${j.next.catchUp ? ` (catch-up of ${j.next.missedSlots} missed)` : ""}`
          : j.next.at,
    },
    { header: "last run", value: (j) => runText(j.lastRun) },
    { header: "last success", value: (j) => j.lastSuccess?.end ?? "-" },
    { header: "last failure", value: (j) => runText(j.lastFailure) },
  ]));
  for (const j of l.jobs) {
    if (j.unavailable) console.log(`${j.name}: ${j.unavailable}`);
    if (j.problem) console.log(`${j.name} would not start here: ${safeEcho(j.problem, 300)}`);
    if (j.lastFailure?.error) {
      console.log(`${j.name} last failure: ${safeEcho(j.lastFailure.error, 300)}`);
    }
  }
}

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
