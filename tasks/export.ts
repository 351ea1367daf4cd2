/**
 * `deno task export [--dir data/backups] [--asset <id>…] [--series <id>…] [--source <name>…]
 * [--json]` — writes the stored series to CSV files that `deno task import` reads back to
 * identical data.
 * @module
 */
import { parseFlags, printJson, reportError, resolveUserPath, runTask } from "../lib/cli/run.ts";
import { fmtNum, formatTable } from "../lib/cli/table.ts";
import { UsageError } from "../lib/core/errors.ts";
import { idProblem } from "../lib/core/ids.ts";
import { exportStore } from "../lib/services/exporter.ts";

const HELP = `Usage: deno task export [options]

Writes every stored price series and macro series to one CSV file each (mts export format:
a '# mts export: …' banner line, then date,open,high,low,close,volume,market_cap or date,value).
Re-importing a file with 'deno task import --file <file>' gives identical data. Ids must be
1-64 characters from A-Z a-z 0-9 . _ - (sources 1-32); a stored series whose id is not stops
the export before any file is written.

Options:
  --dir <path>       output directory (default: $DATA_DIR/backups, i.e. data/backups);
                     the task may only write under data/
  --asset <id>       only this asset's price series (repeatable)
  --series <id>      only this macro series (repeatable)
  --source <name>    only series from this source (repeatable)
  --json             print the list of files as JSON
  -h, --help         show this help

Examples:
  deno task export
  deno task export --dir data/backups/sample --source sample`;

/** Entry point. */
export async function main(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(args, {
      dir: { type: "string" },
      asset: { type: "string", multiple: true },
      series: { type: "string", multiple: true },
      source: { type: "string", multiple: true },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    }).values;
    checkIdFlags(flags);
  } catch (e) {
    return reportError("export", e);
  }
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const json = flags.json ?? false;
  return await runTask("export", async (ctx) => {
    const dir = flags.dir ? resolveUserPath(flags.dir) : `${ctx.config.dataDir}/backups`;
    const result = await exportStore(ctx.store(), dir, {
      assets: flags.asset,
      series: flags.series,
      sources: flags.source,
    });
    if (json) {
      printJson({ dir, files: result.details, rows: result.rows });
    } else if (result.details.length === 0) {
      console.log(
        `Nothing to export: no stored series match (database ${ctx.config.databasePath})`,
      );
    } else {
      console.log(formatTable(result.details, [
        { header: "file", value: (d) => d.path },
        { header: "kind", value: (d) => d.kind },
        {
          header: "series",
          value: (d) => `${d.source}:${d.subject}${d.interval ? `@${d.interval}` : ""}`,
        },
        { header: "rows", value: (d) => fmtNum(d.rows, 0), align: "right" },
      ]));
      console.log(
        `${result.details.length} files, ${fmtNum(result.rows, 0)} rows written to ${dir}`,
      );
    }
    return 0;
  }, { json });
}

/** Filters follow the id rule too, so a typo such as `--asset "bit coin"` is a usage error. */
function checkIdFlags(flags: { asset?: string[]; series?: string[]; source?: string[] }): void {
  for (const kind of ["asset", "series", "source"] as const) {
    for (const value of flags[kind] ?? []) {
      const problem = idProblem(kind, value);
      if (problem) throw new UsageError(`--${kind}: ${problem}`);
    }
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
