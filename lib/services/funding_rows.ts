/**
 * The bridge from the streams' funding state to the store: `FundingEntry` (lib/streams/funding.ts,
 * what `FundingState.apply…` returns on a change) → {@link FundingObservation} rows for
 * `FundingStore.recordFunding`. The stream runner calls it for every batch of changed entries.
 * @module
 */
import type { FundingEntry } from "../streams/funding.ts";
import type { FundingObservation } from "../storage/funding_store.ts";

/**
 * One observation per entry that carries a rate and a next funding time (`fundingTimeMs` = the
 * next funding time it announces, `observedAtMs` = the exchange's event time). Entries without
 * either (a delivery contract's `r: ""`, `T: 0`, or a Bybit ticker before its first full snapshot)
 * are left out: there is no funding to store for them.
 */
export function fundingObservations(
  entries: readonly FundingEntry[],
  receivedAtMs: number,
): FundingObservation[] {
  const out: FundingObservation[] = [];
  for (const e of entries) {
    if (e.rate === null || e.nextFundingTimeMs === null) continue;
    out.push({
      exchange: e.exchange,
      market: "perp",
      symbol: e.symbol,
      fundingTimeMs: e.nextFundingTimeMs,
      observedAtMs: e.updatedAtMs,
      rate: e.rate,
      markPrice: e.markPrice,
      intervalHours: e.intervalHours,
      source: e.source,
      receivedAtMs,
    });
  }
  return out;
}
