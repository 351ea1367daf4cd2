/**
 * `deno task stream --backfill-funding --days N`: the REST funding history of the perpetuals into
 * the store (the funding backfill's own tests cover its rules), incremental and idempotent.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { H, settlements, startFundingMarket } from "../funding/exchange_fixture.ts";
import { runStream } from "./helpers.ts";

Deno.test({
  name:
    "stream --backfill-funding --days 2 stores the settled rates of both exchanges; a rerun adds nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const market = startFundingMarket();
    const dir = await Deno.makeTempDir();
    try {
      const now = Date.now();
      const from = Math.floor((now - 5 * 24 * H) / (8 * H)) * 8 * H;
      market.binance.set("BTCUSDT", settlements(from, now, 8));
      market.bybit.set("BTCUSDT", settlements(from, now, 8, 1));
      market.bybitInterval.set("BTCUSDT", 8);
      const env = {
        BINANCE_FUTURES_BASE_URL: market.server.url,
        BYBIT_BASE_URL: market.server.url,
        DATABASE_PATH: `${dir}/mts.db`,
        LOG_FILE: "",
        NO_COLOR: "1",
      };
      const args = ["--backfill-funding", "--days", "2", "--symbols", "BTCUSDT", "--json"];
      const first = await runStream(args, env);
      assert.equal(first.code, 0, first.stderr);
      const report = JSON.parse(first.stdout);
      assert.equal(report.status, "success");
      // settlements every 8 h inside the last 2 days: 6 (or 7 when one falls on the boundary)
      const expected = settlements(from, now, 8).filter((s) => s.t >= now - 48 * H).length;
      for (const item of report.items) {
        assert.equal(item.status, "success", `${item.exchange}: ${item.error}`);
        assert.ok(Math.abs(item.inserted - expected) <= 1, `${item.exchange} ${item.inserted}`);
      }
      const second = JSON.parse((await runStream(args, env)).stdout);
      assert.deepEqual(second.items.map((i: { inserted: number }) => i.inserted), [0, 0]);
      const store = SqliteStore.open(`${dir}/mts.db`);
      try {
        const rows = await store.listFunding({ exchange: "binance", symbol: "BTCUSDT" });
        assert.ok(rows.length >= expected - 1 && rows.every((r) => r.source === "rest"));
      } finally {
        store.close();
      }
    } finally {
      await market.server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
