/**
 * `deno task migrate`: the reference imports (read in place from ../shared/reference) go from an
 * SQLite file into PostgreSQL exactly — every candle, macro revision, ledger entry, run, signal
 * and backtest run, compared through both stores' interfaces and by the task's own checksums —
 * and an interrupted copy resumes without copying a row twice. Needs PG_TEST_URL (see
 * tests/helpers/postgres.ts).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { importCsvFile } from "../../lib/services/importer.ts";
import { copyTable, prepareProgress } from "../../lib/storage/migrate/copy.ts";
import { migrateToPostgres } from "../../lib/storage/migrate/migrate.ts";
import { planTables } from "../../lib/storage/migrate/tables.ts";
import { connectPostgres, parsePostgresUrl } from "../../lib/storage/postgres/connect.ts";
import { PostgresStore } from "../../lib/storage/postgres_store.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import type { Store } from "../../lib/storage/store.ts";
import { createTestDatabase, pgTestUrl, warnSkip } from "../helpers/postgres.ts";

const REF = new URL("../../../shared/reference/", import.meta.url).pathname;
const FILES: [string, { asset?: string; series?: string }][] = [
  ["coingecko-export/btc-usd-max.csv", {}],
  ["coingecko-export/eth-usd-max.csv", {}],
  ["cryptodatadownload-binance/Binance_BTCUSDT_d.csv", {}],
  ["cryptodatadownload-binance/Binance_ETHUSDT_d.csv", {}],
  ["fred/DGS10.csv", {}],
  ["fred/DTWEXBGS.csv", {}],
  ["finance-vix/vix-daily.csv", {}],
];
const server = pgTestUrl();
if (!server) warnSkip();

/** Everything a caller can read from a store, for comparing two of them. */
async function snapshot(store: Store) {
  const series = await store.listSeries();
  const candles = [];
  for (const s of series) candles.push(await store.getCandles(s));
  const macro = await store.listMacroSeries();
  const observations = [];
  for (const m of macro) {
    observations.push(await store.getMacro(m.series, { source: m.source }));
    // an earlier vintage than the newest: the point-in-time view must survive the copy too
    observations.push(
      await store.getMacro(m.series, { source: m.source, asOfVintage: m.lastVintage - 1 }),
    );
  }
  return {
    series,
    candles,
    macro,
    observations,
    issues: await store.listQualityIssues({ state: "all" }),
    runs: (await store.listRuns()).map((r) => ({ ...r, live: undefined })),
    signals: await store.listSignals(),
    backtests: await store.listBacktestRuns(1_000),
    funding: await store.latestFunding(),
    alerts: await store.listAlerts(),
    arbitrage: await store.listArbitrageOpportunities(),
    trials: [...(await store.findTrials(["k1"])).values()].map((t) => ({
      ...t,
      equity: [...t.equity],
    })),
  };
}

async function sqliteWithReference(dir: string): Promise<string> {
  const path = `${dir}/mts.db`;
  const store = SqliteStore.open(path, { now: () => Date.UTC(2025, 0, 1) });
  try {
    for (const [rel, o] of FILES) {
      await importCsvFile(store, `${REF}${rel}`, { ...o, skipBadRows: true, displayName: rel });
    }
    await store.saveSignals([{
      ts: 1,
      asset: "bitcoin",
      strategy: "rsi",
      direction: "short",
      confidence: 0.3,
      size: 0.1,
      reason: "overbought",
      inputs: { rsi: 77.25 },
    }], { bitcoin: 0.1 + 0.2 });
    await store.saveBacktestRun({
      createdAt: 2,
      strategy: "BuyHold",
      assets: ["bitcoin"],
      params: { x: 1 },
      configHash: "h",
      dataChecksum: "c",
      engineVersion: "1",
      metrics: { sharpe: NaN, ret: 1 / 3 },
    });
    await store.saveTrials([{
      trialKey: "k1",
      configHash: "c",
      datasetHash: "d",
      dataChecksum: "s",
      strategy: "sma_cross",
      params: { fast: 5 },
      metrics: { sharpe: Infinity, ret: 0.5 },
      trades: 2,
      equity: new Float64Array([1, 2.5, -0.125]),
      createdAt: 5,
    }]);
    await store.recordFunding([{
      exchange: "bybit",
      market: "perp",
      symbol: "BTCUSDT",
      fundingTimeMs: 1_700_000_000_000,
      observedAtMs: 1_700_000_000_000,
      rate: "0.000100",
      markPrice: null,
      intervalHours: 8,
      source: "rest",
      receivedAtMs: 1_700_000_000_001,
    }]);
    await store.claimJobRun({
      job: "collect",
      slot: 0,
      startedAt: 3,
      catchUp: false,
      missedSlots: 0,
    })
      .then((id) => store.finishJobRun(id!, { status: "success", finishedAt: 4, attempts: 1 }));
    const alert = await store.saveAlert({
      createdAt: 6,
      subject: "bitcoin",
      kind: "prices",
      condition: "below",
      threshold: 30_000.5,
      note: "dip",
    });
    await store.markAlertTriggered(alert, 7, 29_999.25);
    await store.saveAlert({
      createdAt: 8,
      subject: "binance:spot:BTCUSDT",
      kind: "book",
      condition: "move",
      threshold: 0.02,
      referencePrice: 43_000.1,
    });
    await store.recordArbitrageEvent({
      event: "opened",
      id: "BTC binance:spot>bybit:perp@9",
      pair: "BTC binance:spot>bybit:perp",
      symbol: "BTCUSDT",
      openedAtMs: 9,
      atMs: 9,
      netBps: 12.5,
      peakNetBps: 12.5,
      size: 0.25,
      notional: 10_750.5,
      netAmount: 13.438125,
      source: "replay",
      alert: { net: 12.5 },
    });
  } finally {
    await store.close();
  }
  return path;
}

Deno.test({
  name: "migrate copies the reference imports into PostgreSQL exactly, verified per table",
  ignore: !server,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "mts-migrate-" });
    const db = await createTestDatabase(server!);
    try {
      const from = await sqliteWithReference(dir);
      const result = await migrateToPostgres({ from, to: db.url });
      assert.ok(result.ok, JSON.stringify(result.tables.filter((t) => !t.check.ok)));
      const byName = Object.fromEntries(result.tables.map((t) => [t.table, t]));
      // the row counts the files give, counted independently from the SQLite file
      const raw = new DatabaseSync(from, { readOnly: true });
      const count = (t: string) =>
        Number((raw.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n);
      for (const t of ["candles", "macro_observations", "data_quality_issues", "collection_runs"]) {
        assert.equal(byName[t].copied, count(t), t);
        assert.ok(byName[t].copied > 0, t);
      }
      raw.close();
      const src = SqliteStore.open(from);
      const dst = PostgresStore.open(db.url);
      try {
        assert.deepEqual(await snapshot(dst), await snapshot(src));
        // migrate again: nothing left to copy, still verified
        const again = await migrateToPostgres({ from, to: db.url });
        assert.ok(again.ok);
        assert.ok(again.tables.every((t) => t.copied === 0));
        // new rows get fresh ids after the copied ones
        const next = await dst.startRun("collect", {});
        assert.equal(next, Math.max(...(await src.listRuns()).map((r) => r.id)) + 1);
        await dst.finishRun(next, { status: "success", rowsWritten: 0 });
        const alertIds = (await src.listAlerts()).map((a) => a.id!);
        assert.equal(alertIds.length, 2);
        assert.equal(
          await dst.saveAlert({
            createdAt: 10,
            subject: "ethereum",
            kind: "prices",
            condition: "above",
            threshold: 4_000,
          }),
          Math.max(...alertIds) + 1,
        );
      } finally {
        await src.close();
        await dst.close();
      }
    } finally {
      await db.drop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "an interrupted migrate resumes after its last committed chunk; a non-empty target is refused",
  ignore: !server,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "mts-migrate-" });
    const db = await createTestDatabase(server!);
    const other = await createTestDatabase(server!);
    try {
      const from = `${dir}/mts.db`;
      const store = SqliteStore.open(from);
      const key = { source: "csv", asset: "x", interval: "1d" as const };
      await store.upsertCandles(
        key,
        Array.from({ length: 2_500 }, (_, i) => ({
          ts: i * 86_400_000,
          open: i,
          high: i + 1,
          low: i - 1,
          close: i + 0.5,
          volume: i / 7,
        })),
      );
      await store.close();
      // the first run dies after two chunks of 1,000 rows
      const t = PostgresStore.open(db.url);
      await t.ready();
      await t.close();
      const src = new DatabaseSync(from, { readOnly: true });
      const pg = connectPostgres(parsePostgresUrl(db.url));
      try {
        const plan = (await planTables(src, pg)).find((p) => p.name === "candles")!;
        await prepareProgress(pg);
        let chunks = 0;
        await assert.rejects(
          copyTable(src, pg, plan, {
            chunk: 1_000,
            onChunk: () => {
              if (++chunks === 2) throw new Error("killed");
            },
          }),
          /killed/,
        );
      } finally {
        src.close();
        await pg.end();
      }
      const result = await migrateToPostgres({ from, to: db.url, chunk: 1_000 });
      const candles = result.tables.find((x) => x.table === "candles")!;
      assert.deepEqual([candles.resumed, candles.copied, candles.check.ok], [2_000, 500, true]);
      assert.ok(result.ok);
      // a target holding rows migrate did not put there is refused before anything is copied
      const foreign = PostgresStore.open(other.url);
      await foreign.upsertCandles(key, [{ ts: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
      await foreign.close();
      await assert.rejects(
        migrateToPostgres({ from, to: other.url }),
        /table candles already has 1 rows that migrate did not copy/,
      );
    } finally {
      await db.drop();
      await other.drop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
