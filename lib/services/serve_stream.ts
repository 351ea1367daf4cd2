/**
 * `deno task serve --stream` (or `REALTIME_ENABLED=true`): the live streams of `deno task stream`
 * ({@link runLive}) in the service's process, publishing into the cache the service reads — so
 * `/books/…`, `/funding`, the WebSocket `books:` and `funding` channels and the price alerts are
 * live — and exposing their engine to `/ready` and `/metrics` through a {@link StreamView}.
 * @module
 */
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError } from "../core/errors.ts";
import { getLogger } from "../log/logger.ts";
import type { StreamBookView, StreamView } from "../server/stream_view.ts";
import type { BookStore } from "../storage/book_store.ts";
import type { Cache } from "../storage/cache.ts";
import type { FundingStore } from "../storage/funding_store.ts";
import { buildPlan, EXCHANGES, MARKETS, type PlanOptions } from "../streams/plan.ts";
import { bookId, type Exchange } from "../streams/sync.ts";
import type { StreamPipeline } from "./stream_pipeline.ts";
import { runLive, type StreamResult } from "./stream_runner.ts";

const log = getLogger("serve");

/** The stream plan of `serve --stream`: REALTIME_EXCHANGES × both markets × REALTIME_SYMBOLS. */
export function servePlan(config: ResolvedConfig): PlanOptions {
  const exchanges = config.realtime.exchanges.map((e) => e.trim().toLowerCase()).filter(Boolean);
  for (const e of exchanges) {
    if (!EXCHANGES.includes(e as Exchange)) {
      throw new ConfigError(
        `REALTIME_EXCHANGES: unknown exchange "${e}" (expected ${EXCHANGES.join(", ")})`,
        "REALTIME_EXCHANGES",
      );
    }
  }
  const symbols = config.realtime.symbols.map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const s of symbols) {
    if (!/^[A-Z0-9]{2,30}$/.test(s)) {
      throw new ConfigError(
        `REALTIME_SYMBOLS: "${s}" is not an exchange symbol like BTCUSDT`,
        "REALTIME_SYMBOLS",
      );
    }
  }
  if (exchanges.length === 0) {
    throw new ConfigError("REALTIME_EXCHANGES is empty: nothing to stream", "REALTIME_EXCHANGES");
  }
  if (symbols.length === 0) {
    throw new ConfigError("REALTIME_SYMBOLS is empty: nothing to stream", "REALTIME_SYMBOLS");
  }
  const plan: PlanOptions = {
    exchanges: exchanges as Exchange[],
    markets: [...MARKETS],
    symbols,
    depth: 20,
    snapshotLimit: 1000,
    staleAfterMs: 15_000,
  };
  buildPlan(plan);
  return plan;
}

/** A {@link StreamView} over the pipeline of a live run, once it started. */
export class LiveStreamView implements StreamView {
  #pipeline: StreamPipeline | undefined;
  /** See {@link StreamView.status}. */
  status: StreamView["status"] = "starting";
  /** See {@link StreamView.error}. */
  error?: string;

  /** Called by the run with its pipeline. */
  attach(pipeline: StreamPipeline): void {
    this.#pipeline = pipeline;
    this.status = "running";
  }

  /** Every book of the plan, from the engine (empty before the run started). */
  books(): readonly StreamBookView[] {
    const p = this.#pipeline;
    if (!p) return [];
    return p.engine.plan.books.map((key) => {
      const s = p.engine.sync(bookId(key))!.status();
      return {
        exchange: key.exchange,
        market: key.market,
        symbol: key.symbol,
        state: s.state,
        messages: s.counters.messages,
        resyncs: s.counters.resyncs,
        gaps: s.counters.gaps,
        lastMessageAtMs: s.lastMessageAtMs,
        error: s.error,
      };
    });
  }
}

/** What {@link startServeStreams} needs. */
export interface ServeStreamOptions {
  readonly config: ResolvedConfig;
  readonly plan: PlanOptions;
  /** The cache the service reads. */
  readonly cache: Cache;
  /** Resyncs and funding observations are stored here, as `deno task stream` does. */
  readonly store: BookStore & FundingStore;
  /** Aborting it stops the streams. */
  readonly signal: AbortSignal;
  /** The view the service was started with. */
  readonly view: LiveStreamView;
}

/**
 * Starts the streams; `done` resolves once they stopped (after `signal` aborts) — never rejects:
 * a failed run is logged and shown in the view (`/ready` then answers 503 with the reason).
 */
export function startServeStreams(
  o: ServeStreamOptions,
): { done: Promise<StreamResult | undefined> } {
  const done = runLive({
    plan: o.plan,
    config: o.config,
    cache: o.cache,
    books: o.store,
    funding: o.store,
    signal: o.signal,
    onStart: (p) => o.view.attach(p),
  }).then((r) => {
    o.view.status = "stopped";
    return r;
  }, (e) => {
    o.view.status = "failed";
    o.view.error = (e as Error).message;
    log.error(`streams failed: ${(e as Error).message}`, {});
    return undefined;
  });
  return { done };
}
