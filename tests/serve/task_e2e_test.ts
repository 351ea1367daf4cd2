// deno-lint-ignore-file no-explicit-any
/**
 * `deno task serve` as users run it: a subprocess with the serve permission set (plus loopback,
 * for port 0 and the test's Redis), over a database under data/. Health, a book published by
 * another process on a real redis-server reaching a WebSocket client, parity of POST /backtest
 * and POST /signals/generate with the CLI's --json, and SIGTERM: sockets closed, exit 0.
 */
import assert from "node:assert/strict";
import { loadSampleMarket } from "../../lib/services/sample_loader.ts";
import { RedisCache } from "../../lib/storage/redis_cache.ts";
import { bookCacheKey } from "../../lib/streams/published.ts";
import { testRedis } from "../helpers/redis.ts";
import { taskArgs } from "../helpers/task_permissions.ts";
import { ROOT, sandbox } from "../schedule/helpers.ts";
import { call, sampleBook, SECRET, wsClient } from "./helpers.ts";
import { spawnServe } from "./process.ts";

async function cli(task: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command("deno", {
    args: [...taskArgs(task), ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, `${task}: ${dec.decode(out.stderr)}`);
  return JSON.parse(dec.decode(out.stdout));
}

Deno.test("deno task serve: health, Redis relay from another process, CLI parity, SIGTERM exit 0", async () => {
  const redis = await testRedis({ own: true });
  if (!redis) return;
  const box = sandbox("test-serve");
  await Deno.mkdir(`${ROOT}${box.dir}`, { recursive: true });
  const store = box.open();
  await loadSampleMarket(store);
  store.close();
  const publisher = await RedisCache.connect(redis.url, { ttlSeconds: 60 });
  const s = await spawnServe({ ...box.env, REDIS_URL: redis.url });
  try {
    const h = await call(`${s.url}/health`);
    assert.equal(h.status, 200);
    assert.equal(h.body.status, "ok");
    const ready = await call(`${s.url}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.checks.cache.kind, "redis");

    // a book published by this process on Redis reaches the server's WebSocket client
    const ws = await wsClient(`${s.url.replace("http", "ws")}/ws?token=${SECRET}`);
    ws.send({ type: "subscribe", channels: ["books:binance:spot:BTCUSDT"] });
    await ws.next((m) => m.type === "subscribed");
    const book = sampleBook(7);
    const key = { exchange: "binance", market: "spot", symbol: "BTCUSDT" } as const;
    assert.equal(await publisher.publish(bookCacheKey(key), book), 1, "one subscriber: serve");
    const got = await ws.next((m) => m.channel === "books:binance:spot:BTCUSDT");
    assert.deepEqual(got.data, JSON.parse(JSON.stringify(book)));
    // the cached book is served too
    await publisher.set(bookCacheKey(key), book);
    const cached = await call(`${s.url}/books/binance/spot/BTCUSDT`, { token: SECRET });
    assert.deepEqual(cached.body, JSON.parse(JSON.stringify(book)));

    // parity with the CLI, the seed's example
    const api = await call(`${s.url}/backtest`, {
      method: "POST",
      token: SECRET,
      json: {
        symbols: ["bitcoin", "ethereum"],
        start: "2023-01-01",
        end: "2023-12-31",
        strategy: "BuyHoldStrategy",
        capital: 100000,
        save: false,
      },
    });
    assert.equal(api.status, 200, api.text);
    const env = { ...box.env, REDIS_URL: "" };
    const fromCli = await cli("backtest", [
      "--symbols",
      "bitcoin",
      "ethereum",
      "--start",
      "2023-01-01",
      "--end",
      "2023-12-31",
      "--strategy",
      "BuyHoldStrategy",
      "--capital",
      "100000",
      "--no-save",
      "--json",
    ], env);
    assert.deepEqual(api.body, fromCli);
    const sig = await call(`${s.url}/signals/generate`, {
      method: "POST",
      token: SECRET,
      json: {
        strategies: ["mean_reversion"],
        assets: ["bitcoin", "ethereum"],
        at: "2024-06-28",
        save: false,
      },
    });
    assert.equal(sig.status, 200, sig.text);
    const sigCli = await cli("signals", [
      "--strategies",
      "mean_reversion",
      "--assets",
      "bitcoin,ethereum",
      "--at",
      "2024-06-28",
      "--no-save",
      "--json",
    ], env);
    assert.deepEqual(sig.body, sigCli);

    // SIGTERM: the WebSocket client is told the server is going away, the process exits 0
    s.child.kill("SIGTERM");
    const closed = await ws.closed;
    assert.equal(closed.code, 1001);
    const status = await s.child.status;
    assert.equal(status.code, 0, await s.stderr);
    await s.rest;
  } finally {
    try {
      s.child.kill("SIGKILL");
    } catch { /* already exited */ }
    await s.child.status;
    await publisher.close();
    await redis.stop();
    await box.cleanup();
  }
});

Deno.test("deno task serve --schedule-file runs the jobs in-process and publishes their runs", async () => {
  const box = sandbox("test-serve-schedule");
  await Deno.mkdir(`${ROOT}${box.dir}`, { recursive: true });
  const store = box.open();
  await loadSampleMarket(store);
  store.close();
  const jobs = `${box.dir}/jobs.json`;
  await Deno.writeTextFile(
    `${ROOT}${jobs}`,
    JSON.stringify({ jobs: { backup: { kind: "backup", every: "1d" } } }),
  );
  const s = await spawnServe(box.env, ["--schedule-file", jobs]);
  try {
    const ws = await wsClient(`${s.url.replace("http", "ws")}/ws?token=${SECRET}`);
    // the first slot of a fresh database runs at once: replay from 0 in case it is already done
    ws.send({ type: "subscribe", channels: ["collection"], since: { collection: 0 } });
    const done = await ws.next((m) => m.channel === "collection" && m.type === "finished", 30_000);
    assert.equal(done.data.job, "backup");
    assert.equal(done.data.outcome, "success", JSON.stringify(done.data));
    const ready = await call(`${s.url}/ready`);
    assert.ok(
      ready.body.jobs.some((j: any) => j.job === "backup"),
      JSON.stringify(ready.body.jobs),
    );
    s.child.kill("SIGTERM");
    assert.equal((await ws.closed).code, 1001);
    assert.equal((await s.child.status).code, 0, await s.stderr);
    await s.rest;
  } finally {
    try {
      s.child.kill("SIGKILL");
    } catch { /* already exited */ }
    await s.child.status;
    await box.cleanup();
  }
});
