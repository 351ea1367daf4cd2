/**
 * The service's Prometheus registry: mts's own metrics only, on a dedicated `Registry` (the
 * default Node metrics fail `promtool check metrics`, see SERVICE.md §2). Every name starts with
 * `mts_`; `_total` is for counters only; the route label is the route template, never the raw path.
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { type ClientMetrics, clientMetrics } from "./client_metrics.ts";
import { type JobMetrics, jobMetrics } from "./job_metrics.ts";

/** The service's metrics. */
export interface ServerMetrics {
  /** What `/metrics` serves. */
  readonly registry: Registry;
  /** HTTP requests by method, route template and status. */
  readonly httpRequests: Counter<"method" | "route" | "status">;
  /** Request duration, seconds, by method and route template. */
  readonly httpDuration: Histogram<"method" | "route">;
  /** Open WebSocket connections. */
  readonly wsClients: Gauge;
  /** Messages sent to WebSocket clients, by channel kind. */
  readonly wsMessages: Counter<"channel">;
  /** WebSocket clients closed for falling behind (code 4008). */
  readonly wsSlowClosed: Counter;
  /** Messages relayed from the cache channels (stream, arbitrage), by kind. */
  readonly relayed: Counter<"kind">;
  /** Seconds since a relayed book's last applied update, when it was relayed. */
  readonly bookAge: Gauge<"exchange" | "market" | "symbol">;
  /** Relayed books by sync state (1 for the current state). */
  readonly bookResyncs: Gauge<"exchange" | "market" | "symbol">;
  /** `--stream`: messages received per book of the in-process stream. */
  readonly streamMessages: Counter<"exchange" | "market" | "symbol">;
  /** `--stream`: resyncs per book of the in-process stream. */
  readonly streamResyncs: Counter<"exchange" | "market" | "symbol">;
  /** `--stream`: continuity breaks (gaps) per book of the in-process stream. */
  readonly streamGaps: Counter<"exchange" | "market" | "symbol">;
  /** `--stream`: seconds since each book's last message, at scrape time. */
  readonly streamBookAge: Gauge<"exchange" | "market" | "symbol">;
  /** `--stream`: 1 for each book's current sync state, 0 for the others. */
  readonly streamBookState: Gauge<"exchange" | "market" | "symbol" | "state">;
  /** `--stream`: 1 while the in-process stream runs. */
  readonly streamUp: Gauge;
  /** Backtests run through the API, by outcome. */
  readonly backtests: Counter<"outcome">;
  /** API backtests whose engine runs in a worker now. */
  readonly backtestsRunning: Gauge;
  /** API backtests waiting for a free worker (API_BACKTEST_WORKERS). */
  readonly backtestsQueued: Gauge;
  /** Signal runs through the API, by outcome. */
  readonly signalRuns: Counter<"outcome">;
  /** Age of every stored series at scrape time, seconds. */
  readonly seriesAge: Gauge<"kind" | "source" | "subject">;
  /** Collection runs recorded in the store, by task and status (at scrape time). */
  readonly collectionRuns: Gauge<"task" | "status">;
  /** Items (series) of those runs by task, source and outcome. */
  readonly collectionItems: Gauge<"task" | "source" | "status">;
  /** Rows those runs wrote, by task and source. */
  readonly rowsWritten: Gauge<"task" | "source">;
  /** Seconds since the service started. */
  readonly uptime: Gauge;
  /** The API clients run in this process (`--schedule`): `mts_api_client_*`. */
  readonly clients: ClientMetrics;
  /** The scheduler run in this process (`--schedule`): `mts_job_*`, `mts_scheduler_*`. */
  readonly jobs: JobMetrics;
}

/** Creates the registry and its metrics (one set per server, so tests never share counters). */
export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "mts_http_requests_total",
      help: "HTTP requests by method, route template and status",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "mts_http_request_duration_seconds",
      help: "HTTP request duration in seconds by method and route template",
      labelNames: ["method", "route"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    }),
    wsClients: new Gauge({
      name: "mts_ws_clients",
      help: "Open WebSocket connections",
      registers,
    }),
    wsMessages: new Counter({
      name: "mts_ws_messages_sent_total",
      help: "Messages sent to WebSocket clients by channel kind",
      labelNames: ["channel"],
      registers,
    }),
    wsSlowClosed: new Counter({
      name: "mts_ws_slow_clients_closed_total",
      help: "WebSocket clients closed because their queue was full (code 4008)",
      registers,
    }),
    relayed: new Counter({
      name: "mts_stream_messages_relayed_total",
      help: "Messages relayed from the cache channels (books, funding, arbitrage alerts) by kind",
      labelNames: ["kind"],
      registers,
    }),
    bookAge: new Gauge({
      name: "mts_book_age_seconds",
      help: "Seconds between a relayed book's last applied update and its relay",
      labelNames: ["exchange", "market", "symbol"],
      registers,
    }),
    bookResyncs: new Gauge({
      name: "mts_book_resyncs",
      help: "Resyncs of a relayed book since its stream started (as published)",
      labelNames: ["exchange", "market", "symbol"],
      registers,
    }),
    ...streamMetrics(registers),
    ...runMetrics(registers),
    seriesAge: new Gauge({
      name: "mts_series_age_seconds",
      help: "Age of the newest stored bar or observation of every series",
      labelNames: ["kind", "source", "subject"],
      registers,
    }),
    collectionRuns: new Gauge({
      name: "mts_collection_runs",
      help: "Collection and import runs among the store's last 500, by task and status",
      labelNames: ["task", "status"],
      registers,
    }),
    collectionItems: new Gauge({
      name: "mts_collection_items",
      help: "Series collected by those runs, by task, source and outcome (failed = a failure)",
      labelNames: ["task", "source", "status"],
      registers,
    }),
    rowsWritten: new Gauge({
      name: "mts_collection_rows_written",
      help: "Rows written by those runs, by task and source",
      labelNames: ["task", "source"],
      registers,
    }),
    uptime: new Gauge({
      name: "mts_uptime_seconds",
      help: "Seconds since the service started",
      registers,
    }),
    clients: clientMetrics(registry),
    jobs: jobMetrics(registry),
  };
}

type StreamMetrics = Pick<
  ServerMetrics,
  | "streamMessages"
  | "streamResyncs"
  | "streamGaps"
  | "streamBookAge"
  | "streamBookState"
  | "streamUp"
>;

type RunMetrics = Pick<
  ServerMetrics,
  "backtests" | "backtestsRunning" | "backtestsQueued" | "signalRuns"
>;

/** The metrics of the work the API runs: backtests (and their workers' load), signal runs. */
function runMetrics(registers: Registry[]): RunMetrics {
  return {
    backtests: new Counter({
      name: "mts_backtests_total",
      help: "Backtests run through the API by outcome",
      labelNames: ["outcome"],
      registers,
    }),
    backtestsRunning: new Gauge({
      name: "mts_backtests_running",
      help: "API backtests whose engine runs in a worker now (at scrape time)",
      registers,
    }),
    backtestsQueued: new Gauge({
      name: "mts_backtests_queued",
      help: "API backtests waiting for a free worker, API_BACKTEST_WORKERS (at scrape time)",
      registers,
    }),
    signalRuns: new Counter({
      name: "mts_signal_runs_total",
      help: "Signal runs through the API by outcome",
      labelNames: ["outcome"],
      registers,
    }),
  };
}

/** The `mts_stream_*` metrics of streams this process runs (`--stream`). */
function streamMetrics(registers: Registry[]): StreamMetrics {
  return {
    streamMessages: new Counter({
      name: "mts_stream_book_messages_total",
      help: "Messages received per book by the stream this process runs (--stream)",
      labelNames: ["exchange", "market", "symbol"],
      registers,
    }),
    streamResyncs: new Counter({
      name: "mts_stream_book_resyncs_total",
      help: "Resyncs per book of the stream this process runs (--stream)",
      labelNames: ["exchange", "market", "symbol"],
      registers,
    }),
    streamGaps: new Counter({
      name: "mts_stream_book_gaps_total",
      help: "Continuity breaks (gaps) per book of the stream this process runs (--stream)",
      labelNames: ["exchange", "market", "symbol"],
      registers,
    }),
    streamBookAge: new Gauge({
      name: "mts_stream_book_age_seconds",
      help: "Seconds since the last message of each book of the stream this process runs",
      labelNames: ["exchange", "market", "symbol"],
      registers,
    }),
    streamBookState: new Gauge({
      name: "mts_stream_book_state",
      help: "Sync state of each book of the stream this process runs (1 for the current state)",
      labelNames: ["exchange", "market", "symbol", "state"],
      registers,
    }),
    streamUp: new Gauge({
      name: "mts_stream_up",
      help: "1 while the stream this process runs (--stream) is running, else 0",
      registers,
    }),
  };
}
