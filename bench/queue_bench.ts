/**
 * Distributed-sweep throughput, side by side: the same sma_cross trials (distinct fast/slow
 * pairs, 0.1% commission, 1,826 daily bars by default) on the local Web Worker pool with 1 and 2 workers,
 * and through the BullMQ queue (`queueExecutor`, what `optimize --queue` runs) with 1 and 2
 * `deno task worker` processes (concurrency 1 each). Every queue run uses fresh job ids (its own
 * capital), so nothing is read back from an earlier run. Needs redis-server on PATH or
 * REDIS_TEST_URL.
 *
 *   deno run --allow-all bench/queue_bench.ts [N] [BARS]   # trials/s, N trials (500) × BARS bars (1826)
 * @module
 */
import { seriesSource } from "../lib/core/provenance.ts";
import type { AssetSeries } from "../lib/engine/feed.ts";
import { dataChecksum } from "../lib/engine/manifest.ts";
import { queueExecutor } from "../lib/services/queue_executor.ts";
import {
  runTrials,
  trialDataset,
  type TrialExecutor,
  type TrialSpec,
} from "../lib/services/trials.ts";
import { workerPoolExecutor } from "../lib/services/worker_pool.ts";
import { testRedis } from "../tests/helpers/redis.ts";
import { taskArgs } from "../tests/helpers/task_permissions.ts";

const DAY = 86_400_000;
const ROOT = new URL("../", import.meta.url);
const THREAD = new URL("../workers/optimize_worker.ts", import.meta.url);

function walk(n: number, seed: number): AssetSeries {
  let x = seed >>> 0;
  const rnd = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
  const s = {
    asset: "bench",
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n).fill(1),
  };
  let p = 100;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = Math.max(1, p * (1 + (rnd() - 0.5) * 0.04));
    s.ts[i] = Date.UTC(2019, 0, 1) + i * DAY;
    s.open[i] = o;
    s.close[i] = p;
    s.high[i] = Math.max(o, p) * (1 + rnd() * 0.01);
    s.low[i] = Math.min(o, p) * (1 - rnd() * 0.01);
  }
  return s;
}

const BARS = Number(Deno.args[1] ?? 1826);
const series = [walk(BARS, 7)];
const dataset = trialDataset({
  interval: "1d",
  series,
  macro: [],
  sources: [seriesSource("price", "bench", "csv", "bench.csv")],
  dataChecksum: dataChecksum(series),
});

/** `n` distinct (fast, slow) pairs; `capital` makes the job ids of a run its own. */
function trials(n: number, capital: number): TrialSpec[] {
  const out: TrialSpec[] = [];
  for (let slow = 3; out.length < n; slow++) {
    for (let fast = 1; fast < slow && out.length < n; fast++) {
      out.push({
        id: out.length,
        strategy: "sma_cross",
        params: { fast, slow, allow_short: true },
        datasetHash: dataset.hash,
        exec: { capital, commission: 0.001 },
      });
    }
  }
  return out;
}

let capital = 100_000 + Math.floor(Math.random() * 1e6);

async function measure(name: string, ex: TrialExecutor, n: number): Promise<void> {
  await runTrials({ datasets: [dataset], trials: trials(20, capital++) }, ex); // warm up
  const batch = { datasets: [dataset], trials: trials(n, capital++) };
  const t = performance.now();
  await runTrials(batch, ex);
  const s = (performance.now() - t) / 1000;
  console.log(
    `${name.padEnd(28)} ${n} trials in ${s.toFixed(2)} s = ${(n / s).toFixed(0)} trials/s`,
  );
}

async function startWorkers(k: number, env: Record<string, string>): Promise<Deno.ChildProcess[]> {
  const out: Deno.ChildProcess[] = [];
  for (let i = 0; i < k; i++) {
    const child = new Deno.Command("deno", {
      args: [...taskArgs("worker", { loopback: true }), "--concurrency", "1"],
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read(); // the ready line
    reader.releaseLock();
    child.stdout.cancel().catch(() => {});
    out.push(child);
  }
  return out;
}

if (import.meta.main) {
  const n = Number(Deno.args[0] ?? 500);
  for (const workers of [1, 2]) {
    const pool = workerPoolExecutor({ workers, url: THREAD });
    await measure(`local, ${workers} worker(s)`, pool, n);
    await pool.close();
  }
  const redis = await testRedis();
  if (!redis) Deno.exit(0);
  const name = `bench-${crypto.randomUUID().slice(0, 8)}`;
  const env = { REDIS_URL: redis.url, QUEUE_NAME: name, LOG_FILE: "", NO_COLOR: "1" };
  const ex = queueExecutor({
    url: redis.url,
    name,
    retentionSeconds: 3600,
    datasetTtlSeconds: 600,
  });
  try {
    for (const k of [1, 2]) {
      const procs = await startWorkers(k, env);
      await measure(`queue, ${k} worker process(es)`, ex, n);
      for (const p of procs) {
        p.kill("SIGTERM");
        await p.status;
      }
    }
  } finally {
    await ex.close();
    await redis.stop();
  }
}
