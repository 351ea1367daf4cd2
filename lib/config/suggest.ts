/**
 * "Did you mean …?" for names a user typed: flags, variables.
 * @module
 */

/** Levenshtein distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The known name closest to `name` within `maxDistance` edits (case-insensitive), if any.
 *
 * @example
 * ```ts
 * import { closestName } from "./suggest.ts";
 * closestName("COINGEKO_API_KEY", ["COINGECKO_API_KEY", "FRED_API_KEY"]); // "COINGECKO_API_KEY"
 * ```
 */
export function closestName(
  name: string,
  known: readonly string[],
  maxDistance = 2,
): string | undefined {
  let best: string | undefined;
  let bestD = maxDistance + 1;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}
