/**
 * The API service: the handler alone (`app.fetch`, no sockets), `GET /health` and
 * `GET /strategies` on loopback in batches of 100 concurrent requests (requests/s = 100 / the
 * batch time), and one hub message fanned out to 1,000 WebSocket clients (time until every
 * client has it). Run:
 * `deno bench --allow-all bench/serve_bench.ts`.
 */
import { resolveConfig } from "../lib/config/config.ts";
import { startService } from "../lib/services/serve.ts";
import { createApp } from "../lib/server/app.ts";
import { MTS_VERSION } from "../lib/server/version.ts";
import { MemoryCache } from "../lib/storage/memory_cache.ts";
import { SqliteStore } from "../lib/storage/sqlite_store.ts";
import { STRATEGIES } from "../strategies/mod.ts";

const dir = await Deno.makeTempDir({ prefix: "mts-serve-bench-" });
const store = SqliteStore.open(`${dir}/mts.db`);
const service = await startService({
  config: resolveConfig({
    LOG_FILE: "",
    API_SECRET_KEY: "bench-key",
    API_PUBLIC_READ: "true",
    API_RATE_LIMIT_PER_MIN: "0",
    API_WS_QUEUE: "10000",
  }),
  store,
  cache: new MemoryCache({ ttlSeconds: 60 }),
  registry: STRATEGIES,
  hostname: "127.0.0.1",
  port: 0,
  version: MTS_VERSION,
});
const url = service.url;
const BATCH = 100;

async function batch(path: string): Promise<void> {
  await Promise.all(
    Array.from({ length: BATCH }, () => fetch(url + path).then((r) => r.arrayBuffer())),
  );
}

// the handler alone (routing, middleware, auth, metrics), without sockets or a client
const app = createApp(service.deps);
Deno.bench("app.fetch GET /health (no network)", { group: "handler" }, async () => {
  await (await app.fetch(new Request("http://x/health"))).arrayBuffer();
});
Deno.bench("app.fetch GET /strategies (no network)", { group: "handler" }, async () => {
  await (await app.fetch(new Request("http://x/strategies"))).arrayBuffer();
});

Deno.bench(`GET /health, ${BATCH} concurrent`, { group: "http" }, async () => {
  await batch("/health");
});

Deno.bench(`GET /strategies, ${BATCH} concurrent`, { group: "http" }, async () => {
  await batch("/strategies");
});

const CLIENTS = 1_000;
let expect = 0;
let pending = 0;
let done: (() => void) | undefined;
const sockets: WebSocket[] = [];
for (let i = 0; i < CLIENTS; i++) {
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws?token=bench-key`);
  await new Promise((r) => (ws.onopen = r));
  const subscribed = new Promise((r) => (ws.onmessage = r));
  ws.send(JSON.stringify({ type: "subscribe", channels: ["arbitrage"] }));
  await subscribed;
  ws.onmessage = (e) => {
    if (JSON.parse(String(e.data)).seq === expect && --pending === 0) done?.();
  };
  sockets.push(ws);
}

Deno.bench(`fan-out of one message to ${CLIENTS} WebSocket clients`, { group: "ws" }, async () => {
  expect++;
  pending = CLIENTS;
  const all = new Promise<void>((r) => (done = r));
  service.deps.hub.publish("arbitrage", "arbitrage", { spreadBps: 10, n: expect });
  await all;
});

globalThis.addEventListener("unload", () => {
  for (const ws of sockets) ws.close();
});
