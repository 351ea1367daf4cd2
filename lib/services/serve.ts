/**
 * The API service (`deno task serve`): wires the store, the cache, the strategy registry, the
 * metrics, the WebSocket hub and the cache relay into the hono app of `lib/server`, listens, and
 * stops gracefully — no new connections, WebSocket clients closed (1001), running API backtests
 * awaited, the relay unsubscribed, the server drained.
 * @module
 */
import { binanceSymbol } from "../clients/binance/symbols.ts";
import type { ResolvedConfig } from "../config/config.ts";
import { ConfigError } from "../core/errors.ts";
import { getLogger, type Logger } from "../log/logger.ts";
import { createApp } from "../server/app.ts";
import { DEFAULT_SECRET } from "../server/auth.ts";
import type { ServerDeps } from "../server/context.ts";
import { AlertWatcher } from "../server/alerts.ts";
import { Hub } from "../server/hub.ts";
import { BacktestJobs } from "../server/jobs.ts";
import { recordClientEvent } from "../server/client_metrics.ts";
import { recordSchedulerEvent } from "../server/job_metrics.ts";
import { createMetrics } from "../server/metrics.ts";
import { CacheRelay } from "../server/relay.ts";
import type { StreamView } from "../server/stream_view.ts";
import type { StrategyRegistry } from "../signals/registry.ts";
import type { Cache } from "../storage/cache.ts";
import type { Store } from "../storage/store.ts";
import type { PublishedEvent } from "../streams/published.ts";
import type { SchedulerHandle } from "../scheduler/runner.ts";
import type { JobWiring } from "./schedule_jobs.ts";
import { computeHere } from "./backtest_compute.ts";
import { BacktestPool } from "./backtest_pool.ts";
import { schedulerEvent } from "./published_events.ts";
import { startConfiguredScheduler } from "./scheduler_service.ts";

/** What {@link startService} needs. */
export interface ServeOptions {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly cache: Cache;
  /** The strategies (the shipped ones: `STRATEGIES` of `strategies/mod.ts`). */
  readonly registry: StrategyRegistry;
  /** Bind address (default API_HOST). */
  readonly hostname?: string;
  /** Port (default API_PORT; 0 picks a free one). */
  readonly port?: number;
  readonly version: string;
  readonly redact?: (text: string) => string;
  readonly log?: Logger;
  readonly now?: () => number;
  /** How often the store is checked for new prices (alerts), ms (default 5000). */
  readonly alertPollMs?: number;
  /** On shutdown, wait at most this long for running API backtests, ms (default 30000). */
  readonly drainTimeoutMs?: number;
  /** How often the relay re-reads the cache's book and funding index, ms (default 2000). */
  readonly relayPollMs?: number;
  /** Streams run in this process (`--stream`): `/ready` and `/metrics` read their engine. */
  readonly streams?: StreamView;
  /**
   * The backtest worker script (`workers/backtest_worker.ts`, which the task passes): with it,
   * `POST /backtest` runs its engine in up to `API_BACKTEST_WORKERS` Web Workers. Without it
   * (or with `API_BACKTEST_WORKERS=0`), on the server's thread.
   */
  readonly backtestWorkerUrl?: URL | string;
}

/** A listening service. */
export interface RunningService {
  /** Where it listens. */
  readonly addr: Deno.NetAddr;
  /** `http://host:port`. */
  readonly url: string;
  /** What the routes use (tests publish on `deps.hub`). */
  readonly deps: ServerDeps;
  /** Stops gracefully; resolves once everything is closed. */
  shutdown(): Promise<void>;
}

/** Evaluates the alerts at once when a collection run finished (new prices in the store). */
function checkAlertsOn(alerts: AlertWatcher, channel: string, e: PublishedEvent): void {
  if (channel === "collection" && e.type === "run_finished") void alerts.check();
}

/** True for a loopback bind address. */
export function isLoopback(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i.test(host);
}

/** Refuses a bind that would expose the API without a real key. */
export function checkBind(host: string, secret: string | undefined): void {
  if (isLoopback(host)) return;
  if (!secret) {
    throw new ConfigError(
      `API_HOST ${host}: without API_SECRET_KEY the API listens on loopback only ` +
        "(use --host 127.0.0.1, or set API_SECRET_KEY)",
      "API_SECRET_KEY",
    );
  }
  if (secret === DEFAULT_SECRET) {
    throw new ConfigError(
      `API_SECRET_KEY is the seed's placeholder: refused on ${host} (choose a long random key, ` +
        "or listen on 127.0.0.1)",
      "API_SECRET_KEY",
    );
  }
}

async function checkListenPermission(host: string, port: number): Promise<void> {
  const state = await Deno.permissions.query({ name: "net", host: `${host}:${port}` });
  if (state.state === "granted") return;
  throw new ConfigError(
    `cannot listen on ${host}:${port}: the serve permission set grants listening on ` +
      `127.0.0.1:8000 and 0.0.0.0:8000 only; grant it: deno run -q -P=serve ` +
      `--allow-net=${host}:${port} tasks/serve.ts … (docs/service.md, "Permissions")`,
    "API_PORT",
  );
}

/** Starts the service; throws a ConfigError for a refused bind or a port not granted. */
export async function startService(o: ServeOptions): Promise<RunningService> {
  const hostname = o.hostname ?? o.config.api.host;
  const port = o.port ?? o.config.api.port;
  checkBind(hostname, o.config.api.secretKey);
  if (port !== 0) await checkListenPermission(hostname, port);
  const now = o.now ?? Date.now;
  const metrics = createMetrics();
  const log = o.log ?? getLogger("serve");
  const hub = new Hub({
    queueLimit: o.config.api.wsQueue,
    replay: o.config.api.wsReplay,
    now,
    onSent: (channel) => metrics.wsMessages.inc({ channel }),
    onSlowClose: () => metrics.wsSlowClosed.inc(),
  });
  const alerts = new AlertWatcher(o.store, hub, {
    pollMs: o.alertPollMs,
    now,
    symbolOf: (asset) => binanceSymbol(asset, o.config.binance.symbolMap),
    onError: (e) => log.warn(`alerts: ${e.message}`, {}),
  });
  await alerts.start();
  const relay = new CacheRelay(o.cache, hub, {
    metrics,
    now,
    pollMs: o.relayPollMs,
    onBook: (b) => alerts.onBook(b),
    // another process wrote new prices: evaluate now rather than at the next poll
    onEvent: (channel, e) => checkAlertsOn(alerts, channel, e),
    onInvalid: (channel, reason) => log.warn(`relay ${channel}: ${reason}`, {}),
  });
  await relay.start();
  const pool = o.backtestWorkerUrl !== undefined && o.config.api.backtestWorkers > 0
    ? new BacktestPool({ size: o.config.api.backtestWorkers, url: o.backtestWorkerUrl })
    : undefined;
  const deps: ServerDeps = {
    compute: pool?.compute ?? computeHere(o.registry),
    backtestLoad: pool ? () => ({ running: pool.running, waiting: pool.waiting }) : undefined,
    config: o.config,
    store: o.store,
    cache: o.cache,
    registry: o.registry,
    metrics,
    hub,
    relay,
    jobs: new BacktestJobs(),
    alerts,
    log,
    redact: o.redact ?? ((t) => t),
    version: o.version,
    startedAt: now(),
    now,
    streams: o.streams,
  };
  const app = createApp(deps);
  const server = Deno.serve({ hostname, port, onListen: () => {} }, app.fetch);
  const addr = server.addr;
  const shown = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  log.info(`listening on http://${shown}:${addr.port}`, {});
  let stopping: Promise<void> | undefined;
  return {
    addr,
    url: `http://${shown}:${addr.port}`,
    deps,
    shutdown: () =>
      stopping ??= (async () => {
        const drained = server.shutdown();
        hub.closeAll();
        // a running API backtest is awaited, within a bound (its result would be lost anyway)
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          deps.jobs.drain(),
          new Promise((r) => (timer = setTimeout(r, o.drainTimeoutMs ?? 30_000))),
        ]);
        clearTimeout(timer);
        pool?.close();
        await relay.stop();
        await alerts.stop();
        await drained;
        log.info("stopped", {});
      })(),
  };
}

/**
 * `deno task serve --schedule`: runs the scheduler in the service's process, each finished run
 * and skipped slot published on the `collection` channel (the JSON line `schedule --json`
 * prints), its API clients counted on `/metrics` (`mts_api_client_*`) and its jobs too
 * (`mts_job_*`, `mts_scheduler_*`: runs by outcome, duration, retries, skipped slots; what runs now,
 * next run, last outcome, leadership). Aborting `signal` stops it gracefully; await `done` before shutting the service down.
 */
export async function attachScheduler(
  service: RunningService,
  wiring: JobWiring,
  request: { readonly file?: string; readonly signal?: AbortSignal },
): Promise<SchedulerHandle> {
  const clients = service.deps.metrics.clients;
  const hub = service.deps.hub;
  const monitored: JobWiring = {
    ...wiring,
    // the jobs' signals and collection runs go to this server's clients, as another
    // process's would through Redis
    events: (channel, e) => {
      hub.publish(channel, e.type, e.data);
      checkAlertsOn(service.deps.alerts, channel, e);
      wiring.events?.(channel, e);
    },
    monitor: (client, e) => {
      recordClientEvent(clients, client, e);
      wiring.monitor?.(client, e);
    },
  };
  const jobs = service.deps.metrics.jobs;
  const { handle } = await startConfiguredScheduler(monitored, {
    file: request.file,
    signal: request.signal,
    onEvent: (e) => {
      recordSchedulerEvent(jobs, e);
      const event = schedulerEvent(e);
      if (event) hub.publish("collection", event.type, event.data);
    },
  });
  // the job gauges (`mts_job_running`, next run, last outcome, leader) read it at each scrape
  jobs.status = () => handle.status();
  handle.done.finally(() => {
    jobs.status = undefined;
  }).catch(() => {});
  return handle;
}
