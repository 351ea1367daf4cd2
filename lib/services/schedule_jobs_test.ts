/**
 * The scheduler's job kinds: the shipped schedule.json is the built-in tiers, each job is checked
 * at start-up with a message naming its option, a catch-up widens a job's window to the missed
 * time, and the funding job runs the funding backfill with the configured exchanges and symbols.
 */
import assert from "node:assert/strict";
import { resolveConfig } from "../config/config.ts";
import { ConfigError } from "../core/errors.ts";
import { parseJobFile } from "../scheduler/plan/job_file.ts";
import { resolveSchedule } from "../scheduler/plan/resolve.ts";
import { SqliteStore } from "../storage/sqlite_store.ts";
import { STRATEGIES } from "../../strategies/mod.ts";
import { BUILT_IN_SCHEDULE, KIND_OPTIONS, kindDefaults } from "./schedule_kinds.ts";
import { coverDays, type FundingBackfill, type JobWiring, scheduledJobs } from "./schedule_jobs.ts";
import type { JobRunContext } from "../scheduler/job.ts";
import { prepareSchedule } from "./scheduler_service.ts";

const D = 86_400_000;
const config = resolveConfig({ SIGNAL_GENERATION_INTERVAL_MINUTES: "15" });

function specs(jobs: Record<string, unknown>) {
  const file = parseJobFile(JSON.stringify({ jobs }), "schedule.json", KIND_OPTIONS);
  return resolveSchedule({
    file,
    fileName: "schedule.json",
    builtIn: BUILT_IN_SCHEDULE,
    kinds: kindDefaults(config),
  }).jobs;
}

Deno.test("the shipped schedule.json holds exactly the built-in tiers", async () => {
  const text = await Deno.readTextFile(new URL("../../schedule.json", import.meta.url));
  assert.deepEqual(parseJobFile(text, "schedule.json", KIND_OPTIONS), BUILT_IN_SCHEDULE);
  const r = resolveSchedule({
    file: BUILT_IN_SCHEDULE,
    fileName: "built-in",
    builtIn: BUILT_IN_SCHEDULE,
    kinds: kindDefaults(config),
  });
  assert.deepEqual(
    r.jobs.map((j) => [j.name, j.cadence.kind === "every" ? j.cadence.ms : j.cadence.expr]),
    [
      ["collect", 60 * 60_000],
      ["macro", 6 * 60 * 60_000],
      ["signals", 15 * 60_000], // SIGNAL_GENERATION_INTERVAL_MINUTES
      ["funding", 8 * 60 * 60_000],
      ["backup", D],
    ],
  );
});

Deno.test("a catch-up widens the window back to the last run; a normal run keeps its days", () => {
  const ctx = (catchUp: boolean, coverFromMs?: number) =>
    ({ catchUp, coverFromMs, nowMs: 10 * D + 3_600_000 }) as JobRunContext;
  assert.equal(coverDays(2, ctx(false)), 2);
  // 3 days and 1 hour since the last run: 4 days of bars (+1 for the day it started in)
  assert.equal(coverDays(2, ctx(true, 7 * D)), 5);
  assert.equal(coverDays(30, ctx(true, 7 * D)), 30, "never narrower than the job's own days");
});

Deno.test("each job is checked at start-up: a mistake names the job's option", async () => {
  const store = SqliteStore.open(":memory:");
  const w: JobWiring = { config, store, registry: STRATEGIES, redact: (t) => t };
  try {
    await assert.rejects(
      () => scheduledJobs(specs({ s: { kind: "signals", options: { strategies: ["nope"] } } }), w),
      (e: Error) =>
        e instanceof ConfigError &&
        /^jobs\.s\.options\.strategies: unknown strategy "nope" \(known: /.test(e.message),
    );
    await assert.rejects(
      () =>
        scheduledJobs(
          specs({
            s: {
              kind: "signals",
              options: {
                strategies: ["mean_reversion"],
                params: { mean_reversion: { lookback_dayz: 3 } },
              },
            },
          }),
          w,
        ),
      (e: Error) =>
        e instanceof ConfigError && /^jobs\.s\.options\.params: .*lookback_dayz/.test(e.message),
    );
    await assert.rejects(
      () =>
        scheduledJobs(
          specs({ c: { kind: "collect", every: "1h", options: { interval: "1m" } } }),
          w,
        ),
      /coingecko gives at best hourly points/,
    );
    const ok = await scheduledJobs(
      specs({ c: { kind: "collect", every: "1h" }, b: { kind: "backup", every: "1d" } }),
      w,
    );
    assert.deepEqual(ok.map((j) => [j.name, typeof j.run]), [["c", "function"], ["b", "function"]]);
  } finally {
    store.close();
  }
});

Deno.test("the funding job runs the funding backfill with the configured exchanges and symbols", async () => {
  const store = SqliteStore.open(":memory:");
  const w: JobWiring = { config, store, registry: STRATEGIES, redact: (t) => t };
  try {
    const [real] = await scheduledJobs(specs({ funding: { kind: "funding", every: "8h" } }), w);
    assert.equal(typeof real.run, "function", "backfillFunding is wired in by default");
    assert.equal(real.unavailable, undefined);
    await assert.rejects(
      scheduledJobs(
        specs({ funding: { kind: "funding", every: "8h", options: { exchanges: ["okx"] } } }),
        w,
      ),
      /^ConfigError: jobs\.funding\.options\.exchanges: unknown exchange "okx" \(known: binance, bybit\)$/,
    );

    const calls: Parameters<FundingBackfill>[1][] = [];
    const backfill: FundingBackfill = (_store, o) => {
      calls.push(o);
      return Promise.resolve({
        status: "partial",
        runId: 7,
        rowsWritten: 12,
        error: "1 of 2 failed: bybit",
      });
    };
    const [job] = await scheduledJobs(specs({ funding: { kind: "funding", every: "8h" } }), {
      ...w,
      fundingBackfill: backfill,
    });
    const signal = new AbortController().signal;
    const r = await job.run!({
      job: "funding",
      slot: 0,
      nowMs: 10 * D,
      attempt: 1,
      catchUp: true,
      missedSlots: 9,
      coverFromMs: 7 * D,
      signal,
    });
    assert.deepEqual(r, {
      outcome: "partial",
      error: "1 of 2 failed: bybit",
      detail: { collectRun: 7, rowsWritten: 12 },
    });
    assert.deepEqual(calls[0].exchanges, ["binance", "bybit"], "REALTIME_EXCHANGES");
    assert.deepEqual(calls[0].symbols, ["BTCUSDT", "ETHUSDT"], "REALTIME_SYMBOLS");
    assert.equal(calls[0].days, 4, "3 days default, widened by the catch-up to 3 days + 1");
    assert.equal(calls[0].signal, signal);
  } finally {
    store.close();
  }
});

Deno.test("the complete job file of docs/scheduler.md is valid and every job in it can run", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/scheduler.md", import.meta.url));
  const example = /A complete example, every key used:\n\n```json\n([\s\S]*?)\n```/.exec(doc);
  assert.ok(example, "the example is in the page");
  const file = parseJobFile(example[1], "docs/scheduler.md", KIND_OPTIONS);
  const r = resolveSchedule({
    file,
    fileName: "docs",
    builtIn: BUILT_IN_SCHEDULE,
    kinds: kindDefaults(config),
  });
  assert.deepEqual(r.jobs.map((j) => j.name), [
    "collect",
    "hourly-bars",
    "macro",
    "signals",
    "backup",
  ]);
  const store = SqliteStore.open(":memory:");
  try {
    const jobs = await scheduledJobs(r.jobs, {
      config,
      store,
      registry: STRATEGIES,
      redact: (t) => t,
    });
    assert.ok(jobs.every((j) => j.run !== undefined));
  } finally {
    store.close();
  }
});

Deno.test("a job that cannot run as written is one line naming the job file and the option", async () => {
  const dir = `data/test-schedule-prep-${crypto.randomUUID().slice(0, 8)}`;
  const root = new URL("../../", import.meta.url).pathname;
  await Deno.mkdir(`${root}${dir}`, { recursive: true });
  const file = `${dir}/jobs.json`;
  await Deno.writeTextFile(
    `${root}${file}`,
    JSON.stringify({ jobs: { s: { kind: "signals", options: { strategies: ["nope"] } } } }),
  );
  const store = SqliteStore.open(":memory:");
  try {
    await assert.rejects(
      () =>
        prepareSchedule({ config, store, registry: STRATEGIES, redact: (t) => t }, {
          file: `${root}${file}`,
        }),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        // was "jobs.s.options.strategies: …", without the file the file's own checks name
        assert.match(
          e.message,
          /jobs\.json: jobs\.s\.options\.strategies: unknown strategy "nope"/,
        );
        return true;
      },
    );
  } finally {
    store.close();
    await Deno.remove(`${root}${dir}`, { recursive: true });
  }
});
