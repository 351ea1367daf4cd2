/**
 * Write speed of the PostgreSQL store: 500,000 one-minute candles upserted into a new series (by
 * binary COPY), the same rows upserted again unchanged (staged + MERGE), and the same through
 * SQLite for comparison. Target: at least 200,000 rows/s into PostgreSQL on loopback.
 * Rows/s = 500,000 / (time per iteration). Reads: one series whole, one day of it, the series list.
 * Needs `PG_TEST_URL` (a role that may create databases; scripts/pg_test_cluster.sh starts one):
 * without it only the SQLite benches run.
 *
 * Run: `PG_TEST_URL=… deno bench --allow-all bench/postgres_bench.ts` (or `deno task bench`).
 * @module
 */
import { join } from "node:path";
import type { Candle, SeriesKey } from "../lib/core/candle.ts";
import { PostgresStore } from "../lib/storage/postgres_store.ts";
import { SqliteStore } from "../lib/storage/sqlite_store.ts";
import { createTestDatabase, type TestDatabase } from "../tests/helpers/postgres.ts";

/** Candles per iteration. */
export const ROWS = 500_000;

function candles(n: number): Candle[] {
  const t0 = Date.UTC(2020, 0, 1);
  let price = 7_000;
  return Array.from({ length: n }, (_, i) => {
    const open = price;
    price = Math.max(1, price * (1 + Math.sin(i * 0.37) * 0.002));
    return {
      ts: t0 + i * 60_000,
      open,
      high: Math.max(open, price) + 0.5,
      low: Math.min(open, price) - 0.5,
      close: price,
      volume: (i % 500) / 10,
    };
  });
}

const rows = candles(ROWS);
const label = ROWS.toLocaleString("en-US");
let n = 0;
const key = (): SeriesKey => ({ source: "bench", asset: `coin${n++}`, interval: "1m" });

const server = Deno.env.get("PG_TEST_URL");
let db: TestDatabase | undefined;
let pg: PostgresStore | undefined;
const fixed: SeriesKey = { source: "bench", asset: "fixed", interval: "1m" };
if (server) {
  db = await createTestDatabase(server);
  pg = PostgresStore.open(db.url);
  await pg.upsertCandles(fixed, rows);
} else {
  console.warn("PG_TEST_URL is not set: PostgreSQL benches skipped (see docs/scaling.md)");
}

Deno.bench({
  name: `upsert ${label} new candles into PostgreSQL`,
  group: "write",
  ignore: !pg,
  baseline: true,
  n: 3,
  warmup: 1,
  async fn() {
    const r = await pg!.upsertCandles(key(), rows);
    if (r.inserted !== ROWS) throw new Error(`expected ${ROWS} new rows, got ${r.inserted}`);
  },
});

Deno.bench({
  name: `upsert the same ${label} candles unchanged into PostgreSQL`,
  group: "write",
  ignore: !pg,
  n: 3,
  warmup: 1,
  async fn() {
    const r = await pg!.upsertCandles(fixed, rows);
    if (r.unchanged !== ROWS) throw new Error("unchanged upsert changed data");
  },
});

const dir = await Deno.makeTempDir({ prefix: "mts-pg-bench-" });
const sqlite = SqliteStore.open(join(dir, "bench.db"));

Deno.bench({
  name: `upsert ${label} new candles into SQLite (for comparison)`,
  group: "write",
  n: 3,
  warmup: 1,
  async fn() {
    const r = await sqlite.upsertCandles(key(), rows);
    if (r.inserted !== ROWS) throw new Error(`expected ${ROWS} new rows, got ${r.inserted}`);
  },
});

Deno.bench({
  name: `read ${label} candles of one series from PostgreSQL`,
  group: "read",
  ignore: !pg,
  n: 3,
  warmup: 1,
  async fn() {
    const got = await pg!.getCandles(fixed);
    if (got.length !== ROWS) throw new Error(`expected ${ROWS} rows, got ${got.length}`);
  },
});

Deno.bench({
  name: `read one day (1,440 bars) of one series from PostgreSQL`,
  group: "read",
  ignore: !pg,
  n: 20,
  warmup: 2,
  async fn() {
    const from = rows[100_000].ts;
    const got = await pg!.getCandles(fixed, { from, to: from + 1_439 * 60_000 });
    if (got.length !== 1_440) throw new Error(`expected 1,440 rows, got ${got.length}`);
  },
});

Deno.bench({
  name: `list the series of PostgreSQL (millions of candles by now)`,
  group: "read",
  ignore: !pg,
  n: 20,
  warmup: 2,
  async fn() {
    const series = await pg!.listSeries();
    if (!series.some((s) => s.asset === "fixed" && s.count === ROWS)) {
      throw new Error("the fixed series is missing from the list");
    }
  },
});

globalThis.addEventListener("unload", () => {
  sqlite.close();
  Deno.removeSync(dir, { recursive: true });
});
globalThis.addEventListener("beforeunload", () => {
  // closing the pool and dropping the database are async: start them, the process is ending
  pg?.close().then(() => db?.drop());
});
