/**
 * Opening an SQLite database file. The path is checked before anything is created, so that a
 * mistaken `DATABASE_PATH` (a directory, a text file, a PostgreSQL URL) gets a one-line message
 * that names the variable and the path — never a password — and leaves the file system exactly
 * as it was. Then the connection is configured (WAL, busy timeout, caches) and pending
 * migrations are applied under the write lock, re-checked once the lock is held, so that two
 * processes opening a new database at once migrate it once.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { ConfigError } from "../../core/errors.ts";
import type { Migration } from "../migrations.ts";
import type { Row } from "./rows.ts";
import {
  beginImmediateSync,
  isBusy,
  STATEMENT_BUSY_MS,
  type WriteLockPolicy,
} from "./write_lock.ts";

const SQLITE_HEADER = "SQLite format 3\u0000";

/**
 * Hides the password of a URL: `postgres://user:secret@host/db` becomes
 * `postgres://user:***@host/db`. Everything up to the last `@` counts as user information, so a
 * password containing `@` is hidden whole.
 */
export function redactUrl(text: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)@([^@]*)$/is.exec(text);
  if (!m || !m[2].includes(":")) return text;
  return `${m[1]}${m[2].slice(0, m[2].indexOf(":"))}:***@${m[3]}`;
}

/** How a message names the database: `DATABASE_PATH (data/mts.db)` or `database data/mts.db`. */
export function databaseLabel(path: string, origin?: string): string {
  return origin ? `${origin} (${path})` : `database ${path}`;
}

/**
 * Checks that `path` can be an SQLite database file, touching nothing: a URL, a directory, a
 * file that is not an SQLite database, or a parent that is a file are each a
 * {@link ConfigError} naming `origin` (the variable the path came from) and the path.
 */
export function checkDatabasePath(path: string, origin?: string): void {
  if (path === ":memory:") return;
  const name = origin ?? "the database path";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    const shown = redactUrl(path);
    if (/^postgres(ql)?:/i.test(path)) {
      throw new ConfigError(
        `${name} is a PostgreSQL URL (${shown}), but it takes an SQLite file path; set ` +
          "DATABASE_URL to use PostgreSQL (docs/scaling.md)",
        origin,
      );
    }
    throw new ConfigError(`${name} must be an SQLite file path, not a URL (${shown})`, origin);
  }
  const label = databaseLabel(path, origin);
  const info = statOrUndefined(path);
  if (info?.isDirectory) {
    throw new ConfigError(`${label} is a directory, not an SQLite database file`, origin);
  }
  if (info?.isFile && info.size > 0 && readHeader(path) !== SQLITE_HEADER) {
    throw new ConfigError(
      `${label} is not an SQLite database (the file does not start with the SQLite header)`,
      origin,
    );
  }
  if (!info) {
    for (let dir = parentOf(path); dir !== undefined; dir = parentOf(dir)) {
      const d = statOrUndefined(dir);
      if (d === undefined) continue;
      if (!d.isDirectory) {
        throw new ConfigError(`${label} cannot be created: ${dir} is a file`, origin);
      }
      break;
    }
  }
}

/**
 * Opens and configures the connection: busy timeout first (even switching to WAL may wait for
 * another process creating the same file), WAL, `synchronous = NORMAL`, a 64 MiB page cache
 * (allocated only as used) for large batched imports, temporary tables in memory, and a cap on
 * the WAL file left after checkpoints.
 */
export function openConnection(path: string, policy: WriteLockPolicy): DatabaseSync {
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${STATEMENT_BUSY_MS}`);
    retryBusy(() => db.exec("PRAGMA journal_mode = WAL"), policy);
    db.exec(
      "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; " +
        "PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 67108864;",
    );
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Applies the migrations newer than the database's schema version, all in one transaction. */
export function migrate(
  db: DatabaseSync,
  migrations: readonly Migration[],
  policy: WriteLockPolicy,
  now: () => number,
): void {
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  if (schemaVersion(db) >= latest) return;
  beginImmediateSync(db, policy);
  let step: Migration | undefined;
  try {
    db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    // Another process may have migrated while this one waited for the lock.
    const current = schemaVersion(db);
    for (const m of migrations) {
      if (m.version <= current) continue;
      step = m;
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(m.version, m.name, now());
    }
    db.exec("COMMIT");
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    const what = step ? `migration ${step.version} (${step.name})` : "migrations";
    throw new Error(`Cannot apply ${what}: ${(e as Error).message}`);
  }
}

/** The highest applied migration, 0 for a new database. */
export function schemaVersion(db: DatabaseSync): number {
  const table = db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
  ).get();
  if (!table) return 0;
  const r = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as Row;
  return Number(r.v ?? 0);
}

function retryBusy(fn: () => void, policy: WriteLockPolicy): void {
  const start = Date.now();
  for (;;) {
    try {
      return fn();
    } catch (e) {
      if (!isBusy(e)) throw e;
      const waited = Date.now() - start;
      policy.onWait(waited);
      if (waited >= policy.maxWaitMs) throw e;
    }
  }
}

function statOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw e;
  }
}

function readHeader(path: string): string {
  const f = Deno.openSync(path, { read: true });
  try {
    const buf = new Uint8Array(16);
    const n = f.readSync(buf) ?? 0;
    return new TextDecoder("latin1").decode(buf.subarray(0, n));
  } finally {
    f.close();
  }
}

function parentOf(path: string): string | undefined {
  const trimmed = path.replace(/[/\\]+$/, "");
  const i = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  if (i < 0) return undefined;
  return i === 0 ? "/" : trimmed.slice(0, i);
}
