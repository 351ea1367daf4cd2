import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError } from "../../core/errors.ts";
import { parseJobFile } from "./job_file.ts";
import { DEFAULT_SETTINGS, resolveSchedule } from "./resolve.ts";
import { everyCadence } from "./cadence.ts";

const KINDS = {
  collect: z.strictObject({
    days: z.int().min(1).optional(),
    assets: z.array(z.string()).optional(),
  }),
  backup: z.strictObject({ dir: z.string().optional() }),
};

function problem(text: string): string {
  try {
    parseJobFile(text, "schedule.json", KINDS);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e.message;
  }
  throw new Error("the job file was accepted");
}

Deno.test("the job file: unknown keys are errors that name their JSON path", () => {
  assert.equal(
    problem('{"jobs":{"c":{"kind":"collect","every":"1h","options":{"dayz":2}}}}'),
    'schedule.json: jobs.c.options: unknown key "dayz"',
  );
  assert.equal(
    problem('{"jobs":{"c":{"kind":"collect","evry":"1h"}}}'),
    'schedule.json: jobs.c: unknown key "evry"',
  );
  assert.equal(
    problem('{"job":{}}'),
    'schedule.json: jobs: missing (expected an object); (top level): unknown key "job"',
  );
});

Deno.test("the job file: bad values say what is expected where", () => {
  assert.equal(
    problem('{"jobs":{"c":{"kind":"collect","every":"soon"}}}'),
    "schedule.json: jobs.c.every: a duration such as 30s, 15m, 6h or 1d (a bare number means minutes)",
  );
  assert.match(
    problem('{"jobs":{"c":{"kind":"collect","cron":"61 * * * *"}}}'),
    /^schedule\.json: jobs\.c\.cron: a valid cron expression/,
  );
  assert.equal(
    problem('{"jobs":{"c":{"kind":"fetch","every":"1h"}}}'),
    "schedule.json: jobs.c.kind: expected one of collect, backup",
  );
  assert.equal(
    problem('{"jobs":{"c":{"kind":"collect","every":"1h","options":{"days":0}}}}'),
    "schedule.json: jobs.c.options.days: Too small: expected number to be >=1",
  );
  assert.equal(
    problem('{"jobs":{"c":{"kind":"collect","every":"1h","cron":"0 * * * *"}}}'),
    'schedule.json: jobs.c: give "every" or "cron", not both',
  );
  assert.equal(
    problem('{"jobs":{"Bad Name":{"kind":"backup","every":"1d"}}}'),
    "schedule.json: jobs.Bad Name: a job name is 1-32 of a-z 0-9 _ - starting with a letter",
  );
  assert.equal(
    problem('{"jobs":{"c":{"kind":"backup","every":"1d","timeout":"0"}}}'),
    "schedule.json: jobs.c.timeout: a timeout of at least 1s",
  );
  assert.match(problem("{not json"), /^schedule\.json: not valid JSON \(/);
});

const FILE = parseJobFile(
  JSON.stringify({
    concurrency: 3,
    maxCatchUp: "2d",
    jobs: {
      prices: { kind: "collect", every: 60, options: { days: 2 } },
      nightly: { kind: "backup", cron: "0 3 * * *", timeout: "5m", retries: 0 },
      off: { kind: "backup", every: "1h", enabled: false },
    },
  }),
  "schedule.json",
  KINDS,
);
const BUILT_IN = parseJobFile(
  '{"jobs":{"collect":{"kind":"collect","every":"1h"},"signals":{"kind":"signals"}}}',
  "built-in",
  { ...KINDS, signals: z.strictObject({}) },
);
const kinds = {
  collect: { timeoutMs: 900_000 },
  backup: { timeoutMs: 600_000 },
  signals: { timeoutMs: 300_000, every: everyCadence(45) },
};
const resolve = (overrides = {}) =>
  resolveSchedule({ file: FILE, fileName: "schedule.json", builtIn: BUILT_IN, kinds, overrides });

Deno.test("resolving: every enabled job with its cadence, timeout and retries; settings from the file", () => {
  const r = resolve();
  assert.deepEqual(r.settings, {
    ...DEFAULT_SETTINGS,
    concurrency: 3,
    maxCatchUpMs: 2 * 86_400_000,
  });
  assert.deepEqual(r.jobs.map((j) => j.name), ["prices", "nightly"], "disabled jobs do not run");
  const [prices, nightly] = r.jobs;
  assert.deepEqual(prices.cadence, { kind: "every", ms: 3_600_000 }, "a bare number is minutes");
  assert.equal(prices.timeoutMs, 900_000, "the kind's default timeout");
  assert.equal(prices.retries, 2);
  assert.deepEqual(prices.options, { days: 2 });
  assert.equal(nightly.cadence.kind, "cron");
  assert.equal(nightly.timeoutMs, 300_000);
  assert.equal(nightly.retries, 0);
});

Deno.test("resolving: job flags pick jobs by kind, --interval applies to each, a kind the file lacks comes built in", () => {
  const r = resolve({ kinds: ["collect", "signals"], cadence: everyCadence("30s") });
  assert.deepEqual(r.jobs.map((j) => [j.name, j.kind, j.cadence]), [
    ["prices", "collect", { kind: "every", ms: 30_000 }],
    ["signals", "signals", { kind: "every", ms: 30_000 }],
  ]);
  // without --interval, the built-in signals job runs every SIGNAL_GENERATION_INTERVAL_MINUTES
  const s = resolve({ kinds: ["signals"] });
  assert.deepEqual(s.jobs.map((j) => [j.name, j.cadence]), [["signals", {
    kind: "every",
    ms: 2_700_000,
  }]]);
  // by name, a disabled job too; flags override the file's settings
  const n = resolve({ names: ["off"], concurrency: 1, shutdownTimeoutMs: 0 });
  assert.deepEqual(n.jobs.map((j) => j.name), ["off"]);
  assert.equal(n.settings.concurrency, 1);
  assert.equal(n.settings.shutdownTimeoutMs, 0);
  assert.throws(
    () => resolve({ names: ["nope"] }),
    /--job: no job named "nope" in schedule.json \(jobs: prices, nightly, off\)/,
  );
});
