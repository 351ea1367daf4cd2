/**
 * Copying the tables of an SQLite database into PostgreSQL, resumably: rows go over in key
 * order, in chunks, and each chunk is committed together with the key it reached
 * (`mts_migrate_progress`), so an interrupted copy continues after the last committed chunk and
 * never copies a row twice (`ON CONFLICT DO NOTHING` guards the rest). A table that already has
 * rows the copy did not put there stops it: migrate fills an empty database.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type postgres from "postgres";
import { hex } from "../postgres/trials.ts";
import { quote, type TablePlan } from "./tables.ts";

/** Rows per chunk (one PostgreSQL transaction each). */
export const COPY_CHUNK = 10_000;

/** What the copy of one table did. */
export interface TableCopy {
  /** Table name. */
  table: string;
  /** Rows copied by this run. */
  copied: number;
  /** Rows an earlier, interrupted run had copied already. */
  resumed: number;
}

/** Creates the progress table (idempotent). */
export async function prepareProgress(pg: postgres.Sql): Promise<void> {
  await pg`CREATE TABLE IF NOT EXISTS mts_migrate_progress (
    tbl text PRIMARY KEY, last_key text NOT NULL, rows bigint NOT NULL,
    done boolean NOT NULL DEFAULT false)`;
}

/** Copies one table (see the module doc); `onChunk` hears the rows copied so far. */
export async function copyTable(
  src: DatabaseSync,
  pg: postgres.Sql,
  plan: TablePlan,
  options: { chunk?: number; onChunk?: (rows: number) => void } = {},
): Promise<TableCopy> {
  const chunk = options.chunk ?? COPY_CHUNK;
  const [progress] = await pg`SELECT last_key, rows, done FROM mts_migrate_progress
                              WHERE tbl = ${plan.name}`;
  if (!progress) {
    const [{ n }] = await pg.unsafe(`SELECT COUNT(*)::bigint AS n FROM ${quote(plan.name)}`);
    if (Number(n) > 0) {
      throw new Error(
        `the target's table ${plan.name} already has ${n} rows that migrate did not copy: ` +
          "migrate into an empty database",
      );
    }
  }
  const resumed = progress ? Number(progress.rows) : 0;
  if (progress?.done) return { table: plan.name, copied: 0, resumed };
  let last: unknown[] | undefined = progress ? JSON.parse(String(progress.last_key)) : undefined;
  let total = resumed;
  const cols = plan.columns.map(quote).join(", ");
  const order = plan.key.map(quote).join(", ");
  const conds = (after: boolean) =>
    [plan.where, after ? `(${order}) > (${plan.key.map(() => "?").join(", ")})` : ""]
      .filter((c) => c !== "");
  const select = (after: boolean) => {
    const where = conds(after);
    return src.prepare(
      `SELECT ${cols} FROM ${quote(plan.name)}${where.length ? ` WHERE ${where.join(" AND ")}` : ""}
       ORDER BY ${order} LIMIT ${chunk}`,
    );
  };
  const first = select(false), next = select(true);
  for (;;) {
    const rows = (last ? next.all(...(last as (string | number | null)[])) : first.all()) as Record<
      string,
      unknown
    >[];
    if (rows.length === 0) break;
    const end = rows[rows.length - 1];
    last = plan.key.map((k) => end[k]);
    await pg.begin(async (sql) => {
      await sql.unsafe(
        `INSERT INTO ${quote(plan.name)} (${cols})
         SELECT ${cols} FROM json_populate_recordset(NULL::${quote(plan.name)}, $1::text::json)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(rows, blobsAsHex)],
      );
      total += rows.length;
      await sql`INSERT INTO mts_migrate_progress (tbl, last_key, rows)
                VALUES (${plan.name}, ${JSON.stringify(last)}, ${total})
                ON CONFLICT (tbl) DO UPDATE SET last_key = excluded.last_key, rows = excluded.rows`;
    });
    options.onChunk?.(total);
    if (rows.length < chunk) break;
  }
  await pg`INSERT INTO mts_migrate_progress (tbl, last_key, rows, done)
           VALUES (${plan.name}, ${JSON.stringify(last ?? [])}, ${total}, true)
           ON CONFLICT (tbl) DO UPDATE SET done = true`;
  await resetIdentity(pg, plan.name);
  return { table: plan.name, copied: total - resumed, resumed };
}

/** JSON replacer: a BLOB (Uint8Array) becomes `bytea`'s hex input form, `\x0a1b…`. */
export function blobsAsHex(_key: string, v: unknown): unknown {
  return v instanceof Uint8Array ? `\\x${hex(v)}` : v;
}

/** Moves an identity column's sequence past the copied ids, so new rows get fresh ones. */
async function resetIdentity(pg: postgres.Sql, table: string): Promise<void> {
  const cols = await pg`SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ${table} AND is_identity = 'YES'`;
  for (const c of cols) {
    const col = String(c.column_name);
    await pg.unsafe(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(${quote(col)}), 0) + 1, false)
       FROM ${quote(table)}`,
      [table, col],
    );
  }
}
