/**
 * The job file (`schedule.json`): jobs and tiers as data. Its shape is checked here with zod —
 * every unknown key is an error naming its JSON path — and each job's `options` by the schema of
 * its kind, which the caller supplies (the kinds and their options live with the code that runs
 * them, `lib/services/schedule_jobs.ts`).
 *
 * ```json
 * {
 *   "concurrency": 2,
 *   "maxCatchUp": "7d",
 *   "jobs": {
 *     "collect": { "kind": "collect", "every": "60m", "timeout": "15m", "options": { "days": 2 } },
 *     "macro": { "kind": "macro", "cron": "30 22 * * 1-5" }
 *   }
 * }
 * ```
 * @module
 */
import { z } from "zod";
import { ConfigError } from "../../core/errors.ts";
import { safeEcho } from "../../core/text.ts";
import { cronCadence, everyCadence } from "./cadence.ts";
import { DURATION_FORM, parseDuration } from "./duration.ts";

/** A job name: lower case letters, digits, `_` and `-`, starting with a letter, 1–32 characters. */
export const JOB_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const duration = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  if (parseDuration(v) === undefined) ctx.addIssue({ code: "custom", message: DURATION_FORM });
});

const atLeast = (minMs: number, what: string) =>
  z.union([z.string(), z.number()]).superRefine((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) ctx.addIssue({ code: "custom", message: DURATION_FORM });
    else if (ms < minMs) ctx.addIssue({ code: "custom", message: `${what}` });
  });

const every = z.union([z.string(), z.number()]).superRefine((v, ctx) => {
  try {
    everyCadence(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^expected /, "") });
  }
});

const cron = z.string().superRefine((v, ctx) => {
  try {
    cronCadence(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^expected /, "") });
  }
});

const jobSchema = z.strictObject({
  kind: z.string(),
  every: every.optional(),
  cron: cron.optional(),
  enabled: z.boolean().optional(),
  timeout: atLeast(1_000, "a timeout of at least 1s").optional(),
  retries: z.int().min(0).max(10).optional(),
  retryDelay: duration.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

const fileSchema = z.strictObject({
  concurrency: z.int().min(1).max(64).optional(),
  maxCatchUp: duration.optional(),
  shutdownTimeout: duration.optional(),
  leaderTtl: atLeast(1_000, "a lock expiry of at least 1s").optional(),
  jobs: z.record(z.string(), jobSchema),
});

/** One job as the file declares it (durations and cadences checked, still as written). */
export type JobEntry = z.output<typeof jobSchema>;

/** The job file as declared (checked, not yet resolved). */
export type JobFile = z.output<typeof fileSchema>;

/** The options schema of each job kind, by kind name. */
export type KindOptionSchemas = Readonly<Record<string, z.ZodType>>;

/** `jobs.collect.options.days`, from a zod path. */
function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`))
    .join("");
}

/** One zod issue in the job file's words: `<path>: <problem>`. */
function issueText(i: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): string {
  const path = jsonPath([...prefix, ...i.path]) || "(top level)";
  if (i.code === "unrecognized_keys") {
    return `${path}: unknown key${i.keys.length > 1 ? "s" : ""} ${
      i.keys.map((k) => `"${safeEcho(k)}"`).join(", ")
    }`;
  }
  if (i.code === "invalid_type" && /received undefined$/.test(i.message)) {
    return `${path}: missing (expected ${i.expected === "record" ? "an object" : i.expected})`;
  }
  return `${path}: ${i.message}`;
}

/** Throws the one error form of the job file: `<file>: <path>: <problem>[; …]`. */
function fail(file: string, problems: readonly string[]): never {
  const shown = problems.slice(0, 5).join("; ") +
    (problems.length > 5 ? `; and ${problems.length - 5} more` : "");
  throw new ConfigError(`${file}: ${shown}`, file);
}

/** The job-level problems of one entry: its name, kind, cadence and options. */
function entryProblems(name: string, job: JobEntry, kinds: KindOptionSchemas): string[] {
  const at = ["jobs", name];
  const out: string[] = [];
  if (!JOB_NAME.test(name)) {
    out.push(`${jsonPath(at)}: a job name is 1-32 of a-z 0-9 _ - starting with a letter`);
  }
  const schema = kinds[job.kind];
  if (!schema) {
    out.push(`${jsonPath([...at, "kind"])}: expected one of ${Object.keys(kinds).join(", ")}`);
    return out;
  }
  if (job.every !== undefined && job.cron !== undefined) {
    out.push(`${jsonPath(at)}: give "every" or "cron", not both`);
  }
  const parsed = schema.safeParse(job.options ?? {});
  if (!parsed.success) {
    out.push(...parsed.error.issues.map((i) => issueText(i, [...at, "options"])));
  }
  return out;
}

/**
 * Parses and checks the text of a job file. Throws a {@link ConfigError} that names `file`, the
 * JSON path of each problem and what is expected there: `schedule.json: jobs.collect.options:
 * unknown key "dayz"`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { parseJobFile } from "./job_file.ts";
 * const kinds = { backup: z.strictObject({ dir: z.string().optional() }) };
 * parseJobFile('{"jobs":{"backup":{"kind":"backup","every":"1d"}}}', "schedule.json", kinds);
 * ```
 */
export function parseJobFile(text: string, file: string, kinds: KindOptionSchemas): JobFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(file, [`not valid JSON (${(e as Error).message})`]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) fail(file, parsed.error.issues.map((i) => issueText(i)));
  const problems = Object.entries(parsed.data.jobs).flatMap(([name, job]) =>
    entryProblems(name, job, kinds)
  );
  if (problems.length) fail(file, problems);
  return parsed.data;
}

/** The options of `job`, parsed by the schema of its kind (defaults applied). */
export function jobOptions<T>(job: JobEntry, schema: z.ZodType<T>): T {
  return schema.parse(job.options ?? {});
}
