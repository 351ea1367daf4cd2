/**
 * Verifying a copy: per table, the row count and a SHA-256 over every row (its copied columns as
 * JSON, in key order — text keys byte-wise on both sides) of the SQLite source and of the
 * PostgreSQL target. Equal checksums mean every value arrived exactly, numbers included.
 * @module
 */
import { createHash } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type postgres from "postgres";
import { hex } from "../postgres/trials.ts";
import { quote, type TablePlan } from "./tables.ts";

/** One table's verification. */
export interface TableCheck {
  /** Table name. */
  table: string;
  /** Rows in the SQLite source (rows it keeps only for itself left out). */
  sourceRows: number;
  /** Rows in PostgreSQL. */
  targetRows: number;
  /** SHA-256 of the source rows. */
  sourceSha256: string;
  /** SHA-256 of the target rows. */
  targetSha256: string;
  /** Counts and checksums agree. */
  ok: boolean;
}

/** Compares one table on both sides (see the module doc). */
export async function verifyTable(
  src: DatabaseSync,
  pg: postgres.Sql,
  plan: TablePlan,
): Promise<TableCheck> {
  const cols = plan.columns.map(quote).join(", ");
  const srcHash = createHash("sha256");
  let sourceRows = 0;
  const stmt = src.prepare(
    `SELECT ${cols} FROM ${quote(plan.name)}${plan.where ? ` WHERE ${plan.where}` : ""}
     ORDER BY ${plan.key.map(quote).join(", ")}`,
  );
  for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
    srcHash.update(line(plan.columns, row));
    sourceRows++;
  }
  const order = plan.key.map((k) =>
    plan.textKeys.includes(k) ? `${quote(k)} COLLATE "C"` : quote(k)
  )
    .join(", ");
  const dstHash = createHash("sha256");
  let targetRows = 0;
  const cursor = pg.unsafe(`SELECT ${cols} FROM ${quote(plan.name)} ORDER BY ${order}`).cursor(
    5_000,
  );
  for await (const rows of cursor) {
    for (const row of rows) {
      dstHash.update(line(plan.columns, row));
      targetRows++;
    }
  }
  const sourceSha256 = srcHash.digest("hex"), targetSha256 = dstHash.digest("hex");
  return {
    table: plan.name,
    sourceRows,
    targetRows,
    sourceSha256,
    targetSha256,
    ok: sourceRows === targetRows && sourceSha256 === targetSha256,
  };
}

/** One row's canonical text: its values as a JSON array (integers and doubles alike). */
function line(columns: readonly string[], row: Record<string, unknown>): string {
  return JSON.stringify(columns.map((c) => {
    const v = row[c];
    if (v instanceof Uint8Array) return `\\x${hex(v)}`;
    return typeof v === "bigint" ? Number(v) : v ?? null;
  })) + "\n";
}
