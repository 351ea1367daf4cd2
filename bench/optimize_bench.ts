/**
 * Optimiser throughput: sma_cross trials (distinct fast/slow pairs, 0.1% commission) over one
 * asset × 5 years of daily bars (1,826 bars), run in this thread and on the Web Worker pool with
 * 1 and 2 workers (each worker receives the dataset once). The goal: 10,000 trials in
 * under 10 s on the 2-core machine — the `10,000 trials` line runs exactly that (one timed run on
 * 2 workers, after a warm-up batch).
 *
 *   deno bench --allow-all bench/optimize_bench.ts      # Deno.bench table (500 trials each + the 10,000)
 *   deno run --allow-all bench/optimize_bench.ts [N]     # wall time for N trials (default 10,000)
 * @module
 */
import { dataChecksum } from "../lib/engine/manifest.ts";
import type { AssetSeries } from "../lib/engine/feed.ts";
import { seriesSource } from "../lib/core/provenance.ts";
import { inlineExecutor, runTrials, trialDataset, type TrialSpec } from "../lib/services/trials.ts";
import { workerPoolExecutor } from "../lib/services/worker_pool.ts";
import { STRATEGIES } from "../strategies/mod.ts";

const DAY = 86_400_000;
const WORKER = new URL("../workers/optimize_worker.ts", import.meta.url);

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
    volume: new Float64Array(n),
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
    s.volume[i] = 1;
  }
  return s;
}

const series = [walk(1826, 7)];
const dataset = trialDataset({
  interval: "1d",
  series,
  macro: [],
  sources: [seriesSource("price", "bench", "csv", "bench.csv")],
  dataChecksum: dataChecksum(series),
});

/** `n` distinct (fast, slow) pairs with fast < slow. */
function trials(n: number): TrialSpec[] {
  const out: TrialSpec[] = [];
  for (let slow = 3; out.length < n; slow++) {
    for (let fast = 1; fast < slow && out.length < n; fast++) {
      out.push({
        id: out.length,
        strategy: "sma_cross",
        params: { fast, slow, allow_short: true },
        datasetHash: dataset.hash,
        exec: { capital: 100_000, commission: 0.001 },
      });
    }
  }
  return out;
}

const BENCH = trials(500);
const inline = inlineExecutor(STRATEGIES);
const pool1 = workerPoolExecutor({ workers: 1, url: WORKER });
const pool2 = workerPoolExecutor({ workers: 2, url: WORKER });

for (
  const [name, ex] of [["this thread", inline], ["1 worker", pool1], ["2 workers", pool2]] as const
) {
  Deno.bench({
    name: `500 trials × 1,826 bars, ${name}`,
    group: "optimize",
    baseline: ex === inline,
    n: 3,
    warmup: 1,
    fn: async () => {
      await runTrials({ datasets: [dataset], trials: BENCH }, ex);
    },
  });
}

const GOAL = trials(10_000);
Deno.bench({
  name: "10,000 trials × 1,826 bars, 2 workers (goal: < 10 s)",
  group: "goal",
  n: 1,
  warmup: 1,
  fn: async () => {
    await runTrials({ datasets: [dataset], trials: GOAL }, pool2);
  },
});

if (import.meta.main) {
  const n = Number(Deno.args[0] ?? 10_000);
  const batch = { datasets: [dataset], trials: trials(n) };
  for (
    const [name, ex] of [["this thread", inline], ["1 worker", pool1], [
      "2 workers",
      pool2,
    ]] as const
  ) {
    await runTrials({ datasets: [dataset], trials: trials(50) }, ex); // start and warm up
    const t = performance.now();
    await runTrials(batch, ex);
    const s = (performance.now() - t) / 1000;
    console.log(
      `${name}: ${n} trials in ${s.toFixed(2)} s = ${(n / s).toFixed(0)} trials/s ` +
        `(10,000 trials ≈ ${(10_000 / (n / s)).toFixed(1)} s)`,
    );
  }
  await pool1.close();
  await pool2.close();
}
