/**
 * The job kinds of `deno task schedule` as data: each kind's options (checked by a zod schema, so
 * an unknown key in `schedule.json` is an error naming its JSON path), its default timeout, and
 * the built-in tiers used when there is no job file — collect every 60 min, macro every 6 h,
 * signals every `SIGNAL_GENERATION_INTERVAL_MINUTES`, the funding backfill every 8 h and the CSV
 * backup daily. The code that runs each kind is in `schedule_jobs.ts`.
 * @module
 */
import { z } from "zod";
import type { ResolvedConfig } from "../config/config.ts";
import { idProblem } from "../core/ids.ts";
import { isInterval } from "../core/time.ts";
import { everyCadence } from "../scheduler/plan/cadence.ts";
import type { JobFile, KindOptionSchemas } from "../scheduler/plan/job_file.ts";
import type { KindDefaults } from "../scheduler/plan/resolve.ts";
import { PRICE_SOURCES } from "./api_clients.ts";

/** The kinds, in the order the built-in tiers list them. */
export const JOB_KINDS = ["collect", "macro", "signals", "funding", "backup"] as const;

/** A job kind. */
export type JobKind = typeof JOB_KINDS[number];

const ids = (kind: "asset" | "series" | "source") =>
  z.array(
    z.string().superRefine((v, ctx) => {
      const problem = idProblem(kind, v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  ).min(1);

const barInterval = z.string().refine(isInterval, "expected a bar interval such as 1d, 4h or 1h");

/** `collect` options: what `deno task collect` takes as flags. */
export const collectOptions = z.strictObject({
  /** Asset ids (default `COLLECT_ASSETS`). */
  assets: ids("asset").optional(),
  /** `coingecko` (default) or `binance`. */
  source: z.enum(PRICE_SOURCES).optional(),
  /** Bar interval (default `1d`). */
  interval: barInterval.optional(),
  /** Days of complete bars to keep complete (default 1; a catch-up widens it). */
  days: z.int().min(1).max(10_000).optional(),
  /** Ask again for bars the source earlier did not have. */
  refetchGaps: z.boolean().optional(),
  /** CSV backup after the run (default `CSV_BACKUP`). */
  backup: z.boolean().optional(),
});

/** `macro` options: what `deno task macro` takes. */
export const macroOptions = z.strictObject({
  /** Indicator names (default `MACRO_INDICATORS`). */
  indicators: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, "expected a series name")).min(1)
    .optional(),
  /** Days of history to keep complete (default 30). */
  days: z.int().min(1).max(100_000).optional(),
  /** CSV backup after the run (default `CSV_BACKUP`). */
  backup: z.boolean().optional(),
});

/** `signals` options: what `deno task signals` takes. */
export const signalsOptions = z.strictObject({
  /** Strategy names (default `ENABLED_STRATEGIES`). */
  strategies: z.array(z.string().min(1)).min(1).optional(),
  /** Assets (default: the strategies' own). */
  assets: ids("asset").optional(),
  /** Bar interval (default `1d`). */
  interval: barInterval.optional(),
  /** Parameter overrides per strategy: `{"mean_reversion": {"lookback_days": 20}}`. */
  params: z.record(z.string(), z.unknown()).optional(),
});

/** `backup` options: what `deno task export` takes. */
export const backupOptions = z.strictObject({
  /** Output directory (default `$DATA_DIR/backups`, where `deno task export` writes). */
  dir: z.string().min(1).optional(),
  /** Only these assets' price series. */
  assets: ids("asset").optional(),
  /** Only these macro series. */
  series: ids("series").optional(),
  /** Only series from these sources. */
  sources: ids("source").optional(),
});

/** `funding` options: what `deno task stream --backfill-funding` takes. */
export const fundingOptions = z.strictObject({
  /** Exchanges (default `REALTIME_EXCHANGES`). */
  exchanges: z.array(z.string().min(1)).min(1).optional(),
  /** Perpetual symbols (default `REALTIME_SYMBOLS`). */
  symbols: z.array(z.string().min(1)).min(1).optional(),
  /** Days of funding history to keep complete (default 3; a catch-up widens it). */
  days: z.int().min(1).max(3_650).optional(),
});

/** The options schema of every kind. */
export const KIND_OPTIONS: KindOptionSchemas = {
  collect: collectOptions,
  macro: macroOptions,
  signals: signalsOptions,
  funding: fundingOptions,
  backup: backupOptions,
};

/** Per-kind defaults; the signals cadence comes from `SIGNAL_GENERATION_INTERVAL_MINUTES`. */
export function kindDefaults(config: ResolvedConfig): Record<JobKind, KindDefaults> {
  const m = 60_000;
  return {
    collect: { timeoutMs: 15 * m },
    macro: { timeoutMs: 15 * m },
    signals: { timeoutMs: 5 * m, every: everyCadence(config.signals.intervalMinutes) },
    funding: { timeoutMs: 15 * m },
    backup: { timeoutMs: 15 * m },
  };
}

/**
 * The built-in tiers (what `schedule.json` in the repository holds too; a test keeps the two
 * equal): used when there is no job file, and for a kind asked for by flag that the file lacks.
 */
export const BUILT_IN_SCHEDULE: JobFile = {
  concurrency: 2,
  maxCatchUp: "7d",
  shutdownTimeout: "30s",
  leaderTtl: "30s",
  jobs: {
    collect: { kind: "collect", every: "60m", options: { days: 2 } },
    macro: { kind: "macro", every: "6h", options: { days: 10 } },
    signals: { kind: "signals" },
    funding: { kind: "funding", every: "8h" },
    backup: { kind: "backup", every: "1d" },
  },
};
