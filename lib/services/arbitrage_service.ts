/**
 * `deno task arbitrage` wiring: opens the sinks the configuration asks for (the cache for the
 * alert channel, the store, the webhook), checks network permissions first, and runs the
 * detector live from the cache or over a recording.
 * @module
 */
import type { ResolvedConfig } from "../config/config.ts";
import type { Redactor } from "../config/redact.ts";
import { ConfigError } from "../core/errors.ts";
import { getLogger } from "../log/logger.ts";
import { missingNetPermissions } from "../net/permissions.ts";
import type { ArbitrageStore } from "../storage/arbitrage_store.ts";
import type { Cache } from "../storage/cache.ts";
import { openCache } from "../storage/open_cache.ts";
import type { ArbitrageAlert } from "../streams/arbitrage/alert.ts";
import { ArbitrageDetector } from "../streams/arbitrage/detector.ts";
import type { AlertEvaluation } from "../streams/arbitrage/evaluate.ts";
import { type DetectorOptions, resolveDetector } from "../streams/arbitrage/settings.ts";
import { AlertWebhook } from "./alert_webhook.ts";
import { readRecording, replayArbitrage, type ReplaySummary } from "./arbitrage_replay.ts";
import { AlertFanout, followCache } from "./arbitrage_runner.ts";

/** What to run. */
export interface ArbitrageRun {
  /** `cache`: follow a running stream; `replay`: a recording. */
  readonly mode: "cache" | "replay";
  /** The recording (replay). */
  readonly file?: string;
  /** Score each opened alert this many ms later (replay). */
  readonly latencyMs?: number;
  /** Detector options (fees from ARBITRAGE_FEES under the flag's). */
  readonly detector: DetectorOptions;
  /** Record opportunities in SQLite. */
  readonly store: boolean;
  /**
   * Publish replayed alerts on the channel and post them to the webhook too (live alerts always
   * are; replayed ones are history, so neither happens without it).
   */
  readonly publish?: boolean;
  /** Stop following (cache mode). */
  readonly signal: AbortSignal;
  /**
   * Follow this cache instead of opening the configured one (cache mode): a process that
   * publishes books itself (`deno task stream --arbitrage`) passes its own cache, memory or Redis.
   * It is not closed here.
   */
  readonly cache?: Cache;
  /**
   * Time in cache mode: `wall` (default), `stream` (the publish points of a live stream in this
   * process) or `data` (the same for a replay: recorded times, alerts are history).
   */
  readonly clock?: "wall" | "data" | "stream";
  /** Each alert, for the terminal. */
  readonly onAlert: (alert: ArbitrageAlert, detector: ArbitrageDetector) => void;
  /** A sink or message problem (already redacted). */
  readonly onProblem: (message: string) => void;
  /** Cache mode: called once every channel is subscribed (then a publisher in the same process may start). */
  readonly onReady?: () => void;
}

/** The wiring's environment. */
export interface ArbitrageWiring {
  readonly config: ResolvedConfig;
  readonly store: () => ArbitrageStore;
  readonly redact: Redactor;
}

/** What a run did. */
export interface ArbitrageOutcome {
  /** Alerts emitted. */
  readonly alerts: number;
  /** Replay summary (replay mode). */
  readonly replay?: ReplaySummary;
  /** Evaluations (replay with a latency). */
  readonly evaluations?: readonly AlertEvaluation[];
  /** Detector counters. */
  readonly stats: ArbitrageDetector["stats"];
  /** Quote pairs skipped for want of a stated rate. */
  readonly unpriced: readonly string[];
  /** Webhook counters, when one is configured. */
  readonly webhook?: AlertWebhook["stats"];
}

async function checkNet(
  config: ResolvedConfig,
  needRedis: boolean,
  hook: string | undefined,
): Promise<void> {
  const urls = [];
  if (needRedis && config.redis.url) urls.push({ variable: "REDIS_URL", url: config.redis.url });
  if (hook) urls.push({ variable: "ALERT_WEBHOOK_URL", url: hook });
  const missing = await missingNetPermissions(urls);
  if (missing.length > 0) {
    throw new ConfigError(
      `${
        missing[0]
      } — or add --allow-net=<host:port> (with the set's own hosts) to the deno run command`,
    );
  }
}

/** Runs the detector as `run` says; resolves when the replay ends or the signal stops it. */
export async function runArbitrage(
  w: ArbitrageWiring,
  run: ArbitrageRun,
): Promise<ArbitrageOutcome> {
  try {
    resolveDetector({ fees: w.config.arbitrage.fees });
  } catch (e) {
    // the message names the variable, as for every other bad variable
    throw new ConfigError(`ARBITRAGE_FEES: ${(e as Error).message}`, "ARBITRAGE_FEES");
  }
  const fees = { ...(w.config.arbitrage.fees ?? {}), ...(run.detector.fees ?? {}) };
  let detector: ArbitrageDetector;
  try {
    detector = new ArbitrageDetector({ ...run.detector, fees });
  } catch (e) {
    throw new ConfigError(`arbitrage settings: ${(e as Error).message}`, "ARBITRAGE_FEES");
  }
  if (run.mode === "cache" && !run.cache && !w.config.redis.url) {
    throw new ConfigError(
      "--from-cache: set REDIS_URL to the Redis that deno task stream publishes to",
      "REDIS_URL",
    );
  }
  // a bad recording fails before anything is opened or stored
  const recording = run.mode === "replay" ? await readRecording(run.file!) : undefined;
  const live = run.mode === "cache" && run.clock !== "data";
  // replayed alerts are history: posted, like published, only when asked to (--publish)
  const hook = live || run.publish === true ? w.config.arbitrage.webhookUrl : undefined;
  await checkNet(w.config, (run.mode === "cache" && !run.cache) || run.publish === true, hook);
  const log = getLogger("arbitrage");
  const problem = (m: string) => {
    const text = w.redact(m);
    log.warn(text, {});
    run.onProblem(text);
  };
  let cache: Cache | undefined = run.cache;
  const ownCache = !run.cache;
  const webhook = hook ? new AlertWebhook(hook, { onError: problem }) : undefined;
  try {
    if (!cache && (run.mode === "cache" || run.publish)) cache = await openCache(w.config.redis);
    const fanout = new AlertFanout({
      cache,
      store: run.store ? w.store() : undefined,
      webhook,
      source: live ? "live" : "replay",
      onAlert: (a) => run.onAlert(a, detector),
      onError: problem,
    });
    let replay: ReplaySummary | undefined;
    if (recording) {
      replay = await replayArbitrage(recording, { detector, fanout, latencyMs: run.latencyMs });
    } else {
      await followCache({
        cache: cache!,
        detector,
        fanout,
        symbols: run.detector.symbols,
        signal: run.signal,
        clock: run.clock,
        onBadMessage: (ch, why) => problem(`${ch}: ${why}`),
        onReady: run.onReady,
      });
    }
    await webhook?.flush(5_000);
    return {
      alerts: fanout.count,
      replay,
      evaluations: replay?.evaluations,
      stats: detector.stats,
      unpriced: [...detector.unpriced].sort(),
      webhook: webhook?.stats,
    };
  } finally {
    if (ownCache) await cache?.close();
  }
}
