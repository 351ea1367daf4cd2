/**
 * The buy-and-hold benchmark line of the report, computed from the run's own closes.
 * @module
 */

/** Close prices of one asset, in time order. */
export interface ClosePrices {
  /** Asset id. */
  readonly asset: string;
  /** Bar open times (UTC ms), ascending. */
  readonly ts: ArrayLike<number>;
  /** Close of each bar of `ts`. */
  readonly close: ArrayLike<number>;
}

/** The rule, as stated on the page. */
export const BUY_HOLD_RULE: string =
  "Buy & hold: the starting capital split equally across the run's assets, each share buying " +
  "its asset at the asset's first close (no fees, no slippage) and held to the end; a share " +
  "waits in cash until its asset's first bar. Its last value is capital × (1 + the mean of the " +
  "assets' buy & hold returns).";

/**
 * Equity of equal-weight buy-and-hold at each of `timeline`'s timestamps: `capital / A` per
 * asset, bought at its first close and valued at its latest close at or before the timestamp
 * (cash before its first bar). The same rule as the engine's per-asset `buyHold` return (last
 * close / first close − 1), so the line ends at `capital × (1 + mean return)`.
 *
 * @example
 * ```ts
 * import { buyHoldEquity } from "./buy_hold.ts";
 * const p = (asset: string, close: number[]) => ({ asset, ts: [0, 1], close });
 * buyHoldEquity([0, 1], [p("a", [10, 20]), p("b", [10, 5])], 1000); // [1000, 1250]
 * ```
 */
export function buyHoldEquity(
  timeline: ArrayLike<number>,
  prices: readonly ClosePrices[],
  capital: number,
): Float64Array {
  const out = new Float64Array(timeline.length);
  if (prices.length === 0) return out.fill(capital);
  const share = capital / prices.length;
  for (const p of prices) {
    const first = p.close[0];
    let j = -1; // latest bar of p at or before timeline[k]
    for (let k = 0; k < timeline.length; k++) {
      while (j + 1 < p.ts.length && p.ts[j + 1] <= timeline[k]) j++;
      out[k] += j < 0 ? share : share * p.close[j] / first;
    }
  }
  return out;
}
