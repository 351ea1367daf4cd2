/**
 * Applying the PostgreSQL migrations: all pending ones in one transaction, under an advisory
 * lock, so that processes opening a new database at once migrate it exactly once.
 * @module
 */
import type postgres from "postgres";
import type { Migration } from "../migrations.ts";
import { LOCK_NAMESPACE } from "./db.ts";

/** Applies the migrations newer than the database's schema version; returns the version. */
export async function migratePostgres(
  pool: postgres.Sql,
  migrations: readonly Migration[],
  now: () => number,
): Promise<number> {
  let step: Migration | undefined;
  try {
    return await pool.begin(async (sql) => {
      await sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, 0)`;
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`;
      // Another process may have migrated while this one waited for the lock.
      const [row] = await sql`SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations`;
      let version = Number(row.v);
      for (const m of migrations) {
        if (m.version <= version) continue;
        step = m;
        await sql.unsafe(m.sql);
        await sql`INSERT INTO schema_migrations VALUES (${m.version}, ${m.name}, ${now()})`;
        version = m.version;
      }
      return version;
    });
  } catch (e) {
    if (!step) throw e;
    throw new Error(
      `Cannot apply migration ${step.version} (${step.name}): ${(e as Error).message}`,
    );
  }
}
