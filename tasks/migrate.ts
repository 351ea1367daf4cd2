/**
 * `deno task migrate --from data/mts.db --to postgres://user:pass@host:5432/mts [--json]` —
 * copies everything an SQLite database holds into PostgreSQL, resumably, and verifies every
 * table by row count and checksum.
 * @module
 */
import { printJson } from "../lib/cli/output.ts";
import { defineTask } from "../lib/cli/task.ts";
import { formatTable } from "../lib/cli/table.ts";
import { ConfigError, UsageError } from "../lib/core/errors.ts";
import { safeEcho } from "../lib/core/text.ts";
import { migrateToPostgres } from "../lib/storage/migrate/migrate.ts";
import { parsePostgresUrl } from "../lib/storage/postgres/connect.ts";
import { checkDatabasePath } from "../lib/storage/sqlite/open.ts";

const URL_FORM = "a postgres:// URL naming user, password, host, port and database";

const HELP = `Usage: deno task migrate --from <sqlite file> --to <postgres url> [--json]

Copies every table of an SQLite database (prices, macro observations with their revisions, the
data-quality ledger, collection runs, signals, backtest runs, scheduler job runs, funding rates,
optimisation trials, book resyncs and snapshots, price alerts, arbitrage opportunities) into a
PostgreSQL database, creating its schema. Rows go over in key order in committed chunks: an
interrupted migrate, run again with the same arguments, continues where it stopped. Then every
table is verified: row counts and a SHA-256 over every row must agree on both sides (exit 1 if
not). The target must be empty (or hold an interrupted migrate's rows). The SQLite file is only
read; other processes may keep using it (migrate copies one consistent snapshot).

Options:
  --from <path>   the SQLite database file (e.g. data/mts.db)
  --to <url>      postgres://user:password@host:5432/database (the password is never printed)
  --json          print the per-table result as JSON
  -h, --help      show this help

The task's permission set grants any network host (it connects to the host of --to). Afterwards,
set DATABASE_URL to the same URL and every task uses PostgreSQL (docs/scaling.md).

Example:
  deno task migrate --from data/mts.db --to postgres://mts:secret@127.0.0.1:5432/mts`;

const task = defineTask({
  name: "migrate",
  help: HELP,
  flags: { from: { type: "string" }, to: { type: "string" } },
  run: async ({ flags, json }) => {
    if (!flags.from) throw new UsageError("--from: expected the SQLite database file to copy");
    if (!flags.to) throw new UsageError(`--to: expected ${URL_FORM}`);
    const target = usage(() => parsePostgresUrl(flags.to!, "--to"));
    usage(() => checkDatabasePath(flags.from!, "--from"));
    if (!isFile(flags.from)) {
      throw new UsageError(`--from: ${safeEcho(flags.from)} is not an existing SQLite database`);
    }
    const tty = !json && Deno.stderr.isTerminal();
    const result = await migrateToPostgres({
      from: flags.from,
      to: flags.to,
      onProgress: tty
        ? (table, rows) =>
          Deno.stderr.writeSync(new TextEncoder().encode(`\r${table}: ${rows} rows`))
        : undefined,
    });
    if (tty) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
    if (json) {
      printJson({ from: flags.from, to: target.shown, ok: result.ok, tables: result.tables });
      return result.ok ? 0 : 1;
    }
    console.log(`migrated ${safeEcho(flags.from)} -> ${safeEcho(target.shown)}`);
    console.log(formatTable(result.tables, [
      { header: "table", value: (t) => t.table },
      { header: "copied", value: (t) => t.copied, align: "right" },
      { header: "resumed", value: (t) => t.resumed, align: "right" },
      { header: "source rows", value: (t) => t.check.sourceRows, align: "right" },
      { header: "target rows", value: (t) => t.check.targetRows, align: "right" },
      { header: "sha256", value: (t) => t.check.sourceSha256.slice(0, 16) },
      {
        header: "check",
        value: (t) => t.check.ok ? "ok" : `MISMATCH (target ${t.check.targetSha256.slice(0, 16)})`,
      },
    ]));
    console.log(
      result.ok
        ? "every table verified: row counts and checksums agree"
        : "verification FAILED: the target differs from the source (see MISMATCH rows)",
    );
    return result.ok ? 0 : 1;
  },
});

/** Bad flag values are usage errors (exit 2), whichever check finds them. */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
