/**
 * k-subsets of {0, …, n − 1} in lexicographic order, for the splits of combinatorially symmetric
 * cross-validation. In that order the complement of the i-th k-subset of a 2k-set is the
 * (C − 1 − i)-th, where C = C(2k, k): lexicographic order on sorted index lists is descending order
 * on membership bit strings read from element 0, and complementing every bit reverses that order.
 * @module
 */

/**
 * The binomial coefficient C(n, k), exact while it stays below 2⁵³.
 * @example binomial(16, 8) // 12870
 */
export function binomial(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || n < 0) {
    throw new RangeError(`Cannot compute C(n, k): n and k must be whole numbers, got ${n}, ${k}`);
  }
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let c = 1;
  // c·(n − k + i)/i stays whole at every step: it is C(n − k + i, i).
  for (let i = 1; i <= k; i++) c = c * (n - k + i) / i;
  return Math.round(c);
}

/** The first k-subset in lexicographic order: [0, 1, …, k − 1]. */
export function firstCombination(k: number): Int32Array {
  const c = new Int32Array(k);
  for (let i = 0; i < k; i++) c[i] = i;
  return c;
}

/**
 * Advances the sorted k-subset `c` of {0, …, n − 1} in place to its lexicographic successor;
 * false (leaving `c` unspecified) when it was the last.
 */
export function nextCombination(c: Int32Array, n: number): boolean {
  const k = c.length;
  let i = k - 1;
  while (i >= 0 && c[i] === n - k + i) i--;
  if (i < 0) return false;
  c[i]++;
  for (let j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
  return true;
}
