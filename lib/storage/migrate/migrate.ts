/**
 * `deno task migrate`'s work: copy everything an SQLite database holds into PostgreSQL,
 * resumably, then verify every table by row count and checksum. The source is read in one read
 * transaction (a consistent snapshot, while other processes may go on writing); both schemas are
 * brought up to date first, as any task opening them would.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { PostgresStore } from "../postgres_store.ts";
import { connectPostgres, parsePostgresUrl } from "../postgres/connect.ts";
import { SqliteStore } from "../sqlite_store.ts";
import { copyTable, prepareProgress, type TableCopy } from "./copy.ts";
import { planTables } from "./tables.ts";
import { type TableCheck, verifyTable } from "./verify.ts";

/** Options of {@link migrateToPostgres}. */
export interface MigrateOptions {
  /** The SQLite database file. */
  from: string;
  /** The PostgreSQL URL. */
  to: string;
  /** Rows per committed chunk. */
  chunk?: number;
  /** Hears progress: a table started, or rows copied so far. */
  onProgress?: (table: string, rows: number) => void;
}

/** What one table's migration did and found. */
export interface TableMigration extends TableCopy {
  /** Its verification. */
  check: TableCheck;
}

/** The whole migration's result. */
export interface MigrationResult {
  /** Every copied table. */
  tables: TableMigration[];
  /** Every table verified equal. */
  ok: boolean;
}

/** Copies and verifies (see the module doc). */
export async function migrateToPostgres(o: MigrateOptions): Promise<MigrationResult> {
  (SqliteStore.open(o.from, { origin: "--from" })).close();
  const target = PostgresStore.open(o.to, { origin: "--to", poolSize: 1 });
  try {
    await target.ready();
  } finally {
    await target.close();
  }
  const src = new DatabaseSync(o.from, { readOnly: true });
  const pg = connectPostgres(parsePostgresUrl(o.to, "--to"), { max: 2 });
  try {
    src.exec("BEGIN");
    const plans = await planTables(src, pg);
    await prepareProgress(pg);
    const tables: TableMigration[] = [];
    for (const plan of plans) {
      o.onProgress?.(plan.name, 0);
      const copy = await copyTable(src, pg, plan, {
        chunk: o.chunk,
        onChunk: (rows) => o.onProgress?.(plan.name, rows),
      });
      tables.push({ ...copy, check: await verifyTable(src, pg, plan) });
    }
    // the series summary PostgreSQL's store keeps with its writes (these rows bypassed them)
    await pg`SELECT mts_rebuild_candle_series()`;
    return { tables, ok: tables.every((t) => t.check.ok) };
  } finally {
    try {
      src.exec("COMMIT");
    } catch { /* no transaction open */ }
    src.close();
    await pg.end({ timeout: 5 });
  }
}
