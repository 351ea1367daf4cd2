/**
 * REST weights of Binance depth snapshots, so that the IO side can draw each request's real cost
 * from the shared weight budget (`lib/net/rate_limiter.ts`): a burst of resyncs then queues
 * instead of getting the IP banned (418 after ignored 429s).
 * @module
 */
import type { Market } from "../sync.ts";

/** Snapshot limits Binance USDⓈ-M accepts for `GET /fapi/v1/depth`. */
export const PERP_DEPTH_LIMITS: readonly number[] = [5, 10, 20, 50, 100, 500, 1000];
/** Largest limit of `GET /api/v3/depth` (spot). */
export const SPOT_MAX_DEPTH_LIMIT = 5000;

/**
 * The request weight of a depth snapshot of `limit` levels. Spot (`/api/v3/depth`): 1–100 → 5,
 * 101–500 → 25, 501–1000 → 50, 1001–5000 → 250. USDⓈ-M (`/fapi/v1/depth`): 5–50 → 2, 100 → 5,
 * 500 → 10, 1000 → 20. Throws `RangeError` for a limit the endpoint does not accept.
 *
 * @example
 * ```ts
 * import { snapshotWeight } from "./weights.ts";
 * snapshotWeight("spot", 1000); // 50
 * snapshotWeight("perp", 1000); // 20
 * ```
 */
export function snapshotWeight(market: Market, limit: number): number {
  if (market === "spot") {
    if (!Number.isInteger(limit) || limit < 1 || limit > SPOT_MAX_DEPTH_LIMIT) {
      throw new RangeError(
        `Cannot size a spot depth snapshot: limit must be a whole number 1–${SPOT_MAX_DEPTH_LIMIT}, got ${limit}`,
      );
    }
    return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  }
  if (!PERP_DEPTH_LIMITS.includes(limit)) {
    throw new RangeError(
      `Cannot size a USDⓈ-M depth snapshot: limit must be one of ${
        PERP_DEPTH_LIMITS.join(", ")
      }, got ${limit}`,
    );
  }
  return limit <= 50 ? 2 : limit === 100 ? 5 : limit === 500 ? 10 : 20;
}
