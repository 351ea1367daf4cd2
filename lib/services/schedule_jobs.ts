/**
 * What each job kind runs: the same library code as its task, in this process — `collect` runs
 * `collectPrices` and the CSV backup like `deno task collect`, `macro` runs `collectMacro` like
 * `deno task macro`, `signals` runs `runSignals` like `deno task signals`, `backup` runs
 * `exportStore` like `deno task export`, `funding` runs `backfillFunding` (the funding-rate
 * history of `deno task stream --backfill-funding`). Scheduled collections record their
 * collection runs (task `collect` / `macro` / `funding`), so `deno task status` shows them.
 *
 * Each kind first checks its job at start-up (hosts the permission set may reach, strategy
 * names, parameters, the backup directory), so a mistake is one line before anything runs.
 * @module
 */
import { join } from "node:path";
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError } from "../core/errors.ts";
import { DAY_MS, type Interval, isoTime } from "../core/time.ts";
import { mayWrite, resolveUserPath } from "../cli/paths.ts";
import { getLogger } from "../log/logger.ts";
import type { NetEvent } from "../net/resilient_client.ts";
import type { JobResult, JobRunContext, JobRunner, ScheduledJob } from "../scheduler/job.ts";
import type { JobSpec } from "../scheduler/plan/resolve.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import type { Store } from "../storage/store.ts";
import {
  type ApiClientMonitor,
  checkNetAccess,
  macroClientsFor,
  macroUrls,
  priceSourceFor,
  priceSourceUrls,
} from "./api_clients.ts";
import { checkStrategyParams } from "./check_params.ts";
import { backupCollected } from "./collect_backup.ts";
import { collectPrices } from "./collector.ts";
import { exportStore } from "./exporter.ts";
import {
  backfillFunding,
  checkFundingOptions,
  type FundingBackfillReport,
  fundingUrls,
} from "./funding_backfill.ts";
import { collectMacro } from "./macro_collector.ts";
import {
  backupOptions,
  collectOptions,
  fundingOptions,
  type JobKind,
  macroOptions,
  signalsOptions,
} from "./schedule_kinds.ts";
import {
  type EventSink,
  publishedCollectionRun,
  runStartedEvent,
  signalRunEvents,
} from "./published_events.ts";
import { signalsJson } from "./signal_json.ts";
import { runSignals } from "./signal_runner.ts";

/** What a funding backfill reports (the fields the job reads of {@link FundingBackfillReport}). */
export type FundingBackfillSummary =
  & Pick<FundingBackfillReport, "status" | "error">
  & Partial<Pick<FundingBackfillReport, "runId" | "rowsWritten" | "requests" | "gaps">>;

/**
 * The funding backfill as the job calls it: {@link backfillFunding} with the configuration's
 * clients, unless {@link JobWiring.fundingBackfill} replaces it (tests).
 */
export type FundingBackfill = (
  store: Store,
  options: {
    readonly exchanges: readonly string[];
    readonly symbols: readonly string[];
    readonly days: number;
    readonly nowMs: number;
    readonly signal: AbortSignal;
    /** Recorded with the run (the scheduler's slot). */
    readonly params?: Record<string, unknown>;
  },
) => Promise<FundingBackfillSummary>;

/** What the jobs are wired to. */
export interface JobWiring {
  /** The resolved configuration. */
  readonly config: ResolvedConfig;
  /** The store every job writes to. */
  readonly store: Store;
  /** Strategies for the signals job (the shipped ones: `STRATEGIES` of `strategies/mod.ts`). */
  readonly registry: StrategyRegistry;
  /** Removes configured secrets from every error text. */
  readonly redact: (text: string) => string;
  /**
   * Where the jobs' events go: collection runs (`run_started`, `run_finished`) and signal runs
   * (`signal`, `run`) — the hub in `serve --schedule`, Redis in `deno task schedule`.
   */
  readonly events?: EventSink;
  /** Told of every API client event of the jobs (`serve --schedule` feeds its `/metrics`). */
  readonly monitor?: ApiClientMonitor;
  /** Replaces the funding backfill (default: {@link backfillFunding} with `config`'s clients). */
  readonly fundingBackfill?: FundingBackfill;
}

/** Days a run should cover: `days`, widened by a catch-up to reach back to `coverFromMs`. */
export function coverDays(days: number, ctx: JobRunContext): number {
  if (!ctx.catchUp || ctx.coverFromMs === undefined) return days;
  return Math.max(days, Math.ceil((ctx.nowMs - ctx.coverFromMs) / DAY_MS) + 1);
}

function outcomeOf(status: "success" | "partial" | "failed" | "running"): JobResult["outcome"] {
  return status === "success" ? "success" : status === "partial" ? "partial" : "failed";
}

/** Where a job's option lives, for messages: `jobs.collect.options.source`. */
const at = (spec: JobSpec, key: string) => `jobs.${spec.name}.options.${key}`;

function netLog(job: string): (e: NetEvent) => void {
  return (e) => getLogger("schedule").debug("network", { job, event: e.type });
}

function collectJob(spec: JobSpec, w: JobWiring) {
  const o = collectOptions.parse(spec.options);
  const sourceName = o.source ?? "coingecko";
  const interval = (o.interval ?? "1d") as Interval;
  const assets = o.assets ?? [...w.config.collect.assets];
  const base = o.days ?? 1;
  const sourceOf = (signal: AbortSignal) =>
    priceSourceFor(w.config, sourceName, {
      signal,
      onEvent: netLog(spec.name),
      redact: w.redact,
      monitor: w.monitor,
    });
  const preflight = async () => {
    if (assets.length === 0) {
      throw new ConfigError(`${at(spec, "assets")}: no assets (COLLECT_ASSETS is empty)`);
    }
    await checkNetAccess(priceSourceUrls(w.config, sourceName));
    sourceOf(new AbortController().signal).checkRequest(interval, base);
  };
  const run: JobRunner = async (ctx) => {
    const source = sourceOf(ctx.signal);
    let days = coverDays(base, ctx);
    try {
      source.checkRequest(interval, days);
    } catch {
      days = base; // the source cannot serve the wider window: catch up what it can
    }
    const started = runStartedEvent({
      task: "collect",
      source: sourceName,
      subjects: [...assets],
      interval,
      days,
      job: ctx.job,
    });
    const report = await publishedCollectionRun(
      w.events,
      started,
      "collect",
      ctx.job,
      () =>
        collectPrices(w.store, {
          source,
          assets,
          interval,
          days,
          nowMs: ctx.nowMs,
          refetchGaps: o.refetchGaps ?? false,
          signal: ctx.signal,
          params: {
            ...(sourceName === "coingecko" ? { plan: w.config.coingecko.plan } : {}),
            scheduled: { job: ctx.job, slot: isoTime(ctx.slot), attempt: ctx.attempt },
          },
          redact: w.redact,
        }),
      w.redact,
    );
    const backup = (o.backup ?? w.config.collect.csvBackup) && !ctx.signal.aborted
      ? await backupCollected(w.store, w.config.dataDir, {
        assets,
        sources: [sourceName],
        macro: false,
      }, w.redact)
      : undefined;
    return {
      outcome: outcomeOf(report.status),
      error: report.error,
      detail: { collectRun: report.runId, rowsWritten: report.rowsWritten, days, backup },
    };
  };
  return { preflight, run };
}

function macroJob(spec: JobSpec, w: JobWiring) {
  const o = macroOptions.parse(spec.options);
  const indicators = (o.indicators ?? [...w.config.collect.macroIndicators]).map((s) =>
    s.toUpperCase()
  );
  const base = o.days ?? 30;
  const preflight = async () => {
    if (indicators.length === 0) {
      throw new ConfigError(`${at(spec, "indicators")}: no indicators (MACRO_INDICATORS is empty)`);
    }
    await checkNetAccess(macroUrls(w.config, indicators));
  };
  const run: JobRunner = async (ctx) => {
    const wiring = {
      signal: ctx.signal,
      onEvent: netLog(spec.name),
      redact: w.redact,
      monitor: w.monitor,
    };
    const { fred, cboe } = macroClientsFor(w.config, indicators, wiring);
    const days = coverDays(base, ctx);
    const started = runStartedEvent({ task: "macro", subjects: indicators, days, job: ctx.job });
    const report = await publishedCollectionRun(
      w.events,
      started,
      "macro",
      ctx.job,
      () =>
        collectMacro(w.store, {
          indicators,
          days,
          nowMs: ctx.nowMs,
          fred,
          cboe,
          seriesMap: w.config.fred.seriesMap,
          signal: ctx.signal,
          params: { scheduled: { job: ctx.job, slot: isoTime(ctx.slot), attempt: ctx.attempt } },
          redact: w.redact,
        }),
      w.redact,
    );
    const collected = report.items.filter((i) => i.status !== "skipped").map((i) => i.indicator);
    const backup =
      (o.backup ?? w.config.collect.csvBackup) && collected.length && !ctx.signal.aborted
        ? await backupCollected(
          w.store,
          w.config.dataDir,
          { series: collected, candles: false },
          w.redact,
        )
        : undefined;
    return {
      outcome: outcomeOf(report.status),
      error: report.error,
      detail: { collectRun: report.runId, rowsWritten: report.rowsWritten, backup },
    };
  };
  return { preflight, run };
}

function signalsJob(spec: JobSpec, w: JobWiring) {
  const o = signalsOptions.parse(spec.options);
  const strategies = o.strategies ?? [...w.config.signals.enabledStrategies];
  const params = o.params ?? {};
  const preflight = () => {
    for (const s of strategies) {
      if (!w.registry.find(s)) {
        throw new ConfigError(
          `${at(spec, "strategies")}: unknown strategy "${s}" (known: ${
            w.registry.names().join(", ")
          })`,
        );
      }
    }
    try {
      checkStrategyParams(
        w.registry,
        strategies.map((name) => ({ name, params: params[name] ?? {} })),
      );
    } catch (e) {
      throw new ConfigError(
        `${at(spec, "params")}: ${(e as Error).message.replace(/^--params: /, "")}`,
      );
    }
    return Promise.resolve();
  };
  const run: JobRunner = async (ctx) => {
    const report = await runSignals(w.store, {
      registry: w.registry,
      strategies,
      params,
      assets: o.assets,
      defaultAssets: w.config.collect.assets,
      wallClock: ctx.nowMs,
      interval: (o.interval ?? "1d") as Interval,
      limits: w.config.risk,
      save: true,
    });
    for (const e of w.events ? signalRunEvents(signalsJson(report)) : []) w.events!("signals", e);
    return {
      outcome: "success",
      detail: {
        decidedAt: isoTime(report.now),
        signals: report.signals.length,
        stored: report.stored,
      },
    };
  };
  return { preflight, run };
}

function backupJob(spec: JobSpec, w: JobWiring) {
  const o = backupOptions.parse(spec.options);
  const dir = o.dir === undefined ? join(w.config.dataDir, "backups") : resolveUserPath(o.dir);
  const preflight = () => {
    if (!mayWrite(dir)) {
      throw new ConfigError(
        `${
          at(spec, "dir")
        }: the schedule task may not write ${dir} (use a folder under ${w.config.dataDir}/)`,
      );
    }
    return Promise.resolve();
  };
  const run: JobRunner = async () => {
    const r = await exportStore(w.store, dir, {
      assets: o.assets,
      series: o.series,
      sources: o.sources,
    });
    return { outcome: "success", detail: { dir, files: r.files.length, rows: r.rows } };
  };
  return { preflight, run };
}

function fundingJob(spec: JobSpec, w: JobWiring) {
  const o = fundingOptions.parse(spec.options);
  const exchanges = o.exchanges ?? w.config.realtime.exchanges;
  const symbols = o.symbols ?? w.config.realtime.symbols;
  const backfill: FundingBackfill = w.fundingBackfill ??
    ((store, options) =>
      backfillFunding(store, {
        ...options,
        config: w.config,
        redact: w.redact,
        monitor: w.monitor,
      }));
  const preflight = async () => {
    try {
      checkFundingOptions({
        exchanges,
        symbols,
        days: o.days ?? 3,
        nowMs: 0,
        signal: new AbortController().signal,
        config: w.config,
      });
    } catch (e) {
      const key = /exchange/.test((e as Error).message)
        ? (o.exchanges ? at(spec, "exchanges") : "REALTIME_EXCHANGES")
        : (o.symbols ? at(spec, "symbols") : "REALTIME_SYMBOLS");
      throw new ConfigError(`${key}: ${(e as Error).message.replace(/^funding backfill: /, "")}`);
    }
    await checkNetAccess(fundingUrls(w.config, exchanges));
  };
  const run: JobRunner = async (ctx) => {
    const days = coverDays(o.days ?? 3, ctx);
    const r = await backfill(w.store, {
      exchanges,
      symbols,
      days,
      nowMs: ctx.nowMs,
      signal: ctx.signal,
      params: { scheduled: { job: ctx.job, slot: isoTime(ctx.slot), attempt: ctx.attempt } },
    });
    return {
      outcome: r.status,
      error: r.error,
      detail: {
        collectRun: r.runId,
        rowsWritten: r.rowsWritten,
        ...(r.requests === undefined ? {} : { requests: r.requests, gaps: r.gaps, days }),
      },
    };
  };
  return { preflight, run };
}

const FACTORIES: Record<
  JobKind,
  (spec: JobSpec, w: JobWiring) => {
    preflight: () => Promise<void>;
    run?: JobRunner;
    unavailable?: string;
  }
> = {
  collect: collectJob,
  macro: macroJob,
  signals: signalsJob,
  funding: fundingJob,
  backup: backupJob,
};

/**
 * The runnable jobs for `specs`: each kind's code wired to `w`, each job checked first (see the
 * module doc). Throws a {@link ConfigError} naming the job's option for a job that cannot run as
 * written; a kind this build lacks would be returned without a runner and with the reason.
 */
export async function scheduledJobs(
  specs: readonly JobSpec[],
  w: JobWiring,
  options: { readonly reportProblems?: boolean } = {},
): Promise<ScheduledJob[]> {
  const out: ScheduledJob[] = [];
  for (const spec of specs) {
    const factory = FACTORIES[spec.kind as JobKind];
    if (!factory) throw new ConfigError(`jobs.${spec.name}.kind: unknown kind "${spec.kind}"`);
    const made = factory(spec, w);
    let problem: string | undefined;
    try {
      await made.preflight();
    } catch (e) {
      // `--list` shows the plan even where a job could not run (a host this process may not
      // reach, say), with the reason; running refuses it
      if (!(options.reportProblems && e instanceof ConfigError)) throw e;
      problem = e.message;
    }
    out.push({
      ...spec,
      run: made.run,
      unavailable: made.unavailable,
      ...(problem ? { problem } : {}),
    });
  }
  return out;
}
