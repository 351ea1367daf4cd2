/**
 * `deno task stream`'s service: a live run (WebSocket + REST, recorded when asked) or a replay of
 * a recording, both through the same {@link StreamPipeline}, until stopped (Ctrl-C, SIGTERM,
 * `--for`), then one {@link StreamSummary}. The summary depends only on the events, so a replay
 * of a run's recording prints the run's summary, and two replays print identical ones.
 * @module
 */
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError, DataError } from "../core/errors.ts";
import { getLogger } from "../log/logger.ts";
import type { FetchFn } from "../net/http.ts";
import type { BookStore } from "../storage/book_store.ts";
import type { Cache } from "../storage/cache.ts";
import type { FundingStore } from "../storage/funding_store.ts";
import type { StreamSummary } from "../streams/engine.ts";
import { OLDEST_RECORDING_VERSION, RECORDING_VERSION } from "../streams/events.ts";
import { buildPlan, planFromJson, type PlanOptions, type StreamPlan } from "../streams/plan.ts";
import { readRecording, Recorder } from "../streams/recording.ts";
import { missingNetPermissions } from "../net/permissions.ts";
import { connectionUrl, LiveStreams } from "./stream_live.ts";
import { type SinkStats, StreamPipeline } from "./stream_pipeline.ts";

/** What a run produces. */
export interface StreamResult {
  /** The deterministic summary (`--json`). */
  readonly summary: StreamSummary;
  /** Cache and store counters of this run (not part of the summary). */
  readonly sinks: SinkStats;
  /** Events recorded (live runs with a recorder). */
  readonly recorded?: number;
  /** Why it stopped. */
  readonly stoppedBy: string;
}

/** Options shared by live runs and replays. */
export interface CommonRunOptions {
  /** Books and funding are published here. */
  readonly cache?: Cache;
  /** Resyncs and snapshots are stored here (live runs). */
  readonly books?: BookStore;
  /** Funding observations are stored here (live runs). */
  readonly funding?: FundingStore;
  /** Stops the run (Ctrl-C, SIGTERM). */
  readonly signal?: AbortSignal;
  /** Called about once a second with the pipeline (the terminal table). */
  readonly onTick?: (pipeline: StreamPipeline) => void;
}

/** Options of a live run. */
export interface LiveRunOptions extends CommonRunOptions {
  /** What to stream. */
  readonly plan: PlanOptions;
  /** URLs, weights, timeouts, the cache TTL. */
  readonly config: ResolvedConfig;
  /** Stop after this long, ms. */
  readonly forMs?: number;
  /** Record every event to this file (`.gz`: gzip). */
  readonly record?: { readonly path: string; readonly partBytes?: number };
  /** Store top-N book snapshots this often, ms. */
  readonly snapshotEveryMs?: number;
  /** Replace Binance connections this old, ms (default 23 h). */
  readonly maxConnectionAgeMs?: number;
  /** Test seam for REST. */
  readonly fetchFn?: FetchFn;
  /** Called once with the pipeline, before the connections open (`serve --stream` reads it). */
  readonly onStart?: (pipeline: StreamPipeline) => void;
}

const log = getLogger("stream");

function waitForStop(signal: AbortSignal | undefined, forMs: number | undefined): {
  done: Promise<string>;
  dispose: () => void;
} {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const done = new Promise<string>((resolve) => {
    if (forMs !== undefined) timer = setTimeout(() => resolve("--for elapsed"), forMs);
    if (signal) {
      onAbort = () => resolve((signal.reason as Error)?.message ?? "interrupted");
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  return {
    done,
    dispose: () => {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Streams live until stopped; see the module documentation. */
export async function runLive(o: LiveRunOptions): Promise<StreamResult> {
  const plan: StreamPlan = buildPlan(o.plan);
  const recorder = o.record
    ? await Recorder.open(o.record.path, { partBytes: o.record.partBytes })
    : undefined;
  const holder: { live?: LiveStreams } = {};
  const pipeline = new StreamPipeline(plan, {
    recorder,
    cache: o.cache,
    cacheTtlSeconds: o.config.redis.ttlSeconds,
    books: o.books,
    funding: o.funding,
    execute: (e) => holder.live?.execute(e),
    now: () => Date.now(),
  });
  pipeline.ingest({ t: "start", at: Date.now(), v: RECORDING_VERSION, plan: o.plan });
  await pipeline.publishIndex();
  o.onStart?.(pipeline);
  const c = o.config;
  const live = holder.live = new LiveStreams(plan, pipeline, {
    endpoints: {
      binanceRest: c.binance.baseUrl,
      binanceFuturesRest: c.binance.futuresBaseUrl,
      binanceWs: c.binance.wsUrl,
      binanceFuturesWs: c.binance.futuresWsUrl,
      bybitWs: c.bybit.wsUrl,
      bybitRest: c.bybit.baseUrl,
    },
    spotWeightPerMinute: c.binance.weightPerMinute,
    timeoutMs: c.httpTimeoutMs,
    maxConnectionAgeMs: o.maxConnectionAgeMs,
    snapshotEveryMs: o.snapshotEveryMs,
    onTick: () => o.onTick?.(pipeline),
    fetchFn: o.fetchFn,
  });
  const stop = waitForStop(o.signal, o.forMs);
  live.start();
  const stoppedBy = await stop.done;
  stop.dispose();
  log.info(`stopping: ${stoppedBy}`);
  await live.stop(stoppedBy);
  await pipeline.close();
  if (pipeline.recordError === undefined) {
    await recorder?.close().catch((e) => {
      pipeline.recordError = (e as Error).message;
    });
  }
  if (pipeline.recordError !== undefined) {
    throw new Error(`--record: cannot write ${o.record!.path}: ${pipeline.recordError}`);
  }
  return {
    summary: pipeline.engine.summary(),
    sinks: pipeline.stats,
    recorded: recorder?.events,
    stoppedBy,
  };
}

/**
 * Replays a recording through the same pipeline, without the network: publishes at each recorded
 * `publish` event with its time (format 2), so a detector beside it sees the books the live run
 * published, at the same points and times; a format-1 recording (no publish events) publishes at
 * each `tick`.
 */
export async function runReplay(path: string, o: CommonRunOptions): Promise<StreamResult> {
  let pipeline: StreamPipeline | undefined;
  let stoppedBy = "end of recording";
  let line = 0;
  let publishAtTicks = false;
  for await (const ev of readRecording(path)) {
    line++;
    if (!pipeline) {
      if (ev.t !== "start") {
        throw new DataError('a recording starts with its plan (a "start" line)', `${path}:1`);
      }
      if (
        typeof ev.v !== "number" || ev.v < OLDEST_RECORDING_VERSION || ev.v > RECORDING_VERSION
      ) {
        throw new DataError(
          `recording format ${ev.v}, expected ${OLDEST_RECORDING_VERSION} to ${RECORDING_VERSION}`,
          `${path}:1`,
        );
      }
      // format 1 has no publish points: publish at each tick instead (other times than live)
      publishAtTicks = ev.v < 2;
      let plan: StreamPlan;
      try {
        plan = buildPlan(planFromJson(ev.plan));
      } catch (e) {
        throw new DataError(`not a stream plan: ${(e as Error).message}`, `${path}:1`);
      }
      pipeline = new StreamPipeline(plan, { cache: o.cache });
      await pipeline.publishIndex();
      continue;
    }
    if (o.signal?.aborted) {
      stoppedBy = "interrupted";
      break;
    }
    try {
      pipeline.ingest(ev);
    } catch (e) {
      if (e instanceof DataError) throw new DataError(e.message, `${path}: event ${line}`);
      throw e;
    }
    if (ev.t === "publish") await pipeline.flush(ev.at);
    if (ev.t === "tick") {
      if (publishAtTicks) await pipeline.flush();
      o.onTick?.(pipeline);
    }
  }
  if (!pipeline) throw new DataError("empty recording", path);
  await pipeline.close();
  return { summary: pipeline.engine.summary(), sinks: pipeline.stats, stoppedBy };
}

/** The plan a recording starts with (what it streamed), read from its first line. */
export async function recordedPlan(path: string): Promise<PlanOptions> {
  for await (const ev of readRecording(path)) {
    if (ev.t !== "start") break;
    try {
      return planFromJson(ev.plan);
    } catch (e) {
      throw new DataError(`not a stream plan: ${(e as Error).message}`, `${path}:1`);
    }
  }
  throw new DataError('a recording starts with its plan (a "start" line)', `${path}:1`);
}

/**
 * Fails with a {@link ConfigError} naming the variable when the process may not reach one of the
 * endpoints `plan` needs (the WebSocket URLs of its connections, the Binance REST snapshots).
 */
export async function checkStreamNet(c: ResolvedConfig, plan: PlanOptions): Promise<void> {
  const built = buildPlan(plan);
  const endpoints = {
    binanceRest: c.binance.baseUrl,
    binanceFuturesRest: c.binance.futuresBaseUrl,
    binanceWs: c.binance.wsUrl,
    binanceFuturesWs: c.binance.futuresWsUrl,
    bybitWs: c.bybit.wsUrl,
    bybitRest: c.bybit.baseUrl,
  };
  const urls = built.connections.map((conn) => ({
    variable: conn.exchange === "bybit"
      ? "BYBIT_WS_URL"
      : conn.market === "spot"
      ? "BINANCE_WS_URL"
      : "BINANCE_FUTURES_WS_URL",
    url: connectionUrl(conn, endpoints),
  }));
  if (built.books.some((b) => b.exchange === "binance" && b.market === "spot")) {
    urls.push({ variable: "BINANCE_BASE_URL", url: c.binance.baseUrl });
  }
  if (built.books.some((b) => b.exchange === "binance" && b.market === "perp")) {
    urls.push({ variable: "BINANCE_FUTURES_BASE_URL", url: c.binance.futuresBaseUrl });
  }
  if (built.books.some((b) => b.exchange === "bybit")) {
    // the instruments check (unknown symbols)
    urls.push({ variable: "BYBIT_BASE_URL", url: c.bybit.baseUrl });
  }
  const missing = await missingNetPermissions(urls);
  if (missing.length > 0) throw new ConfigError(missing[0]);
}
