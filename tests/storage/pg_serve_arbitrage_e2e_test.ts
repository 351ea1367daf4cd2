// deno-lint-ignore-file no-explicit-any
/**
 * `deno task serve` and `deno task arbitrage --replay` on PostgreSQL, as users run them: their
 * deno.json permission sets (plus loopback, which the server's port 0 and the test database on
 * 127.0.0.1 need), `DATABASE_URL` naming a fresh database, and `DATABASE_PATH` naming a SQLite
 * file that must never be created (the URL takes precedence). Each run is compared with the same
 * run on SQLite over the same data. Needs PG_TEST_URL.
 */
import assert from "node:assert/strict";
import { loadSampleMarket } from "../../lib/services/sample_loader.ts";
import { PostgresStore } from "../../lib/storage/postgres_store.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import type { PublishedBook } from "../../lib/streams/published.ts";
import { book } from "../arbitrage/books.ts";
import { runTask } from "../arbitrage/process.ts";
import { createTestDatabase, pgTestUrl, warnSkip } from "../helpers/postgres.ts";
import { ROOT, sandbox } from "../schedule/helpers.ts";
import { call, SECRET } from "../serve/helpers.ts";
import { spawnServe } from "../serve/process.ts";

const server = pgTestUrl();
if (!server) warnSkip();

const BACKTEST = {
  symbols: ["bitcoin", "ethereum"],
  start: "2023-01-01",
  end: "2023-12-31",
  strategy: "BuyHoldStrategy",
  capital: 100000,
};

/** What one serve process answers, over the database its `env` names. */
async function serveSession(env: Record<string, string>) {
  const s = await spawnServe(env);
  try {
    const ready = await call(`${s.url}/ready`);
    const backtest = await call(`${s.url}/backtest`, {
      method: "POST",
      token: SECRET,
      json: BACKTEST,
    });
    const runs = await call(`${s.url}/backtests`, { token: SECRET });
    const created = await call(`${s.url}/alerts`, {
      method: "POST",
      token: SECRET,
      json: { asset: "bitcoin", above: 1_000_000, note: "moon" },
    });
    const listed = await call(`${s.url}/alerts`, { token: SECRET });
    const kept = await call(`${s.url}/alerts`, {
      method: "POST",
      token: SECRET,
      json: { asset: "ethereum", movePct: 10 },
    });
    const deleted = await call(`${s.url}/alerts/${created.body.id}`, {
      method: "DELETE",
      token: SECRET,
    });
    const after = await call(`${s.url}/alerts`, { token: SECRET });
    s.child.kill("SIGTERM");
    const status = await s.child.status;
    return { ready, backtest, runs, created, listed, kept, deleted, after, status, s };
  } finally {
    try {
      s.child.kill("SIGKILL");
    } catch { /* exited */ }
    await s.child.status;
    await s.rest;
  }
}

Deno.test({
  name: "deno task serve on PostgreSQL: ready, POST /backtest as on SQLite, alerts stored in it",
  ignore: !server,
  fn: async () => {
    const db = await createTestDatabase(server!);
    const pgBox = sandbox("test-pg-serve");
    const liteBox = sandbox("test-pg-serve-lite");
    await Deno.mkdir(`${ROOT}${liteBox.dir}`, { recursive: true });
    await Deno.mkdir(`${ROOT}${pgBox.dir}`, { recursive: true });
    try {
      const pg = PostgresStore.open(db.url);
      await loadSampleMarket(pg);
      await pg.close();
      const lite = liteBox.open();
      await loadSampleMarket(lite);
      lite.close();

      const onPg = await serveSession({ ...pgBox.env, DATABASE_URL: db.url });
      const onLite = await serveSession(liteBox.env);
      assert.equal(onPg.status.code, 0, await onPg.s.stderr);
      assert.equal(onLite.status.code, 0, await onLite.s.stderr);

      assert.equal(onPg.ready.status, 200, onPg.ready.text);
      assert.equal(onPg.ready.body.checks.database.ok, true);
      assert.equal(onPg.backtest.status, 200, onPg.backtest.text);
      assert.equal(onLite.backtest.status, 200, onLite.backtest.text);
      assert.deepEqual(onPg.backtest.body, onLite.backtest.body);
      // the run is stored once, with the same manifest as SQLite's
      const manifest = (b: any) =>
        b.runs.map((r: any) => [r.strategy, r.assets, r.configHash, r.dataChecksum, r.metrics]);
      assert.equal(onPg.runs.body.runs.length, 1);
      assert.deepEqual(manifest(onPg.runs.body), manifest(onLite.runs.body));

      // alerts: created, listed, one deleted, as on SQLite (ids and times aside)
      const view = (a: any) => ({ ...a, id: undefined, createdAt: undefined });
      for (const k of ["created", "kept"] as const) {
        assert.equal(onPg[k].status, 201, onPg[k].text);
        assert.deepEqual(view(onPg[k].body), view(onLite[k].body));
      }
      assert.deepEqual(onPg.listed.body.alerts.map(view), onLite.listed.body.alerts.map(view));
      assert.equal(onPg.deleted.status, onLite.deleted.status);
      assert.deepEqual(onPg.after.body.alerts.map((a: any) => a.id), [onPg.kept.body.id]);
      // … and they are in PostgreSQL
      const check = PostgresStore.open(db.url);
      try {
        const stored = await check.listAlerts();
        assert.deepEqual(stored.map((a) => [a.id, a.subject, a.condition, a.threshold]), [
          [onPg.kept.body.id, "ethereum", "move", 0.1],
        ]);
        assert.equal((await check.listBacktestRuns()).length, 1);
      } finally {
        await check.close();
      }
      // nothing was written to SQLite
      await assert.rejects(Deno.stat(`${ROOT}${pgBox.dir}/mts.db`), Deno.errors.NotFound);
    } finally {
      await pgBox.cleanup();
      await liteBox.cleanup();
      await db.drop();
    }
  },
});

// two books that cross, then stop crossing (the numbers are checked in tests/arbitrage)
function recording(): string {
  const t0 = Date.UTC(2026, 0, 5, 12);
  const spot = { bids: [[29_990, 1]], asks: [[30_000, 0.5], [30_010, 1]] } as any;
  const crossing = { bids: [[30_100, 0.3], [30_060, 1]], asks: [[30_110, 2]] } as any;
  const calm = { bids: [[29_995, 2]], asks: [[30_005, 2]] } as any;
  const line = (b: PublishedBook) => JSON.stringify(b);
  const s = (t: number, u: number) =>
    line(book("binance", "spot", "BTCUSDT", spot, { atMs: t0 + t, updateId: u }));
  const p = (l: any, t: number, u: number) =>
    line(book("bybit", "perp", "BTCUSDT", l, { atMs: t0 + t, updateId: u }));
  return [
    s(0, 1),
    p(calm, 10, 1),
    p(crossing, 100, 2),
    p(crossing, 200, 3),
    s(250, 2),
    p(crossing, 320, 4),
    p(calm, 400, 5),
    s(500, 3),
  ].join("\n") + "\n";
}

Deno.test({
  name: "deno task arbitrage --replay on PostgreSQL stores the opportunities SQLite stores",
  ignore: !server,
  fn: async () => {
    const db = await createTestDatabase(server!);
    const box = sandbox("test-pg-arbitrage");
    await Deno.mkdir(`${ROOT}${box.dir}`, { recursive: true });
    try {
      await Deno.writeTextFile(`${ROOT}${box.dir}/books.jsonl`, recording());
      const args = ["--replay", `${box.dir}/books.jsonl`, "--json"];
      const pgEnv = {
        DATA_DIR: box.dir,
        DATABASE_PATH: `${box.dir}/pg-run.db`,
        DATABASE_URL: db.url,
      };
      const liteEnv = { DATA_DIR: box.dir, DATABASE_PATH: `${box.dir}/mts.db` };
      const first = await runTask(args, pgEnv);
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(first.stdout.split("\n").map((l) => JSON.parse(l).event), [
        "opened",
        "closed",
      ]);
      const again = await runTask(args, pgEnv);
      assert.equal(again.stdout, first.stdout, "a replay reproduces its alerts exactly");
      const lite = await runTask(args, liteEnv);
      assert.equal(lite.code, 0, lite.stderr);
      assert.equal(lite.stdout, first.stdout);

      const pg = PostgresStore.open(db.url);
      const sqlite = SqliteStore.open(`${ROOT}${box.dir}/mts.db`);
      try {
        const got = await pg.listArbitrageOpportunities();
        // stored once, replayed twice: the second replay changed nothing
        assert.equal(got.length, 1);
        assert.equal(got[0].events, 2);
        assert.equal(got[0].source, "replay");
        assert.equal(got[0].closeReason, "edge");
        assert.deepEqual(got, await sqlite.listArbitrageOpportunities());
      } finally {
        await pg.close();
        sqlite.close();
      }
      await assert.rejects(Deno.stat(`${ROOT}${box.dir}/pg-run.db`), Deno.errors.NotFound);
    } finally {
      await box.cleanup();
      await db.drop();
    }
  },
});
