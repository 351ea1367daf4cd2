/**
 * What every route gets ({@link ServerDeps}) and the shared response helpers: JSON as the CLI's
 * `--json` prints it (non-finite numbers as null) and the mapping of domain errors to 4xx
 * statuses with the same one-line reasons the tasks print.
 * @module
 */
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError, DataError, DataGapError, UsageError } from "../core/errors.ts";
import { escapeControls } from "../core/text.ts";
import type { Logger } from "../log/logger.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import type { BacktestCompute } from "../services/backtest_compute.ts";
import type { Cache } from "../storage/cache.ts";
import type { Store } from "../storage/store.ts";
import type { AlertWatcher } from "./alerts.ts";
import type { BacktestJobs } from "./jobs.ts";
import { finite, type Hub } from "./hub.ts";
import type { ServerMetrics } from "./metrics.ts";
import type { CacheRelay } from "./relay.ts";
import type { StreamView } from "./stream_view.ts";

/** Everything the routes use. */
export interface ServerDeps {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly cache: Cache;
  /** The strategies (the shipped ones: `STRATEGIES` of `strategies/mod.ts`). */
  readonly registry: StrategyRegistry;
  readonly metrics: ServerMetrics;
  readonly hub: Hub;
  readonly relay: CacheRelay;
  readonly jobs: BacktestJobs;
  /** Evaluates the price alerts. */
  readonly alerts: AlertWatcher;
  readonly log: Logger;
  /** Removes configured secrets from a text. */
  readonly redact: (text: string) => string;
  /** mts's version. */
  readonly version: string;
  /** When the service started, UTC ms. */
  readonly startedAt: number;
  /** The wall clock, UTC ms. */
  readonly now: () => number;
  /** Streams this process runs (`--stream`); undefined otherwise. */
  readonly streams?: StreamView;
  /** Where `POST /backtest` runs the engine: the worker pool, or this thread. */
  readonly compute: BacktestCompute;
  /** The worker pool's load (runs in workers, runs waiting), when backtests run in workers. */
  readonly backtestLoad?: () => { readonly running: number; readonly waiting: number };
}

/** A JSON response body as the CLI's `--json` writes it (non-finite numbers become null). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, finite);
}

/** The content type of every JSON response. */
export const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" } as const;

/** A JSON response. */
export function jsonResponse(value: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(jsonText(value), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** An error response: `{ "error": reason }`, the reason one line with secrets removed. */
export function errorResponse(
  status: number,
  reason: string,
  redact: (t: string) => string = (t) => t,
  headers: HeadersInit = {},
): Response {
  return jsonResponse(
    { error: escapeControls(redact(reason), { singleLine: true }) },
    status,
    headers,
  );
}

/**
 * The status for a domain error: a bad request (400), no data / unknown name (404), gaps or
 * mixed sources (409), data the request cannot use (422); undefined for our own faults (500).
 */
export function statusOf(e: Error): number | undefined {
  if (e instanceof UsageError) return 400;
  if (e instanceof DataGapError) return 409;
  if (e instanceof DataError || e instanceof ConfigError) return 422;
  if (e instanceof RangeError) return /unknown|no stored|not found/i.test(e.message) ? 404 : 422;
  return undefined;
}
