/**
 * PostgreSQL's series list comes from `candle_series`, which the store's writes keep: a database
 * holding candles from before that table (schema version 6) gets it filled when it is migrated,
 * and candles written by hand are counted after `SELECT mts_rebuild_candle_series()`. Expected
 * values are the rows written, counted by hand. Needs PG_TEST_URL.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { PG_MIGRATIONS } from "../../lib/storage/postgres/migrations.ts";
import { migratePostgres } from "../../lib/storage/postgres/schema.ts";
import { PostgresStore } from "../../lib/storage/postgres_store.ts";
import { createTestDatabase, pgTestUrl, warnSkip } from "../helpers/postgres.ts";

const server = pgTestUrl();
if (!server) warnSkip();

Deno.test({
  name: "candle_series is filled by its migration and rebuilt after candles written by hand",
  ignore: !server,
  fn: async () => {
    const db = await createTestDatabase(server!);
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const before = PG_MIGRATIONS.filter((m) => m.version <= 6);
      assert.equal(await migratePostgres(sql, before, () => 0), 6);
      // 3 daily bars of bitcoin (updated at 7 and 8), 1 of ethereum (updated at 9)
      await sql`INSERT INTO candles (source, asset, interval, ts, close, updated_at) VALUES
        ('csv', 'bitcoin', '1d', 0, 1, 7), ('csv', 'bitcoin', '1d', 86400000, 2, 8),
        ('csv', 'bitcoin', '1d', 172800000, 3, 7), ('csv', 'ethereum', '1d', 0, 4, 9)`;
      const store = PostgresStore.open(db.url);
      try {
        const want = [
          { source: "csv", asset: "bitcoin", interval: "1d", count: 3, firstTs: 0 },
          { source: "csv", asset: "ethereum", interval: "1d", count: 1, firstTs: 0 },
        ];
        assert.deepEqual(await store.listSeries(), [
          { ...want[0], lastTs: 172_800_000, updatedAt: 8 },
          { ...want[1], lastTs: 0, updatedAt: 9 },
        ]);
        await sql`INSERT INTO candles (source, asset, interval, ts, close, updated_at)
          VALUES ('csv', 'ethereum', '1d', 86400000, 5, 10)`;
        const [{ n }] = await sql`SELECT mts_rebuild_candle_series() AS n`;
        assert.equal(Number(n), 2);
        assert.deepEqual((await store.listSeries())[1], {
          ...want[1],
          count: 2,
          lastTs: 86_400_000,
          updatedAt: 10,
        });
      } finally {
        await store.close();
      }
    } finally {
      await sql.end();
      await db.drop();
    }
  },
});
