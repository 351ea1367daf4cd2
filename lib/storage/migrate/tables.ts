/**
 * What `deno task migrate` copies: every table of the SQLite schema that has a PostgreSQL
 * counterpart, found from both catalogues rather than a hand-kept list — so a new concern whose
 * table exists in both migrations lists (same table and column names) is copied with no change
 * here. Tables and columns that only the SQLite backend needs are named below; any other table
 * or column without a counterpart stops the migration before it copies anything.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type postgres from "postgres";

/** SQLite bookkeeping with no meaning in PostgreSQL (leases are per backend; staging is SQLite's). */
export const SQLITE_ONLY_TABLES: ReadonlySet<string> = new Set([
  "schema_migrations",
  "leases",
  "candle_batches",
  "candle_batch_updates",
  "sqlite_sequence",
]);

/** SQLite-only columns, by table: a candle's open staging batch. */
export const SQLITE_ONLY_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  candles: ["batch"],
};

/**
 * Rows that exist only for SQLite's readers are left out: candles still staged by an unfinished
 * import (invisible to every reader, deleted by the next writer).
 */
export const SQLITE_ROW_FILTER: Readonly<Record<string, string>> = {
  candles: "(batch IS NULL OR batch NOT IN (SELECT id FROM candle_batches))",
};

/** One table to copy. */
export interface TablePlan {
  /** Table name (the same in both). */
  name: string;
  /** Columns copied, in order. */
  columns: string[];
  /** The PostgreSQL primary key: the copy order and the resume point. */
  key: string[];
  /** Condition on the SQLite rows (see {@link SQLITE_ROW_FILTER}), or "" for all. */
  where: string;
  /** Key columns that are text (ordered byte-wise, as SQLite does, with `COLLATE "C"`). */
  textKeys: string[];
}

/** The tables to copy, in dependency-safe order (runs before their items). */
export async function planTables(src: DatabaseSync, pg: postgres.Sql): Promise<TablePlan[]> {
  const tables = (src.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all() as { name: string }[]).map((r) => r.name).filter((t) => !SQLITE_ONLY_TABLES.has(t));
  const pgCols = await pg`
    SELECT table_name, column_name, data_type
    FROM information_schema.columns WHERE table_schema = current_schema()
    ORDER BY table_name, ordinal_position`;
  const pgKeys = await pg`
    SELECT c.relname AS table_name, a.attname AS column_name
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
    JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
    WHERE i.indisprimary ORDER BY c.relname, k.ord`;
  const plans: TablePlan[] = [];
  for (const name of tables) {
    const target = pgCols.filter((c) => c.table_name === name);
    if (target.length === 0) {
      throw new Error(
        `table ${name} has no PostgreSQL counterpart (add it to lib/storage/postgres/migrations.ts)`,
      );
    }
    const skip = SQLITE_ONLY_COLUMNS[name] ?? [];
    const srcCols = (src.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string }[])
      .map((c) => c.name).filter((c) => !skip.includes(c));
    const pgNames = new Set(target.map((c) => String(c.column_name)));
    const missing = srcCols.filter((c) => !pgNames.has(c));
    if (missing.length > 0) {
      throw new Error(
        `table ${name}: column(s) ${missing.join(", ")} have no PostgreSQL counterpart`,
      );
    }
    const key = pgKeys.filter((k) => k.table_name === name).map((k) => String(k.column_name));
    if (key.length === 0) throw new Error(`table ${name} has no primary key in PostgreSQL`);
    const textKeys = key.filter((k) =>
      target.some((c) => c.column_name === k && c.data_type === "text")
    );
    plans.push({ name, columns: srcCols, key, where: SQLITE_ROW_FILTER[name] ?? "", textKeys });
  }
  // referenced tables first (collection_run_items references collection_runs)
  return plans.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

function rank(name: string): number {
  return name.endsWith("_items") ? 1 : 0;
}

/** A quoted SQL identifier. */
export function quote(id: string): string {
  return `"${id.replaceAll('"', '""')}"`;
}
