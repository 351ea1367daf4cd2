// deno-lint-ignore-file no-explicit-any
/**
 * Helpers for the service's tests: a real server on 127.0.0.1 port 0 over a throwaway SQLite
 * database holding the generated sample market, with the memory cache (or one the test gives),
 * and HS256 tokens signed independently of the server's own code.
 * @module
 */
import { createHmac } from "node:crypto";
import { resolveConfig } from "../../lib/config/config.ts";
import { loadSampleMarket } from "../../lib/services/sample_loader.ts";
import { attachScheduler, type RunningService, startService } from "../../lib/services/serve.ts";
import type { SchedulerHandle } from "../../lib/scheduler/runner.ts";
import { MTS_VERSION } from "../../lib/server/version.ts";
import type { Cache } from "../../lib/storage/cache.ts";
import type { Store } from "../../lib/storage/store.ts";
import { MemoryCache } from "../../lib/storage/memory_cache.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import type { StrategyRegistry } from "../../lib/signals/registry.ts";
import { STRATEGIES } from "../../strategies/mod.ts";
import type { PublishedBook } from "../../lib/streams/published.ts";

/** The key the test servers use. */
export const SECRET = "test-secret-key-0123456789abcdef";

/** A running test service and what it was built from. */
export interface TestService {
  readonly service: RunningService;
  readonly url: string;
  readonly store: SqliteStore;
  readonly cache: Cache;
  readonly dbPath: string;
}

/** Options of {@link withService}. */
export interface TestServiceOptions {
  /** Variables over the test defaults (API_SECRET_KEY = {@link SECRET}, LOG_FILE empty). */
  readonly env?: Record<string, string>;
  /** The cache (default a fresh memory cache). */
  readonly cache?: Cache;
  /** Load the sample market (default true). */
  readonly sample?: boolean;
  /** An existing database file. */
  readonly dbPath?: string;
  /** The strategies (default the shipped ones). */
  readonly registry?: StrategyRegistry;
  /** Wraps the store the server gets (a slow store, …). */
  readonly wrapStore?: (store: Store) => Store;
  /** The backtest worker script (default workers/backtest_worker.ts). */
  readonly backtestWorkerUrl?: URL;
}

/** Runs `fn` against a fresh service; everything is closed afterwards. */
export async function withService(
  options: TestServiceOptions,
  fn: (t: TestService) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mts-serve-" });
  const dbPath = options.dbPath ?? `${dir}/mts.db`;
  const store = SqliteStore.open(dbPath);
  const cache = options.cache ?? new MemoryCache({ ttlSeconds: 60 });
  let service: RunningService | undefined;
  try {
    if (options.sample !== false && !options.dbPath) await loadSampleMarket(store);
    const config = resolveConfig({
      API_SECRET_KEY: SECRET,
      LOG_FILE: "",
      DATABASE_PATH: dbPath,
      ...options.env,
    });
    service = await startService({
      config,
      store: options.wrapStore ? options.wrapStore(store) : store,
      cache,
      registry: options.registry ?? STRATEGIES,
      hostname: "127.0.0.1",
      port: 0,
      version: MTS_VERSION,
      relayPollMs: 100,
      alertPollMs: 100,
      backtestWorkerUrl: options.backtestWorkerUrl ??
        new URL("../../workers/backtest_worker.ts", import.meta.url),
    });
    await fn({ service, url: service.url, store, cache, dbPath });
  } finally {
    await service?.shutdown();
    if (!options.cache) await cache.close();
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function b64url(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/** An HS256 JWT signed with `key` (node:crypto, not the server's library), or `alg` as given. */
export function jwt(
  payload: Record<string, unknown>,
  key = SECRET,
  alg = "HS256",
): string {
  const head = b64url(JSON.stringify({ alg, typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  if (alg === "none") return `${head}.${body}.`;
  const sig = createHmac("sha256", key).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(new Uint8Array(sig))}`;
}

/** Seconds since the epoch, `offset` seconds from now. */
export function epoch(offset = 0): number {
  return Math.floor(Date.now() / 1000) + offset;
}

/** A fetch that returns status, headers and the parsed JSON (or text) body. */
export async function call(
  url: string,
  init: RequestInit & { token?: string; json?: unknown } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  const res = await fetch(url, { ...init, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Opens a WebSocket and collects its messages. */
export async function wsClient(url: string) {
  const ws = new WebSocket(url);
  const messages: any[] = [];
  const waiters: (() => void)[] = [];
  let closed: { code: number; reason: string } | undefined;
  const closedP = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.onclose = (e) => {
      closed = { code: e.code, reason: e.reason };
      waiters.splice(0).forEach((w) => w());
      resolve(closed);
    };
  });
  ws.onmessage = (e) => {
    messages.push(JSON.parse(String(e.data)));
    waiters.splice(0).forEach((w) => w());
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`cannot open ${url}`));
  });
  /** Waits until a message matches `pred` (at most `ms`). */
  const next = async (pred: (m: any) => boolean, ms = 5_000): Promise<any> => {
    const deadline = Date.now() + ms;
    while (true) {
      const found = messages.find(pred);
      if (found) return found;
      if (closed) throw new Error(`socket closed ${closed.code} ${closed.reason}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no matching message in ${ms} ms: ${JSON.stringify(messages)}`);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((r) => {
        waiters.push(r);
        timer = setTimeout(r, left);
      });
      clearTimeout(timer);
    }
  };
  return {
    ws,
    messages,
    next,
    send: (v: unknown) => ws.send(JSON.stringify(v)),
    closed: closedP,
    close: async () => {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await closedP;
    },
  };
}

/** A book as the stream publishes it (lib/streams/published.ts). */
export function sampleBook(updateId: number, bid = 64_000.5): PublishedBook {
  return {
    exchange: "binance",
    market: "spot",
    symbol: "BTCUSDT",
    state: "live",
    updateId,
    bids: [[bid, 1.25], [bid - 0.5, 3]],
    asks: [[bid + 0.5, 0.75]],
    eventTimeMs: 1_700_000_000_000 + updateId,
    receivedAtMs: Date.now(),
    resyncs: 0,
    gaps: 0,
    messages: updateId,
  };
}

/** The value of the `/metrics` sample `name{labels}` (no labels: `name`), or undefined. */
export function metricSample(text: string, name: string, labels = ""): number | undefined {
  const key = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split("\n").find((l) => l.startsWith(key));
  return line === undefined ? undefined : Number(line.split(" ").pop());
}

/** `serve --schedule` in a test: the job file `file` run in `service`'s process until `signal`. */
export function scheduleIn(
  service: RunningService,
  file: string,
  signal: AbortSignal,
): Promise<SchedulerHandle> {
  return attachScheduler(service, {
    config: service.deps.config,
    store: service.deps.store,
    registry: STRATEGIES,
    redact: (t) => t,
  }, { file, signal });
}

/** Matches the `collection` / `finished` message of a run of `job` on the WebSocket. */
export const finishedRunOf =
  (job: string) => (x: { channel?: string; type?: string; data?: { job?: string } }) =>
    x.channel === "collection" && x.type === "finished" && x.data?.job === job;
