/**
 * `deno task export [--dir data/backups] [--asset <id>…] [--series <id>…] [--source <name>…]
 * [--json]` — writes the stored series to CSV files that `deno task import` reads back to
 * identical data.
 * @module
 */
import { listFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { outputPath } from "../lib/cli/paths.ts";
import { defineTask } from "../lib/cli/task.ts";
import { fmtNum, formatTable } from "../lib/cli/table.ts";
import { UsageError } from "../lib/core/errors.ts";
import { idFlagProblem } from "../lib/core/ids.ts";
import { exportStore } from "../lib/services/exporter.ts";
import { describeStore } from "../lib/storage/open_store.ts";

const HELP = `Usage: deno task export [options]

Writes every stored price series and macro series to one CSV file each (mts export format:
a '# mts export: …' banner line, then date,open,high,low,close,volume,market_cap or date,value).
Re-importing a file with 'deno task import --file <file>' gives identical data. Ids are
1-64 characters from A-Z a-z 0-9 . _ - (sources 1-32); a stored series whose id is not stops
the export before any file is written.

Options:
  --dir <path>       output directory (default: $DATA_DIR/backups, i.e. data/backups);
                     must be under data/ or reports/ (where the task may write)
  --asset <id...>    only these assets' price series (repeatable, or a b / a,b)
  --series <id...>   only these macro series (repeatable, or a b / a,b)
  --source <name...> only series from these sources (repeatable, or a b / a,b)
  --json             print the list of files as JSON
  -h, --help         show this help

Examples:
  deno task export
  deno task export --dir data/backups/sample --source sample`;

const task = defineTask({
  name: "export",
  help: HELP,
  flags: {
    dir: { type: "string" },
    asset: { type: "string", multiple: true },
    series: { type: "string", multiple: true },
    source: { type: "string", multiple: true },
  },
  lists: ["asset", "series", "source"],
  run: async ({ flags, json, config, store }) => {
    const dir = flags.dir === undefined
      ? `${config.dataDir}/backups`
      : outputPath("dir", flags.dir, { task: "export", dataDir: config.dataDir });
    const result = await exportStore(store(), dir, {
      assets: idsFlag(flags.asset, "asset"),
      series: idsFlag(flags.series, "series"),
      sources: idsFlag(flags.source, "source"),
    });
    if (json) {
      printJson({ dir, files: result.details, rows: result.rows });
    } else if (result.details.length === 0) {
      console.log(
        `Nothing to export: no stored series match (database ${describeStore(config)})`,
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
  },
});

/** A list flag of ids; each follows the id rule, so a typo such as `--asset bit/coin` exits 2. */
function idsFlag(
  value: string | string[] | undefined,
  kind: "asset" | "series" | "source",
): string[] | undefined {
  const ids = listFlag(value);
  for (const id of ids ?? []) {
    const problem = idFlagProblem(kind, kind, id);
    if (problem) throw new UsageError(problem);
  }
  return ids;
}

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
