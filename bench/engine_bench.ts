/**
 * Backtest engine speed: `sma_cross` (fast 10, slow 30, shorts allowed, 0.1% commission) through
 * the full event path — feed, broker, portfolio, strategy, metrics, manifest — over
 * 1 asset × 1,000,000 bars and 100 assets × 3,650 daily bars, each against a bare loop that does
 * the same arithmetic (incremental SMAs, cross test, fills at the next open, mark to the close)
 * over the same typed arrays. Target: >= 2,000,000 bars/s, and the engine within 5× of the bare
 * loop. The data checksum (SHA-256 of the input) and the validation of the bars are done once per
 * dataset, as the optimiser does, and passed in (`dataChecksum`, `seriesValidated`); the summary
 * also shows a run that does both itself.
 *
 *   deno bench --allow-all bench/engine_bench.ts        # Deno.bench table, bare loop = baseline
 *
 * The Deno.bench cases use deno bench's default iteration counts (at least 20 warm-up runs, then
 * at least 10 measured runs and half a second): with fewer, the mean is that of the first runs,
 * while the compiler is still settling, and the bare loop's mean includes its first, slow run.
 *   deno run bench/engine_bench.ts                      # bars/s and engine/bare ratio summary
 * @module
 */
import { runBacktest } from "../lib/engine/engine.ts";
import { dataChecksum } from "../lib/engine/manifest.ts";
import { type AssetSeries, validateSeries } from "../lib/engine/feed.ts";
import { smaCross } from "../strategies/sma_cross.ts";

const DAY = 86_400_000;
const PARAMS = { fast: 10, slow: 30, allow_short: true };

/** A seeded random walk (deterministic, so every run measures the same work). */
function walk(asset: string, n: number, seed: number): AssetSeries {
  let x = seed >>> 0;
  const rnd = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
  const s = {
    asset,
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
    s.ts[i] = Date.UTC(2000, 0, 1) + i * DAY;
    s.open[i] = o;
    s.close[i] = p;
    s.high[i] = Math.max(o, p) * (1 + rnd() * 0.01);
    s.low[i] = Math.min(o, p) * (1 - rnd() * 0.01);
    s.volume[i] = 1;
  }
  return s;
}

function engineRun(series: AssetSeries[], dataChecksum?: string): number {
  const r = runBacktest({
    series,
    interval: "1d",
    strategies: [smaCross.create(PARAMS)],
    capital: 100_000,
    commission: 0.001,
    dataChecksum,
    // validated once per dataset below, with the checksum, as the optimiser does
    seriesValidated: dataChecksum !== undefined,
  });
  return r.metrics.finalEquity;
}

/**
 * The bare loop: per asset, incremental fast/slow sums, the strict cross test, a target of
 * ±1/N of equity filled at the next open with commission, equity marked at each close.
 */
function bareRun(series: AssetSeries[]): number {
  const A = series.length, n = series[0].ts.length, { fast, slow } = PARAMS;
  const fs = new Float64Array(A), ss = new Float64Array(A), prev = new Float64Array(A).fill(NaN);
  const qty = new Float64Array(A), want = new Float64Array(A), pending = new Uint8Array(A);
  const mark = new Float64Array(A);
  const eq = new Float64Array(n);
  let cash = 100_000;
  for (let t = 0; t < n; t++) {
    for (let a = 0; a < A; a++) {
      const s = series[a];
      mark[a] = s.open[t];
      if (pending[a]) {
        pending[a] = 0;
        const o = s.open[t];
        if (qty[a] !== 0) {
          const q = qty[a];
          cash += q * o - Math.abs(q) * o * 0.001;
          qty[a] = 0;
        }
        if (want[a] !== 0) {
          let e = cash;
          for (let b = 0; b < A; b++) e += qty[b] * mark[b];
          const u = e / A / (o * 1.001);
          qty[a] = want[a] * u;
          cash -= qty[a] * o + u * o * 0.001;
        }
      }
    }
    let e = cash;
    for (let a = 0; a < A; a++) {
      const c = series[a].close;
      mark[a] = c[t];
      e += qty[a] * c[t];
      fs[a] += c[t];
      ss[a] += c[t];
      if (t >= fast) fs[a] -= c[t - fast];
      if (t >= slow) ss[a] -= c[t - slow];
      if (t + 1 < slow) continue;
      const d = fs[a] / fast - ss[a] / slow, sign = d > 0 ? 1 : d < 0 ? -1 : 0;
      if (prev[a] < 0 && sign > 0) {
        want[a] = 1;
        pending[a] = 1;
      } else if (prev[a] > 0 && sign < 0) {
        want[a] = -1;
        pending[a] = 1;
      }
      prev[a] = sign;
    }
    eq[t] = e;
  }
  return eq[n - 1];
}

const ONE = [walk("a0", 1_000_000, 1)];
const MANY = Array.from({ length: 100 }, (_, i) => walk(`a${i}`, 3650, i + 1));
// once per dataset, as the optimiser does: the checksum and the validation of the bars
const ONE_SUM = dataChecksum(ONE), MANY_SUM = dataChecksum(MANY);
for (const s of [...ONE, ...MANY]) validateSeries(s);

Deno.bench({
  name: "engine sma_cross 1 asset × 1,000,000 bars",
  group: "1x1M",
  fn: () => {
    engineRun(ONE, ONE_SUM);
  },
});
Deno.bench({
  name: "bare loop 1 asset × 1,000,000 bars",
  group: "1x1M",
  baseline: true,
  fn: () => {
    bareRun(ONE);
  },
});
Deno.bench({
  name: "engine sma_cross 100 assets × 3,650 bars",
  group: "100x3650",
  fn: () => {
    engineRun(MANY, MANY_SUM);
  },
});
Deno.bench({
  name: "bare loop 100 assets × 3,650 bars",
  group: "100x3650",
  baseline: true,
  fn: () => {
    bareRun(MANY);
  },
});

/** The fastest of `reps` timed runs (after one warm-up): the least disturbed by other load. */
function fastest(f: () => void, reps: number): number {
  f();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

if (import.meta.main) {
  for (
    const [label, data, sum] of [["1 × 1,000,000", ONE, ONE_SUM], [
      "100 × 3,650",
      MANY,
      MANY_SUM,
    ]] as const
  ) {
    const bars = data.length * data[0].ts.length;
    const e = fastest(() => engineRun(data, sum), 9);
    const x = fastest(() => engineRun(data), 5);
    const b = fastest(() => bareRun(data), 9);
    const rate = (ms: number) => `${(bars / ms / 1000).toFixed(2)}M bars/s (${ms.toFixed(0)} ms)`;
    console.log(
      `${label}: engine ${rate(e)}; with a per-run SHA-256 checksum and validation ${rate(x)}; ` +
        `bare loop ${rate(b)}; engine time / bare time = ${(e / b).toFixed(1)}x (fastest of 9)`,
    );
  }
}
