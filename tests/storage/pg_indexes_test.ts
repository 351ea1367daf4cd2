/**
 * The price table's indexes do their job on a table of many series (issue 13: "a year of minute
 * bars for 100 assets stays fast"): a time range of one series is read through the primary key
 * (source, asset, interval, ts) — only that range's index entries and rows — and a time range
 * across all series through the BRIN index on ts, which skips every block range outside it. Plans
 * are read with EXPLAIN after VACUUM ANALYZE (what autovacuum does on a live server). Needs
 * PG_TEST_URL.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import type { Candle } from "../../lib/core/candle.ts";
import { PostgresStore } from "../../lib/storage/postgres_store.ts";
import { createTestDatabase, pgTestUrl, warnSkip } from "../helpers/postgres.ts";

const server = pgTestUrl();
if (!server) warnSkip();

const MINUTE = 60_000, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const SERIES = 20, DAYS = 5;
const T0 = Date.UTC(2024, 0, 1);

/** Every plan node of an EXPLAIN (FORMAT JSON) plan, depth first. */
function nodes(plan: Record<string, unknown>): Record<string, unknown>[] {
  const kids = (plan["Plans"] as Record<string, unknown>[] | undefined) ?? [];
  return [plan, ...kids.flatMap(nodes)];
}

Deno.test({
  name: "a day of one series is read by primary key, an hour of all series by the BRIN index",
  ignore: !server,
  fn: async () => {
    const db = await createTestDatabase(server!);
    const store = PostgresStore.open(db.url);
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const day = (d: number): Candle[] =>
        Array.from({ length: 1_440 }, (_, i) => ({
          ts: T0 + d * DAY + i * MINUTE,
          open: 100,
          high: 101,
          low: 99,
          close: 100 + (i % 10),
          volume: 1,
        }));
      // stored as collection stores them: every series' new bars, day after day, so that the
      // table's blocks follow time (a BRIN range of 128 pages holds about 9,600 rows)
      for (let d = 0; d < DAYS; d++) {
        for (let s = 0; s < SERIES; s++) {
          await store.upsertCandles({ source: "bench", asset: `coin${s}`, interval: "1m" }, day(d));
        }
      }
      // what autovacuum does on a live server (insert-triggered VACUUM; with autosummarize,
      // BRIN summaries as ranges fill): here at once, for a deterministic plan
      await sql`VACUUM ANALYZE candles`;
      // one process per plan, so that EXPLAIN's row counts are totals
      await sql`SET max_parallel_workers_per_gather = 0`;
      const from = T0 + 3 * DAY, to = T0 + 4 * DAY - MINUTE;

      // the shape of PgPrices.getCandles
      const [one] = await sql`EXPLAIN (FORMAT JSON) SELECT ts, open, high, low, close, volume,
        market_cap FROM candles WHERE source = ${"bench"} AND asset = ${"coin7"}
        AND interval = ${"1m"} AND ts >= ${from} AND ts <= ${to} ORDER BY ts`;
      const onePlan = nodes(one["QUERY PLAN"][0]["Plan"]);
      assert.ok(onePlan.some((n) => n["Index Name"] === "candles_pkey"), JSON.stringify(onePlan));
      assert.ok(!onePlan.some((n) => n["Node Type"] === "Seq Scan"));
      assert.equal(
        (await store.getCandles(
          { source: "bench", asset: "coin7", interval: "1m" },
          { from, to },
        )).length,
        1_440,
      );

      // an hour of every series: 1,200 of 144,000 rows
      const hour = { from: T0 + 3 * DAY + 5 * HOUR, to: T0 + 3 * DAY + 6 * HOUR - MINUTE };
      const [all] = await sql`EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*)::int AS n
        FROM candles WHERE ts >= ${hour.from} AND ts <= ${hour.to}`;
      const allPlan = nodes(all["QUERY PLAN"][0]["Plan"]);
      const brin = allPlan.find((n) => n["Index Name"] === "candles_ts_brin");
      assert.ok(brin, JSON.stringify(allPlan));
      assert.ok(!allPlan.some((n) => n["Node Type"] === "Seq Scan"));
      // rows read = those of the block ranges the hour falls in: the ranges written with that
      // day's bars (each write brought a day), not the other days'
      const heap = allPlan.find((n) => n["Node Type"] === "Bitmap Heap Scan")!;
      const read = Number(heap["Actual Rows"]) + Number(heap["Rows Removed by Index Recheck"]);
      assert.equal(Number(heap["Actual Rows"]), SERIES * 60);
      assert.ok(read <= 2 * SERIES * 1_440, `read ${read} rows`);
      const [{ n }] = await sql`SELECT count(*)::int AS n FROM candles
        WHERE ts >= ${hour.from} AND ts <= ${hour.to}`;
      assert.equal(n, SERIES * 60);
      const [{ options }] = await sql`SELECT reloptions::text AS options FROM pg_class
        WHERE relname = 'candles_ts_brin'`;
      assert.equal(options, "{autosummarize=on}");
      // the BRIN index stays a few pages however large the table grows
      const [{ pages }] = await sql`SELECT pg_relation_size('candles_ts_brin') / 8192 AS pages`;
      assert.ok(Number(pages) <= 4, `${pages} pages`);
    } finally {
      await sql.end();
      await store.close();
      await db.drop();
    }
  },
});
