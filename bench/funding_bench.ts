/**
 * Funding-history speed: recording settled rates into SQLite (`recordFunding`, one unit of work
 * per batch, as the backfill writes one symbol's history), recording the same batch again (the
 * idempotent no-op path of a second run), reading a symbol's history back, and deriving the
 * interval of each settlement (`settlementIntervals`). A year of 1 h settlements is 8,760 rows.
 *
 *   deno bench --allow-all bench/funding_bench.ts
 * @module
 */
import { settlementIntervals } from "../lib/core/funding.ts";
import type { FundingObservation } from "../lib/storage/funding_store.ts";
import { SqliteStore } from "../lib/storage/sqlite_store.ts";

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const N = 8_760;

function rows(symbol: string): FundingObservation[] {
  return Array.from({ length: N }, (_, i) => ({
    exchange: "binance",
    market: "perp",
    symbol,
    fundingTimeMs: T0 + i * H,
    observedAtMs: T0 + i * H,
    rate: `${i % 3 ? "" : "-"}0.000${String(10_000 + i).padStart(5, "0")}`,
    markPrice: `${60_000 + i}.12345678`,
    intervalHours: 1,
    source: "rest",
    receivedAtMs: T0 + N * H,
  }));
}

const store = SqliteStore.open(":memory:");
const stored = rows("STOREDUSDT");
await store.recordFunding(stored);
let k = 0;

Deno.bench("recordFunding: 8,760 new rows (one year of 1 h settlements)", async () => {
  await store.recordFunding(rows(`S${k++}USDT`));
});

Deno.bench("recordFunding: the same 8,760 rows again (idempotent, nothing written)", async () => {
  await store.recordFunding(stored);
});

Deno.bench("listFunding: one symbol's 8,760 rows", async () => {
  await store.listFunding({ exchange: "binance", symbol: "STOREDUSDT" });
});

const times = stored.map((o) => o.fundingTimeMs);
Deno.bench("settlementIntervals: 8,760 settlements", () => {
  settlementIntervals(times, 1);
});
