/**
 * `deno task demo [--days <n>] [--json]` — creates the database if needed, loads the generated
 * sample market (idempotent) and prints what is there: series, ranges, row counts, last values,
 * recent closes and data-quality issues. Later capabilities add sections in lib/services/demo.ts.
 * @module
 */
import { intFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { defineTask } from "../lib/cli/task.ts";
import { formatDemo, runDemo } from "../lib/services/demo.ts";

const HELP = `Usage: deno task demo [options]

Creates the SQLite database (DATABASE_PATH, default data/mts.db), loads the generated sample
market — bitcoin, ethereum, binancecoin daily OHLCV and market cap, VIX and DXY on weekdays,
2019-01-01 .. 2024-12-31 — and prints a summary. The sample market is generated data (seed 42),
not real prices. Running it again changes nothing.

Options:
  --days <n>     recent days to show (default 10, 1..3650)
  --json         print the summary as JSON
  -h, --help     show this help`;

const task = defineTask({
  name: "demo",
  help: HELP,
  flags: { days: { type: "string" } },
  run: async ({ flags, json, config, store }) => {
    const days = intFlag(flags.days, "days", { min: 1, max: 3650, fallback: 10 });
    const report = await runDemo(store(), config, { days });
    if (json) printJson(report);
    else console.log(formatDemo(report));
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
