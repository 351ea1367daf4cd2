/**
 * `serve --schedule`: the scheduler's runs reach the service's `/metrics` (`mts_job_*`,
 * `mts_scheduler_*`): counters from its events (runs by outcome, duration, retries, skipped
 * slots) and gauges from its status at each scrape (running, queued, next run, last outcome,
 * leadership), with the exposition passing `promtool check metrics`. The gauges are also checked
 * against a hand-built status, where every expected value is known.
 */
import assert from "node:assert/strict";
import { Registry } from "prom-client";
import {
  jobMetrics,
  recordSchedulerEvent,
  refreshJobGauges,
} from "../../lib/server/job_metrics.ts";
import type { SchedulerStatus } from "../../lib/scheduler/runner.ts";
import { startMarket } from "../collect/market_fixture.ts";
import { marketEnv } from "../schedule/helpers.ts";
import {
  finishedRunOf,
  metricSample,
  scheduleIn,
  SECRET,
  withService,
  wsClient,
} from "./helpers.ts";
import { promtool } from "./process.ts";

Deno.test("job metrics from events and from a hand-built scheduler status", async () => {
  const registry = new Registry();
  const m = jobMetrics(registry);
  const base = { slot: 0, catchUp: false, missedSlots: 0 };
  recordSchedulerEvent(m, {
    type: "finished",
    job: "collect",
    startMs: 1_000,
    endMs: 3_500,
    outcome: "success",
    attempts: 1,
    ...base,
  });
  recordSchedulerEvent(m, {
    type: "finished",
    job: "collect",
    startMs: 10_000,
    endMs: 10_200,
    outcome: "failed",
    attempts: 3,
    ...base,
  });
  recordSchedulerEvent(m, { type: "skipped", job: "macro", slot: 0, reason: "overlap", atMs: 5 });
  recordSchedulerEvent(m, { type: "leader", state: "leader", atMs: 5 }); // read from status instead
  const status: SchedulerStatus = {
    leader: false,
    stopping: false,
    jobs: [
      {
        name: "collect",
        kind: "collect",
        schedule: "every 1h",
        available: true,
        queued: false,
        next: { slot: 7_200_000, atMs: 7_230_000 },
        last: { outcome: "failed", slot: 0, endMs: 10_200 },
      },
      {
        name: "macro",
        kind: "macro",
        schedule: "every 6h",
        available: true,
        running: { slot: 0, startMs: 4_000 },
        queued: false,
      },
      {
        name: "funding",
        kind: "funding",
        schedule: "every 8h",
        available: false,
        unavailable: "not available in this build",
        queued: true,
        next: { slot: 0, atMs: 9_000 },
      },
    ],
  };
  let text = await registry.metrics();
  assert.equal(metricSample(text, "mts_scheduler_up"), 0, "no scheduler status yet");
  m.status = () => status;
  refreshJobGauges(m);
  text = await registry.metrics();
  assert.equal(metricSample(text, "mts_job_runs_total", `job="collect",outcome="success"`), 1);
  assert.equal(metricSample(text, "mts_job_runs_total", `job="collect",outcome="failed"`), 1);
  assert.equal(
    metricSample(text, "mts_job_retries_total", `job="collect"`),
    2,
    "3 attempts = 2 retries",
  );
  assert.equal(metricSample(text, "mts_job_run_duration_seconds_count", `job="collect"`), 2);
  assert.equal(metricSample(text, "mts_job_run_duration_seconds_sum", `job="collect"`), 2.5 + 0.2);
  assert.equal(
    metricSample(text, "mts_job_run_duration_seconds_bucket", `le="1",job="collect"`),
    1,
  );
  assert.equal(
    metricSample(text, "mts_job_skipped_slots_total", `job="macro",reason="overlap"`),
    1,
  );
  assert.equal(metricSample(text, "mts_scheduler_up"), 1);
  assert.equal(metricSample(text, "mts_scheduler_leader", `lock="redis"`), 0, "standing by");
  assert.equal(metricSample(text, "mts_job_running", `job="macro"`), 1);
  assert.equal(metricSample(text, "mts_job_running", `job="collect"`), 0);
  assert.equal(metricSample(text, "mts_job_queued", `job="funding"`), 1);
  assert.equal(metricSample(text, "mts_job_next_run_timestamp_seconds", `job="collect"`), 7_230);
  assert.equal(
    metricSample(text, "mts_job_next_run_timestamp_seconds", `job="funding"`),
    undefined,
    "a job that cannot run here has no next run",
  );
  assert.equal(metricSample(text, "mts_job_last_run_end_timestamp_seconds", `job="collect"`), 10.2);
  assert.equal(metricSample(text, "mts_job_last_outcome", `job="collect",outcome="failed"`), 1);
  assert.equal(metricSample(text, "mts_job_last_outcome", `job="collect",outcome="success"`), 0);
  assert.equal(
    metricSample(text, "mts_job_last_outcome", `job="macro",outcome="failed"`),
    undefined,
  );
  const check = await promtool(text);
  assert.equal(check.code, 0, `promtool: ${check.output}`);
  // without a leader lock there is no leader sample; a stopped scheduler is down
  m.status = () => ({ ...status, leader: null, stopping: true });
  refreshJobGauges(m);
  text = await registry.metrics();
  assert.equal(metricSample(text, "mts_scheduler_leader", `lock="redis"`), undefined);
  assert.equal(metricSample(text, "mts_scheduler_up"), 0);
  m.status = undefined;
  refreshJobGauges(m);
  text = await registry.metrics();
  assert.equal(metricSample(text, "mts_scheduler_up"), 0);
  assert.equal(metricSample(text, "mts_job_running", `job="macro"`), undefined, "no job gauges");
  assert.equal(
    metricSample(text, "mts_job_runs_total", `job="collect",outcome="failed"`),
    1,
    "kept",
  );
});

Deno.test("serve --schedule: the scheduler's runs, retries and plan reach /metrics", async () => {
  const m = startMarket();
  // every request of the collect job fails: one retry, then the run has failed
  m.server.faultAlways(/symbol=/, { type: "status", status: 500, body: "down" });
  const dir = await Deno.makeTempDir({ prefix: "mts-job-metrics-" });
  const file = `${dir}/jobs.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      jobs: {
        prices: {
          kind: "collect",
          every: "1d",
          retries: 1,
          retryDelay: "1s",
          options: { source: "binance", assets: ["bitcoin"], days: 2 },
        },
        backup: { kind: "backup", every: "1d" },
      },
    }),
  );
  const env = {
    ...marketEnv(m.server.url),
    HTTP_MAX_RETRIES: "0",
    HTTP_BACKOFF_BASE_MS: "5",
    CSV_BACKUP: "false",
    DATA_DIR: dir,
  };
  const stop = new AbortController();
  try {
    await withService({ env, sample: false }, async ({ service, url }) => {
      const ws = await wsClient(`${url.replace("http", "ws")}/ws?token=${SECRET}`);
      ws.send({ type: "subscribe", channels: ["collection"], since: { collection: 0 } });
      const before = await (await fetch(`${url}/metrics`)).text();
      assert.equal(metricSample(before, "mts_scheduler_up"), 0, "no scheduler yet");
      const handle = await scheduleIn(service, file, stop.signal);
      const prices = await ws.next(finishedRunOf("prices"), 60_000);
      const backup = await ws.next(finishedRunOf("backup"), 60_000);
      assert.equal(prices.data.outcome, "failed", JSON.stringify(prices.data));
      assert.equal(prices.data.attempts, 2);
      assert.equal(backup.data.outcome, "success", JSON.stringify(backup.data));

      // while the scheduler runs: both jobs wait for tomorrow's slot
      const text = await (await fetch(`${url}/metrics`)).text();
      const check = await promtool(text);
      assert.equal(check.code, 0, `promtool: ${check.output}`);
      assert.equal(metricSample(text, "mts_scheduler_up"), 1);
      assert.equal(
        metricSample(text, "mts_scheduler_leader", `lock="redis"`),
        undefined,
        "no leader lock without Redis",
      );
      assert.equal(metricSample(text, "mts_job_runs_total", `job="prices",outcome="failed"`), 1);
      assert.equal(metricSample(text, "mts_job_runs_total", `job="backup",outcome="success"`), 1);
      assert.equal(metricSample(text, "mts_job_retries_total", `job="prices"`), 1);
      assert.equal(metricSample(text, "mts_job_run_duration_seconds_count", `job="prices"`), 1);
      assert.equal(metricSample(text, "mts_job_last_outcome", `job="prices",outcome="failed"`), 1);
      assert.equal(metricSample(text, "mts_job_last_outcome", `job="backup",outcome="success"`), 1);
      assert.equal(metricSample(text, "mts_job_running", `job="prices"`), 0);
      const day = 86_400;
      const next = metricSample(text, "mts_job_next_run_timestamp_seconds", `job="backup"`)!;
      const today = Math.floor(Date.now() / 1000 / day) * day;
      assert.ok(next > today + day - 1 && next < today + 2 * day, `next run ${next}`);
      assert.equal(
        metricSample(text, "mts_job_last_run_end_timestamp_seconds", `job="backup"`),
        Date.parse(backup.data.end) / 1000,
      );
      stop.abort();
      await handle.done;
      await ws.close();
      const after = await (await fetch(`${url}/metrics`)).text();
      assert.equal(metricSample(after, "mts_scheduler_up"), 0, "stopped");
      assert.equal(metricSample(after, "mts_job_runs_total", `job="prices",outcome="failed"`), 1);
    });
  } finally {
    stop.abort();
    await m.server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
