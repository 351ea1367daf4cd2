/**
 * Thinning long lines for the report's charts without hiding spikes: each bucket keeps the
 * points where any of its series reaches its minimum or maximum, so a one-bar crash survives.
 * @module
 */

/** One pass: the extremes of every series in each of `buckets` equal buckets, plus the last index. */
function extremes(n: number, series: readonly ArrayLike<number>[], buckets: number): number[] {
  const size = Math.ceil(n / buckets);
  const keep: number[] = [];
  for (let s = 0; s < n; s += size) {
    const e = Math.min(n, s + size);
    const picked = new Set<number>();
    for (const v of series) {
      let lo = s, hi = s;
      for (let i = s; i < e; i++) {
        if (v[i] < v[lo]) lo = i;
        if (v[i] > v[hi]) hi = i;
      }
      picked.add(lo).add(hi);
    }
    keep.push(...[...picked].sort((a, b) => a - b));
  }
  if (keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  return keep;
}

/**
 * Indices (ascending) to keep so that at most about `max` points remain: the series are cut into
 * buckets and, per bucket, the index of each series' minimum and maximum is kept; the last index
 * is always kept. Below `max` points every index is kept. All series must have length `n`.
 *
 * Extremes of several series often coincide, so the bucket count starts where even distinct
 * extremes fit in `max` and doubles while the result still fits.
 *
 * @example
 * ```ts
 * import { downsampleIndices } from "./downsample.ts";
 * downsampleIndices(3, [[5, 1, 9]], 10); // [0, 1, 2]
 * ```
 */
export function downsampleIndices(
  n: number,
  series: readonly ArrayLike<number>[],
  max: number,
): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  let buckets = Math.max(1, Math.floor(max / (2 * Math.max(1, series.length))));
  let keep = extremes(n, series, buckets);
  while (buckets * 2 <= n) {
    const finer = extremes(n, series, buckets * 2);
    if (finer.length > max) break;
    keep = finer;
    buckets *= 2;
  }
  return keep;
}

/** Reduces a line to at most ~`max` points, keeping each bucket's minimum and maximum. */
export function downsample(
  ts: ArrayLike<number>,
  v: ArrayLike<number>,
  max: number,
): { t: number[]; v: number[] } {
  const out = { t: [] as number[], v: [] as number[] };
  for (const i of downsampleIndices(ts.length, [v], max)) {
    // Equal timestamps would draw a vertical hair; keep the first.
    if (out.t.length > 0 && out.t[out.t.length - 1] === ts[i]) continue;
    out.t.push(ts[i]);
    out.v.push(v[i]);
  }
  return out;
}
