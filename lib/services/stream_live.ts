/**
 * The live side of a stream run: one {@link WsConnection} per connection of the plan, the REST
 * snapshots (through one shared REST-weight token bucket per Binance API, the weight of each
 * request taken before it is sent, so a burst of resyncs queues instead of getting the IP banned;
 * a 429/418 pauses the bucket for the server's Retry-After), Bybit resubscriptions, reconnects of
 * silent connections and after `serverShutdown`, the one-second tick, and the publish timer (each
 * publish point recorded as a `publish` event, so a replay publishes at the same points).
 * Every event goes through {@link StreamPipeline.ingest} — the path a replay takes too.
 * @module
 */
import { RateLimitError } from "../core/errors.ts";
import { HttpStatusError } from "../net/errors.ts";
import { getLogger } from "../log/logger.ts";
import type { FetchFn } from "../net/http.ts";
import { perMinuteLimiter, type TokenBucket } from "../net/rate_limiter.ts";
import { ResilientClient } from "../net/resilient_client.ts";
import type { EngineEffect } from "../streams/engine.ts";
import type { StreamEvent } from "../streams/events.ts";
import { instrumentsPath, isBinanceInvalidSymbol } from "../streams/instruments.ts";
import { BYBIT_ARGS_PER_REQUEST, type ConnectionPlan, type StreamPlan } from "../streams/plan.ts";
import { bookId, type Exchange, type Market } from "../streams/sync.ts";
import { WsConnection } from "../streams/ws_connection.ts";
import type { StreamPipeline } from "./stream_pipeline.ts";

/** Where the live side connects. */
export interface LiveEndpoints {
  /** Binance spot REST (`BINANCE_BASE_URL`). */
  readonly binanceRest: string;
  /** Binance USDⓈ-M REST (`BINANCE_FUTURES_BASE_URL`). */
  readonly binanceFuturesRest: string;
  /** Binance spot WebSocket (`BINANCE_WS_URL`). */
  readonly binanceWs: string;
  /** Binance USDⓈ-M WebSocket (`BINANCE_FUTURES_WS_URL`). */
  readonly binanceFuturesWs: string;
  /** Bybit v5 WebSocket (`BYBIT_WS_URL`). */
  readonly bybitWs: string;
  /** Bybit v5 REST (`BYBIT_BASE_URL`): the instruments check. */
  readonly bybitRest: string;
}

/** Options of {@link LiveStreams}. */
export interface LiveOptions {
  /** The endpoints. */
  readonly endpoints: LiveEndpoints;
  /** Binance spot REQUEST_WEIGHT per minute (80% of it is used). */
  readonly spotWeightPerMinute: number;
  /** Binance USDⓈ-M weight per minute (default 2,400; 80% of it is used). */
  readonly futuresWeightPerMinute?: number;
  /** REST timeout, ms. */
  readonly timeoutMs: number;
  /** Replace Binance connections this old (default 23 h; Binance cuts at 24 h). */
  readonly maxConnectionAgeMs?: number;
  /** Bybit application ping period, ms (default 20 s). */
  readonly bybitPingMs?: number;
  /** Publish changes this often, ms (default 100). */
  readonly publishEveryMs?: number;
  /** Store top-N book snapshots this often, ms (default never). */
  readonly snapshotEveryMs?: number;
  /** Called after each tick (the terminal table). */
  readonly onTick?: () => void;
  /** Test seam. */
  readonly fetchFn?: FetchFn;
}

const log = getLogger("stream");

/** The WebSocket URL of a connection. */
export function connectionUrl(c: ConnectionPlan, e: LiveEndpoints): string {
  if (c.exchange === "binance") {
    const base = c.market === "spot" ? e.binanceWs : e.binanceFuturesWs;
    return `${base}/stream?streams=${c.streams.join("/")}`;
  }
  return `${e.bybitWs}/v5/public/${c.market === "spot" ? "spot" : "linear"}`;
}

/** Bybit subscribe requests of a connection, at most {@link BYBIT_ARGS_PER_REQUEST} args each. */
export function bybitSubscribes(c: ConnectionPlan): string[] {
  const out: string[] = [];
  for (let i = 0; i < c.streams.length; i += BYBIT_ARGS_PER_REQUEST) {
    const args = c.streams.slice(i, i + BYBIT_ARGS_PER_REQUEST);
    out.push(JSON.stringify({ op: "subscribe", req_id: `${c.id}:${i}`, args }));
  }
  return out;
}

/** The live IO of one run. {@link LiveStreams.start}, then {@link LiveStreams.stop}. */
export class LiveStreams {
  readonly #plan: StreamPlan;
  readonly #pipe: StreamPipeline;
  readonly #o: LiveOptions;
  readonly #conns = new Map<string, WsConnection>();
  readonly #abort = new AbortController();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #intervals: ReturnType<typeof setInterval>[] = [];
  readonly #spot: ResilientClient;
  readonly #futures: ResilientClient;
  readonly #bybit: ResilientClient;
  #stopped = false;
  /** Events whose handling threw (a bug; logged as errors). */
  internalErrors = 0;

  /** Wires the pipeline's effects to this side's IO. */
  constructor(plan: StreamPlan, pipeline: StreamPipeline, options: LiveOptions) {
    this.#plan = plan;
    this.#pipe = pipeline;
    this.#o = options;
    const client = (name: string, baseUrl: string, limiter: TokenBucket) =>
      new ResilientClient({
        endpoints: [{ name, baseUrl, limiter }],
        timeoutMs: options.timeoutMs,
        maxAttempts: 1, // the sync machine retries, with its own backoff and a new epoch
        maxRetryAfterMs: 10 * 60_000,
        fetchFn: options.fetchFn,
        signal: this.#abort.signal,
      });
    this.#spot = client(
      "binance-spot",
      options.endpoints.binanceRest,
      perMinuteLimiter(Math.floor(options.spotWeightPerMinute * 0.8), { minBurst: 250 }),
    );
    this.#futures = client(
      "binance-futures",
      options.endpoints.binanceFuturesRest,
      perMinuteLimiter(Math.floor((options.futuresWeightPerMinute ?? 2400) * 0.8), {
        minBurst: 20,
      }),
    );
    // Bybit allows 600 requests per 5 s per IP; the instruments check stays far below
    this.#bybit = client(
      "bybit",
      options.endpoints.bybitRest,
      perMinuteLimiter(1200, { minBurst: 20 }),
    );
  }

  #ingest(ev: StreamEvent): void {
    if (this.#stopped) return;
    try {
      this.#pipe.ingest(ev);
    } catch (e) {
      // a bug must not kill a long-running stream from inside a socket handler: log it loudly
      this.internalErrors++;
      log.error(`cannot handle a ${ev.t} event: ${(e as Error).stack ?? e}`);
    }
  }

  /** Carries out one engine effect. */
  execute(e: EngineEffect): void {
    if (this.#stopped) return;
    switch (e.type) {
      case "snapshot": {
        const jitter = e.delayMs > 0 ? Math.floor(Math.random() * Math.min(250, e.delayMs)) : 0;
        this.#later(e.delayMs + jitter, () => void this.#fetchSnapshot(e));
        return;
      }
      case "resubscribe":
        this.#later(e.delayMs, () => {
          const c = this.#conns.get(e.conn);
          c?.send(JSON.stringify({ op: "unsubscribe", args: [e.topic] }));
          c?.send(JSON.stringify({ op: "subscribe", args: [e.topic] }));
        });
        return;
      case "reconnect":
        log.info(`${e.conn}: reconnecting (${e.reason})`);
        this.#conns.get(e.conn)?.reconnect(e.reason);
        return;
      default:
        return;
    }
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#stopped) fn();
    }, ms);
    this.#timers.add(t);
  }

  async #fetchSnapshot(e: Extract<EngineEffect, { type: "snapshot" }>): Promise<void> {
    const spot = e.book.market === "spot";
    const client = spot ? this.#spot : this.#futures;
    const path = spot ? "/api/v3/depth" : "/fapi/v1/depth";
    const base = { t: "snapshot" as const, book: bookId(e.book), epoch: e.epoch };
    try {
      const res = await client.get(path, {
        query: { symbol: e.book.symbol, limit: e.limit },
        weight: e.weight,
      });
      this.#ingest({ ...base, at: Date.now(), body: res.body });
    } catch (err) {
      if (this.#stopped) return;
      const retryAfterMs = err instanceof RateLimitError ? err.retryAfterMs : undefined;
      this.#ingest({
        ...base,
        at: Date.now(),
        error: (err as Error).message,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
  }

  async #fetchFundingInfo(): Promise<void> {
    try {
      const res = await this.#futures.get("/fapi/v1/fundingInfo", { weight: 1 });
      this.#ingest({ t: "fundingInfo", at: Date.now(), body: res.body });
    } catch (err) {
      if (!this.#stopped) {
        this.#ingest({ t: "fundingInfo", at: Date.now(), error: (err as Error).message });
      }
    }
  }

  /** One metadata request, its answer (or failure) ingested as an `instruments` event. */
  async #instruments(
    exchange: Exchange,
    market: Market,
    symbols: readonly string[],
  ): Promise<{ status?: number; body?: string }> {
    const client = exchange === "bybit"
      ? this.#bybit
      : market === "spot"
      ? this.#spot
      : this.#futures;
    const path = instrumentsPath(exchange, market).split("?")[0];
    const query: Record<string, string> = exchange === "bybit"
      ? { category: market === "spot" ? "spot" : "linear", symbol: symbols[0] }
      : market === "spot"
      ? symbols.length === 1 ? { symbol: symbols[0] } : { symbols: JSON.stringify(symbols) }
      : {};
    // spot: 20 per request; USDⓈ-M: 1; Bybit: one request
    const weight = exchange === "binance" && market === "spot" ? 20 : 1;
    const base = { t: "instruments" as const, exchange, market, symbols };
    try {
      const res = await client.get(path, { query, weight });
      this.#ingest({ ...base, at: Date.now(), body: res.body });
      return { body: res.body };
    } catch (err) {
      if (this.#stopped) return {};
      const http = err instanceof HttpStatusError
        ? { status: err.status, body: err.detail.replace(/ \(after \d+ attempts\)$/, "") }
        : {};
      this.#ingest({ ...base, at: Date.now(), ...http, error: (err as Error).message });
      return http;
    }
  }

  /**
   * Checks the plan's symbols against each market's instrument list (unknown ones end
   * `unknown-symbol` in the engine). Runs beside the streams: a failed check delays nothing.
   */
  async #checkSymbols(): Promise<void> {
    const tasks: Promise<unknown>[] = [];
    for (const exchange of this.#plan.exchanges) {
      for (const market of this.#plan.markets) {
        const symbols = this.#plan.symbols;
        if (exchange === "bybit") {
          for (const s of symbols) tasks.push(this.#instruments(exchange, market, [s]));
        } else if (market === "perp") {
          tasks.push(this.#instruments(exchange, market, []));
        } else {
          tasks.push(
            this.#instruments(exchange, market, symbols).then(async (r) => {
              // -1121 for several symbols does not say which: ask per symbol
              if (symbols.length > 1 && isBinanceInvalidSymbol(r.status, r.body)) {
                for (const s of symbols) {
                  if (!this.#stopped) await this.#instruments(exchange, market, [s]);
                }
              }
            }),
          );
        }
      }
    }
    await Promise.all(tasks);
  }

  /** Opens every connection and starts the timers. */
  start(): void {
    for (const c of this.#plan.connections) {
      const binance = c.exchange === "binance";
      const conn = new WsConnection({
        id: c.id,
        url: connectionUrl(c, this.#o.endpoints),
        onEvent: (ev) => this.#ingest(ev),
        onOpenSend: binance ? [] : bybitSubscribes(c),
        ping: binance
          ? undefined
          : { text: '{"op":"ping"}', everyMs: this.#o.bybitPingMs ?? 20_000 },
        maxAgeMs: binance ? (this.#o.maxConnectionAgeMs ?? 23 * 3_600_000) : undefined,
      });
      this.#conns.set(c.id, conn);
      conn.start();
    }
    if (this.#plan.books.some((b) => b.exchange === "binance" && b.market === "perp")) {
      void this.#fetchFundingInfo();
    }
    void this.#checkSymbols();
    this.#intervals.push(setInterval(() => {
      this.#ingest({ t: "tick", at: Date.now() });
      if (!this.#stopped) this.#o.onTick?.();
    }, 1_000));
    // a publish point is recorded (a `publish` event): a replay publishes at the same points
    this.#intervals.push(setInterval(() => {
      if (!this.#stopped) void this.#pipe.publishAt(Date.now());
    }, this.#o.publishEveryMs ?? 100));
    if (this.#o.snapshotEveryMs) {
      this.#intervals.push(setInterval(() => {
        if (!this.#stopped) void this.#pipe.snapshotBooks(Date.now());
      }, this.#o.snapshotEveryMs));
    }
  }

  /** Stops: no more events (a `stop` event is recorded), sockets closed, requests aborted. */
  async stop(reason: string): Promise<void> {
    if (this.#stopped) return;
    this.#pipe.ingest({ t: "stop", at: Date.now(), reason });
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    for (const i of this.#intervals) clearInterval(i);
    this.#abort.abort(new Error(`stopping: ${reason}`));
    await Promise.all([...this.#conns.values()].map((c) => c.stop()));
  }
}
