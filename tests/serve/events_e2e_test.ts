/**
 * Events published by other processes through a real redis-server reach the WebSocket clients
 * of a `deno task serve` process: `deno task signals` (one `signal` message per signal and the
 * `run` summary, the shapes `POST /signals/generate` publishes), `deno task collect` against the
 * local fake market (`run_started`, `run_finished` with per-series rows) and `deno task schedule
 * --once` (its jobs' signals, and `finished` for each run); the collected prices fire a price
 * alert. A Redis host the permission set does
 * not grant is one warning line, and the task still succeeds.
 */
import assert from "node:assert/strict";
import { loadSampleMarket } from "../../lib/services/sample_loader.ts";
import {
  RunFinishedEventSchema,
  SignalEventSchema,
  SignalRunEventSchema,
} from "../../lib/services/published_events.ts";
import { DAY_MS } from "../../lib/core/time.ts";
import { priceAt, startMarket } from "../collect/market_fixture.ts";
import { testRedis } from "../helpers/redis.ts";
import { taskArgs } from "../helpers/task_permissions.ts";
import { marketEnv, ROOT, sandbox } from "../schedule/helpers.ts";
import { call, SECRET, wsClient } from "./helpers.ts";
import { spawnServe } from "./process.ts";

async function run(task: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command("deno", {
    args: [...taskArgs(task, { loopback: true }), ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("signals, collect and schedule in their own processes reach serve's WebSocket clients through Redis", async () => {
  const redis = await testRedis();
  if (!redis) return;
  const box = sandbox("test-serve-events");
  await Deno.mkdir(`${ROOT}${box.dir}`, { recursive: true });
  const store = box.open();
  await loadSampleMarket(store);
  store.close();
  const m = startMarket();
  const env = { ...box.env, ...marketEnv(m.server.url), REDIS_URL: redis.url, CSV_BACKUP: "false" };
  const s = await spawnServe(env);
  try {
    const ws = await wsClient(`${s.url.replace("http", "ws")}/ws?token=${SECRET}`);
    ws.send({ type: "subscribe", channels: ["signals", "collection"] });
    await ws.next((x) => x.type === "subscribed");

    // deno task signals: the same messages as POST /signals/generate, summary included
    const sig = await run("signals", [
      "--strategies",
      "mean_reversion",
      "--assets",
      "bitcoin,ethereum",
      "--at",
      "2024-06-28",
      "--no-save",
      "--json",
    ], env);
    assert.equal(sig.code, 0, sig.stderr);
    assert.equal(sig.stderr, "", "no warning: Redis was reached");
    const body = JSON.parse(sig.stdout);
    const summary = await ws.next((x) => x.channel === "signals" && x.type === "run", 15_000);
    assert.deepEqual(SignalRunEventSchema.parse(summary.data), {
      now: body.now,
      at: "2024-06-28",
      assets: ["bitcoin", "ethereum"],
      strategies: body.strategies,
      signals: body.signals.length,
      aggregate: body.aggregate.signals.length,
      stored: 0,
    });
    const fired = ws.messages.filter((x) => x.channel === "signals" && x.type === "signal");
    assert.equal(fired.length, body.signals.length + body.aggregate.signals.length);
    for (const f of fired) SignalEventSchema.parse(f.data);
    assert.deepEqual(
      fired.map((f) => f.data),
      [...body.signals, ...body.aggregate.signals],
      "each signal as signals --json prints it",
    );

    // deno task schedule --once --signals (before collect: real bars would mix with the sample's)
    const before = ws.messages.length;
    const sch = await run("schedule", ["--once", "--signals", "--json"], env);
    assert.equal(sch.code, 0, sch.stderr);
    const jobDone = await ws.next((x) =>
      x.channel === "collection" && x.type === "finished" && x.data.job === "signals"
    );
    assert.equal(jobDone.data.outcome, "success");
    const jobRun = ws.messages.slice(before).find((x) =>
      x.channel === "signals" && x.type === "run"
    );
    assert.ok(jobRun, "the scheduled signal run published its summary");
    SignalRunEventSchema.parse(jobRun.data);

    // a price alert the collected bars will meet (any price is above 1)
    ws.send({ type: "subscribe", channels: ["alerts"] });
    await ws.next((x) => x.type === "subscribed" && x.channels.alerts);
    const alert = await call(`${s.url}/alerts`, {
      method: "POST",
      token: SECRET,
      json: { asset: "bitcoin", above: 1 },
    });
    assert.equal(alert.status, 201, alert.text);

    // deno task collect against the fake market: started, then finished with the rows per asset
    const col = await run(
      "collect",
      ["--source", "binance", "--assets", "bitcoin", "ethereum", "--days", "3", "--json"],
      env,
    );
    assert.equal(col.code, 0, col.stderr);
    const report = JSON.parse(col.stdout);
    const started = await ws.next((x) => x.channel === "collection" && x.type === "run_started");
    assert.deepEqual(started.data, {
      task: "collect",
      source: "binance",
      subjects: ["bitcoin", "ethereum"],
      interval: "1d",
      days: 3,
    });
    const fin = await ws.next((x) => x.channel === "collection" && x.type === "run_finished");
    const data = RunFinishedEventSchema.parse(fin.data);
    assert.equal(data.runId, report.runId);
    assert.equal(data.status, "success");
    assert.equal(data.failures, 0);
    // three complete daily bars per asset in a fresh database: 3 + 3 rows
    assert.deepEqual(data.items.map((i) => [i.subject, i.source, i.rowsWritten]), [
      ["bitcoin", "binance", 3],
      ["ethereum", "binance", 3],
    ]);
    assert.equal(data.rowsWritten, 6);
    assert.equal(started.seq < fin.seq, true);
    // the alert fired on the newest collected close: the fake market's close of the last
    // complete day (its bar's close is the price formula at the bar's end)
    const triggered = await ws.next((x) => x.channel === "alerts", 15_000);
    assert.equal(triggered.data.id, alert.body.id);
    const lastBar = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
    assert.equal(
      triggered.data.triggeredPrice,
      Number(priceAt("bitcoin", lastBar + DAY_MS).toFixed(8)),
    );

    // a Redis host the permission set does not grant: one warning, the run still succeeds
    const denied = await run("signals", [
      "--source",
      "sample",
      "--at",
      "2024-06-28",
      "--no-save",
      "--json",
    ], {
      ...env,
      REDIS_URL: "redis://10.255.255.1:6390/0",
    });
    assert.equal(denied.code, 0, denied.stderr);
    assert.match(
      denied.stderr,
      /^mts signals: warning: events not published: no network permission for 10\.255\.255\.1:6390 \(REDIS_URL\)/,
    );
    assert.equal(denied.stderr.trim().split("\n").length, 1, denied.stderr);
    await ws.close();
  } finally {
    s.child.kill("SIGTERM");
    await s.child.status;
    await s.rest;
    await m.server.close();
    await redis.stop();
    await box.cleanup();
  }
});
