/**
 * Several task processes on one PostgreSQL database at once, as users run them (their deno.json
 * permission sets plus the database host): three imports — two of the same file — and a status,
 * started together. All must succeed, and the stored data must equal what one import of each file
 * stores (checked against a private SQLite import of the same files). Needs PG_TEST_URL.
 */
import assert from "node:assert/strict";
import { importCsvFile } from "../../lib/services/importer.ts";
import { PostgresStore } from "../../lib/storage/postgres_store.ts";
import { SqliteStore } from "../../lib/storage/sqlite_store.ts";
import { createTestDatabase, pgTestUrl, warnSkip } from "../helpers/postgres.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const REF = new URL("../../../shared/reference/", import.meta.url).pathname;
const BTC = `${REF}coingecko-export/btc-usd-max.csv`;
const ETH = `${REF}cryptodatadownload-binance/Binance_ETHUSDT_d.csv`;
const server = pgTestUrl();
if (!server) warnSkip();

async function run(url: string, task: string, args: string[]) {
  const u = new URL(url);
  const out = await new Deno.Command("deno", {
    args: [
      "run",
      "-q",
      `-P=${task}`,
      `--allow-net=${u.hostname}:${u.port}`,
      `tasks/${task}.ts`,
      ...args,
    ],
    cwd: ROOT,
    env: { DATABASE_URL: url, LOG_FILE: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { task, code: out.code, stderr: dec.decode(out.stderr) };
}

Deno.test({
  name:
    "three imports (two of one file) and a status at once on one PostgreSQL database all succeed; the data is right",
  ignore: !server,
  fn: async () => {
    const db = await createTestDatabase(server!);
    try {
      const results = await Promise.all([
        run(db.url, "import", ["--file", BTC]),
        run(db.url, "import", ["--file", BTC]),
        run(db.url, "import", ["--file", ETH]),
        run(db.url, "status", ["--json"]),
      ]);
      for (const r of results) assert.equal(r.code, 0, `${r.task}: ${r.stderr}`);
      const expected = SqliteStore.open(":memory:");
      const pg = PostgresStore.open(db.url);
      try {
        await importCsvFile(expected, BTC);
        await importCsvFile(expected, ETH);
        const want = await expected.listSeries();
        const got = await pg.listSeries();
        assert.deepEqual(
          got.map((s) => [s.source, s.asset, s.count, s.firstTs, s.lastTs]),
          want.map((s) => [s.source, s.asset, s.count, s.firstTs, s.lastTs]),
        );
        for (const s of want) {
          assert.deepEqual(await pg.getCandles(s), await expected.getCandles(s));
        }
        const runs = await pg.listRuns({ task: "import" });
        assert.deepEqual(runs.map((r) => r.status), ["success", "success", "success"]);
        // the open ledger is the same as one import's: the second import of a file adds nothing
        const key = (i: { kind: string; subject: string; ts?: number; field?: string }) =>
          `${i.subject} ${i.kind} ${i.ts} ${i.field}`;
        assert.deepEqual(
          (await pg.listQualityIssues({ state: "all" })).map(key).sort(),
          (await expected.listQualityIssues({ state: "all" })).map(key).sort(),
        );
      } finally {
        await expected.close();
        await pg.close();
      }
    } finally {
      await db.drop();
    }
  },
});
