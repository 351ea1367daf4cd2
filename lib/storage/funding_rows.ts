/**
 * Rows of `funding_rates` <-> {@link FundingObservation}, and the one validity rule for a funding
 * observation, shared by the SQLite and PostgreSQL stores.
 * @module
 */
import type { FundingObservation, FundingSource } from "./funding_store.ts";
import type { Row } from "./sqlite/rows.ts";

const DECIMAL = /^-?\d+(\.\d+)?$/;
const SOURCES: ReadonlySet<string> = new Set(["ws", "rest"]);

/** Why `o` (at index `i`) cannot be stored, or `undefined`. */
export function fundingProblem(o: FundingObservation): string | undefined {
  if (!o.exchange || !o.symbol) return "exchange and symbol must not be empty";
  if (o.market !== "perp") return `market must be "perp", got ${JSON.stringify(o.market)}`;
  if (!SOURCES.has(o.source)) return `source must be ws or rest, got ${JSON.stringify(o.source)}`;
  if (typeof o.rate !== "string" || !DECIMAL.test(o.rate)) {
    return `rate must be a decimal string, got ${JSON.stringify(o.rate)}`;
  }
  if (o.markPrice !== null && (typeof o.markPrice !== "string" || !DECIMAL.test(o.markPrice))) {
    return `markPrice must be a decimal string or null, got ${JSON.stringify(o.markPrice)}`;
  }
  for (const k of ["fundingTimeMs", "observedAtMs", "receivedAtMs"] as const) {
    if (!Number.isSafeInteger(o[k]) || o[k] < 1e11) return `${k} must be UTC ms, got ${o[k]}`;
  }
  if (o.intervalHours !== null && !(Number.isInteger(o.intervalHours) && o.intervalHours >= 1)) {
    return `intervalHours must be a whole number of hours >= 1 or null, got ${o.intervalHours}`;
  }
  return undefined;
}

/** An observation from its `funding_rates` row (either backend: same columns). */
export function toObservation(r: Row): FundingObservation {
  return {
    exchange: String(r.exchange),
    market: "perp",
    symbol: String(r.symbol),
    fundingTimeMs: Number(r.funding_time),
    observedAtMs: Number(r.observed_at),
    rate: String(r.rate),
    markPrice: r.mark_price === null ? null : String(r.mark_price),
    intervalHours: r.interval_hours === null ? null : Number(r.interval_hours),
    source: String(r.source) as FundingSource,
    receivedAtMs: Number(r.received_at),
  };
}

/** Throws a RangeError naming the first observation that cannot be stored, its index and why. */
export function checkFunding(observations: readonly FundingObservation[]): void {
  observations.forEach((o, i) => {
    const problem = fundingProblem(o);
    if (problem) {
      throw new RangeError(
        `Cannot record funding observation [${i}] (${o.exchange} ${o.symbol} ${o.fundingTimeMs}): ${problem}`,
      );
    }
  });
}
