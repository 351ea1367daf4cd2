/**
 * The queue executor and the trial worker in one process on a real redis-server: results equal
 * the inline executor's bit for bit (hand-worked return included), a worker reads a dataset once
 * however many trials use it, identical trials share one job, and a failing trial rejects the
 * sweep with its reason.
 */
import assert from "node:assert/strict";
import { seriesSource } from "../../lib/core/provenance.ts";
import { dataChecksum } from "../../lib/engine/manifest.ts";
import { queueExecutor } from "../../lib/services/queue_executor.ts";
import { startTrialWorker } from "../../lib/services/queue_worker.ts";
import {
  inlineExecutor,
  runTrials,
  trialDataset,
  type TrialSpec,
} from "../../lib/services/trials.ts";
import { STRATEGIES } from "../../strategies/mod.ts";
import { testRedis } from "../helpers/redis.ts";

const DAY = 86_400_000;
const closes = [10, 9, 8, 9, 10, 11, 12, 11, 10, 9];
const series = [{
  asset: "x",
  ts: Float64Array.from(closes, (_, i) => Date.UTC(2024, 0, 1) + i * DAY),
  open: Float64Array.from(closes, (c, i) => i === 0 ? c : closes[i - 1]),
  high: Float64Array.from(closes, (c, i) => Math.max(c, i === 0 ? c : closes[i - 1])),
  low: Float64Array.from(closes, (c, i) => Math.min(c, i === 0 ? c : closes[i - 1])),
  close: Float64Array.from(closes),
  volume: new Float64Array(closes.length).fill(1),
}];
const dataset = trialDataset({
  interval: "1d",
  series,
  macro: [],
  sources: [seriesSource("price", "x", "csv", "x.csv")],
  dataChecksum: dataChecksum(series),
});
const spec = (id: number, fast: number, slow: number): TrialSpec => ({
  id,
  strategy: "sma_cross",
  params: { fast, slow, allow_short: false },
  datasetHash: dataset.hash,
  exec: { capital: 1000 },
});

Deno.test("queue executor: the inline results, one dataset load, shared jobs, failures reported", async () => {
  const redis = await testRedis();
  if (!redis) return;
  const name = `test-${crypto.randomUUID().slice(0, 8)}`;
  const settings = { url: redis.url, name, retentionSeconds: 3600, datasetTtlSeconds: 600 };
  const worker = await startTrialWorker({
    url: redis.url,
    queueName: name,
    concurrency: 2,
    threadUrl: new URL("../../workers/optimize_worker.ts", import.meta.url),
    lockDurationMs: 5000,
    stalledIntervalMs: 1000,
  });
  const exec = queueExecutor(settings);
  try {
    // trial 3 repeats trial 0: one job serves both
    const trials = [spec(0, 1, 2), spec(1, 1, 3), spec(2, 2, 3), spec(3, 1, 2)];
    const batch = { datasets: [dataset], trials };
    const seen: number[] = [];
    const got = await runTrials(batch, exec, { onResult: (_o, done) => seen.push(done) });
    const want = await runTrials(batch, inlineExecutor(STRATEGIES));
    assert.deepEqual(got, want);
    assert.deepEqual(seen, [1, 2, 3, 4]);
    // fast 1 / slow 2: buy at 9 (bar 4's open), sell at 11 (bar 8's open)
    assert.ok(Math.abs(got[0].metrics.totalReturn - 2 / 9) < 1e-12);
    assert.equal(worker.processed, 3, "three distinct trials, three jobs");
    assert.equal(worker.datasetsLoaded, 1, "the dataset was read from Redis once");
    assert.equal(exec.reusedJobs, 0);
    await runTrials(batch, exec);
    assert.equal(worker.processed, 3, "the rerun ran nothing");
    assert.equal(exec.reusedJobs, 3);

    const bad = { ...spec(9, 1, 2), params: { fast: 1, slow: 2, allow_short: false, nope: 1 } };
    await assert.rejects(
      runTrials({ datasets: [dataset], trials: [bad] }, exec),
      /trial 9 failed on a worker: .*nope/,
    );
  } finally {
    await exec.close();
    await worker.close();
    await redis.stop();
  }
});
