/**
 * Log returns.
 * @module
 */

/**
 * Log returns aligned with the input: `out[i] = ln(values[i] / values[i - 1])`, `out[0] = NaN`.
 * A non-positive or non-finite price makes the returns that touch it `NaN`.
 * @example logReturns([100, 110]) // [NaN, 0.09531…]
 */
export function logReturns(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = 1; i < values.length; i++) {
    const a = values[i - 1], b = values[i];
    out[i] = a > 0 && b > 0 ? Math.log(b / a) : NaN;
  }
  return out;
}

/** One log return `ln(to / from)`; `NaN` unless both prices are positive and finite. */
export function logReturn(from: number, to: number): number {
  return from > 0 && to > 0 && Number.isFinite(from) && Number.isFinite(to)
    ? Math.log(to / from)
    : NaN;
}
