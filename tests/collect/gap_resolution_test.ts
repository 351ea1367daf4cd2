/**
 * A gap at the source that a later `collect --refetch-gaps` fills leaves the open ledger: it is
 * resolved by that run (and kept as history), and `status` counts it as resolved.
 */
import assert from "node:assert/strict";
import { CoinGeckoClient } from "../../lib/clients/coingecko/client.ts";
import { DAY_MS } from "../../lib/core/time.ts";
import { BreakerRegistry } from "../../lib/net/circuit_breaker.ts";
import { ManualClock } from "../../lib/net/clock.ts";
import { collectPrices } from "../../lib/services/collector.ts";
import { coinGeckoSource } from "../../lib/services/price_sources.ts";
import { collectionStatus } from "../../lib/services/status.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { refusedUrl } from "../helpers/fixture_server.ts";
import { startMarket } from "./market_fixture.ts";

const NOW = Date.UTC(2026, 10, 20, 12, 30);
const D19 = Date.UTC(2026, 10, 19);

Deno.test("a source gap filled by collect --refetch-gaps is resolved by that run and --strict sees none", async () => {
  const missingDay = D19 - 2 * DAY_MS;
  const pub = startMarket({ now: () => NOW, missing: { bitcoin: new Set([missingDay]) } });
  const store = SqliteStore.open(":memory:", { now: () => NOW });
  try {
    const clock = new ManualClock(NOW);
    const source = coinGeckoSource(
      new CoinGeckoClient({
        plan: "public",
        baseUrl: `${pub.server.url}/api/v3`,
        proBaseUrl: `${refusedUrl()}/api/v3`,
        timeoutMs: 2_000,
        clock,
        breakers: new BreakerRegistry({ clock }),
      }),
    );
    const opts = { source, assets: ["bitcoin"], interval: "1d" as const, nowMs: NOW, days: 5 };
    const first = await collectPrices(store, opts);
    const gapQuery = { kind: "gap", subject: "bitcoin", source: "coingecko" };
    const [open] = await store.listQualityIssues(gapQuery);
    assert.deepEqual([open.ts, open.tsEnd, open.runId], [
      missingDay,
      missingDay + DAY_MS,
      first.runId,
    ]);

    pub.opts.missing = {};
    const refetch = await collectPrices(store, { ...opts, refetchGaps: true });
    assert.equal(refetch.items[0].inserted, 1);
    // What backtest --strict reads: the open gaps of the series.
    assert.deepEqual(await store.listQualityIssues(gapQuery), []);
    const [history] = await store.listQualityIssues({ ...gapQuery, state: "all" });
    assert.deepEqual([history.id, history.resolvedByRun, history.resolvedAt], [
      open.id,
      refetch.runId,
      NOW,
    ]);
    const status = await collectionStatus(store, { nowMs: NOW });
    assert.deepEqual([status.quality.open, status.quality.resolved], [0, 1]);
    assert.equal(status.quality.byKind.gap, undefined);
  } finally {
    store.close();
    await pub.server.close();
  }
});
