/**
 * Opening a database: a path that cannot be one is refused with a message naming where it came
 * from, and nothing is created or modified.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ConfigError } from "../../core/errors.ts";
import { MIGRATIONS } from "../migrations.ts";
import { SqliteStore } from "../sqlite_store.ts";
import { redactUrl } from "./open.ts";

async function inTempDir(fn: (dir: string) => Promise<void> | void) {
  const dir = await Deno.makeTempDir({ prefix: "mts-open-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const listing = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

function refused(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e;
  }
  assert.fail("the path was accepted");
}

Deno.test("DATABASE_PATH at a directory names the variable and the path and creates nothing", async () => {
  await inTempDir((dir) => {
    const e = refused(() => SqliteStore.open(dir, { origin: "DATABASE_PATH" }));
    assert.equal(e.message, `DATABASE_PATH (${dir}) is a directory, not an SQLite database file`);
    assert.equal(e.variable, "DATABASE_PATH");
    assert.deepEqual(listing(dir), []);
  });
});

Deno.test("DATABASE_PATH at a file that is not a database is refused and the file is left as it was", async () => {
  await inTempDir((dir) => {
    const path = `${dir}/notes.txt`;
    Deno.writeTextFileSync(path, "my notes, not a database\n");
    const before = Deno.statSync(path);
    const e = refused(() => SqliteStore.open(path, { origin: "DATABASE_PATH" }));
    assert.equal(
      e.message,
      `DATABASE_PATH (${path}) is not an SQLite database (the file does not start with the SQLite header)`,
    );
    assert.equal(Deno.readTextFileSync(path), "my notes, not a database\n");
    assert.equal(Deno.statSync(path).mtime?.getTime(), before.mtime?.getTime());
    assert.deepEqual(listing(dir), ["notes.txt"], "no -wal, -shm or lease files");
  });
});

Deno.test("a PostgreSQL URL in DATABASE_PATH points to DATABASE_URL, hides the password and creates nothing", () => {
  const url = "postgres://mts:s3cret-pw@db.example.internal:5432/mts";
  const e = refused(() => SqliteStore.open(url, { origin: "DATABASE_PATH" }));
  assert.equal(
    e.message,
    "DATABASE_PATH is a PostgreSQL URL (postgres://mts:***@db.example.internal:5432/mts), but it " +
      "takes an SQLite file path; set DATABASE_URL to use PostgreSQL (docs/scaling.md)",
  );
  assert.ok(!e.message.includes("s3cret"));
  // Before, the parent "directory" postgres:/mts:s3cret-pw@db.example.internal:5432 was created.
  assert.throws(() => Deno.statSync("postgres:"), Deno.errors.NotFound);
});

Deno.test("any other URL in DATABASE_PATH is refused without its password", () => {
  const e = refused(() =>
    SqliteStore.open("https://user:hunter2@files.example/mts.db", { origin: "DATABASE_PATH" })
  );
  assert.equal(
    e.message,
    "DATABASE_PATH must be an SQLite file path, not a URL (https://user:***@files.example/mts.db)",
  );
  assert.throws(() => Deno.statSync("https:"), Deno.errors.NotFound);
});

Deno.test("a database path under a regular file names the file in the way", async () => {
  await inTempDir((dir) => {
    Deno.writeTextFileSync(`${dir}/data`, "");
    const path = `${dir}/data/mts.db`;
    const e = refused(() => SqliteStore.open(path, { origin: "DATABASE_PATH" }));
    assert.equal(e.message, `DATABASE_PATH (${path}) cannot be created: ${dir}/data is a file`);
  });
});

Deno.test("an empty file and a missing one become a new database", async () => {
  await inTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/empty.db`, "");
    for (const path of [`${dir}/empty.db`, `${dir}/sub/new.db`]) {
      const store = SqliteStore.open(path, { origin: "DATABASE_PATH" });
      assert.deepEqual(await store.listSeries(), []);
      assert.ok(store.schemaVersion >= 1);
      store.close();
    }
  });
});

Deno.test("redactUrl hides passwords, even ones with @ in them, and leaves other text alone", () => {
  assert.equal(redactUrl("postgres://u:p@h/db"), "postgres://u:***@h/db");
  assert.equal(redactUrl("postgres://u:p@ss@h:5432/db"), "postgres://u:***@h:5432/db");
  assert.equal(redactUrl("postgres://h/db"), "postgres://h/db");
  assert.equal(redactUrl("postgres://u@h/db"), "postgres://u@h/db");
  assert.equal(redactUrl("data/mts.db"), "data/mts.db");
});

Deno.test("a database of the first schema version is migrated in place and keeps its rows", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/old.db`;
    const old = new DatabaseSync(path);
    old.exec(MIGRATIONS[0].sql);
    old.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    old.exec(`INSERT INTO schema_migrations VALUES (1, 'initial schema', 0);
      INSERT INTO candles VALUES ('csv', 'x', '1d', 0, 1, 2, 0.5, 1.5, 10, NULL, 0);
      INSERT INTO data_quality_issues (source, subject, interval, kind, ts, ts_end, detail, first_seen, last_seen)
        VALUES ('csv', 'x', '1d', 'gap', 86400000, 172800000, '1 missing bar', 0, 0);
      INSERT INTO collection_runs (task, started_at, status, params) VALUES ('collect', 0, 'running', '{}');`);
    old.close();
    const store = SqliteStore.open(path);
    assert.equal(store.schemaVersion, MIGRATIONS[MIGRATIONS.length - 1].version);
    assert.deepEqual(
      (await store.getCandles({ source: "csv", asset: "x", interval: "1d" })).map((c) => c.close),
      [1.5],
    );
    assert.equal((await store.listQualityIssues()).length, 1, "the old gap is open");
    const [run] = await store.listRuns();
    assert.deepEqual([run.status, run.live, run.issues], ["running", false, 0]);
    await store.upsertCandles({ source: "csv", asset: "x", interval: "1d" }, [
      { ts: 86_400_000, open: 1, high: 1, low: 1, close: 1, volume: 1 },
    ]);
    assert.deepEqual(await store.listQualityIssues(), [], "and resolves like a new one");
    store.close();
  });
});
