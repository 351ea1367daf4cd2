// deno-lint-ignore-file no-explicit-any
/**
 * `POST /backtest` runs its engine in a Web Worker (API_BACKTEST_WORKERS): while a CPU-heavy
 * backtest runs, `/health` keeps answering; with API_BACKTEST_WORKERS=0 (the server's thread)
 * it cannot — the control case, showing the first assertion can fail. At most
 * API_BACKTEST_WORKERS engines run at once, the others wait (`mts_backtests_queued`). A slow
 * strategy (tests/serve/slow_strategy.ts, spinning 1 ms per bar over the sample's 2,192 daily
 * bars) makes the backtest take seconds.
 */
import assert from "node:assert/strict";
import { call, SECRET, withService } from "./helpers.ts";
import { TEST_STRATEGIES } from "./slow_strategy.ts";

const WORKER = new URL("./slow_backtest_worker.ts", import.meta.url);
const SLOW = {
  symbols: ["bitcoin"],
  strategy: "slow_burn",
  params: { ms_per_bar: 1 },
  save: false,
};

async function postSlow(url: string) {
  const r = await call(`${url}/backtest`, { method: "POST", token: SECRET, json: SLOW });
  assert.equal(r.status, 202, r.text);
  return r.body.id as string;
}

async function waitDone(url: string, id: string): Promise<any> {
  for (;;) {
    const r = await call(`${url}/backtests/${id}`, { token: SECRET });
    if (r.body.status !== "running") return r.body;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** The slowest of `n` /health answers, ms. */
async function healthLatency(url: string, n: number): Promise<number> {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await call(`${url}/health`);
    assert.equal(r.status, 200);
    worst = Math.max(worst, performance.now() - t);
    await new Promise((res) => setTimeout(res, 50));
  }
  return worst;
}

Deno.test("a long backtest runs in a worker: /health answers meanwhile, the result arrives", async () => {
  await withService({
    env: { API_SYNC_TIMEOUT_MS: "0", API_BACKTEST_WORKERS: "1" },
    registry: TEST_STRATEGIES,
    backtestWorkerUrl: WORKER,
  }, async ({ url }) => {
    const id = await postSlow(url);
    // /health, again and again until the run is done: loading, engine, report
    let worst = 0, probes = 0, done: any;
    for (;;) {
      worst = Math.max(worst, await healthLatency(url, 1));
      probes++;
      done = (await call(`${url}/backtests/${id}`, { token: SECRET })).body;
      if (done.status !== "running") break;
    }
    assert.ok(probes >= 5, `only ${probes} probes: the run was too short to tell`);
    assert.ok(worst < 1_000, `/health took ${worst.toFixed(0)} ms during a backtest`);
    assert.equal(done.status, "done", JSON.stringify(done));
    assert.equal(done.result.metrics.numTrades, 0, "slow_burn never trades");
    assert.equal(done.result.metrics.finalEquity, 100_000);
    assert.equal(done.result.manifest.data[0].bars, 2192);
    const report = await call(`${url}/backtests/${id}/report`, { token: SECRET });
    assert.equal(report.status, 200);
    assert.match(report.text, /<html/i);
  });
});

Deno.test("control: with API_BACKTEST_WORKERS=0 the backtest blocks the server's thread", async () => {
  await withService({
    env: { API_SYNC_TIMEOUT_MS: "0", API_BACKTEST_WORKERS: "0" },
    registry: TEST_STRATEGIES,
  }, async ({ url }) => {
    const t = performance.now();
    let finished = false;
    const post = call(`${url}/backtest`, { method: "POST", token: SECRET, json: SLOW })
      .finally(() => finished = true);
    let worst = 0;
    while (!finished) worst = Math.max(worst, await healthLatency(url, 1));
    const done = await post;
    const total = performance.now() - t;
    // on the server's thread the run finishes before the 202 timer can fire: a 200
    assert.equal(done.status, 200, done.text);
    // the engine holds the thread: one /health waited for the engine's whole run (2,192 bars
    // at 1 ms each, at least 2.2 s)
    assert.ok(worst > 1_500, `worst /health ${worst.toFixed(0)} ms of ${total.toFixed(0)} ms`);
  });
});

Deno.test("at most API_BACKTEST_WORKERS engines run at once; the others wait their turn", async () => {
  await withService({
    env: { API_SYNC_TIMEOUT_MS: "0", API_BACKTEST_WORKERS: "1" },
    registry: TEST_STRATEGIES,
    backtestWorkerUrl: WORKER,
  }, async ({ url }) => {
    const a = await postSlow(url);
    const b = await postSlow(url);
    await new Promise((res) => setTimeout(res, 300));
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(text, /^mts_backtests_running 1$/m);
    assert.match(text, /^mts_backtests_queued 1$/m);
    assert.equal((await waitDone(url, a)).status, "done");
    assert.equal((await waitDone(url, b)).status, "done");
    const after = await (await fetch(`${url}/metrics`)).text();
    assert.match(after, /^mts_backtests_running 0$/m);
    assert.match(after, /^mts_backtests_queued 0$/m);
    assert.match(after, /^mts_backtests_total\{outcome="success"\} 2$/m);
  });
});
