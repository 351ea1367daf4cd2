/**
 * Research statistics speed: the probability of backtest overfitting by CSCV with S = 16 blocks
 * (12,870 splits) over T = 2,000 returns × N = 1,000 trials (the optimiser's default), and the
 * issue's upper case N = 2,000. Deterministic seeded returns, so every run measures the same work.
 *
 *   deno bench --allow-all bench/research_bench.ts     # Deno.bench table
 *   deno run bench/research_bench.ts                   # median time and splits/s summary
 * @module
 */
import { probabilityOfBacktestOverfitting } from "../lib/research/pbo.ts";
import { createRng } from "../lib/core/prng.ts";

/** T × N per-period returns: small per-trial drifts plus 1% noise. */
function matrix(t: number, n: number, seed: number): number[][] {
  const rng = createRng(seed);
  const drift = Array.from({ length: n }, () => 0.0003 * rng.normal());
  return Array.from({ length: t }, () => drift.map((d) => d + 0.01 * rng.normal()));
}

const N1000 = matrix(2000, 1000, 1);
const N2000 = matrix(2000, 2000, 2);

Deno.bench({
  name: "PBO S=16, T=2,000, N=1,000",
  n: 3,
  warmup: 1,
  fn: () => {
    probabilityOfBacktestOverfitting(N1000, { blocks: 16 });
  },
});
Deno.bench({
  name: "PBO S=16, T=2,000, N=2,000",
  n: 3,
  warmup: 1,
  fn: () => {
    probabilityOfBacktestOverfitting(N2000, { blocks: 16 });
  },
});

function median(f: () => void, reps: number): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

if (import.meta.main) {
  for (const [label, m] of [["N = 1,000", N1000], ["N = 2,000", N2000]] as const) {
    let pbo = NaN;
    const ms = median(() => (pbo = probabilityOfBacktestOverfitting(m, { blocks: 16 }).pbo), 3);
    console.log(
      `PBO S = 16, T = 2,000, ${label}: ${ms.toFixed(0)} ms ` +
        `(${(12870 / ms * 1000).toFixed(0)} splits/s), pbo ${pbo.toFixed(3)}`,
    );
  }
}
