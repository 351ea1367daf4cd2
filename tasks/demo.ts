/**
 * `deno task demo [--days <n>] [--json]` — creates the database if needed, loads the generated
 * sample market (idempotent) and prints what is there: series, ranges, row counts, last values,
 * recent closes and data-quality issues. Later capabilities add sections in lib/services/demo.ts.
 * @module
 */
import { intFlag, parseFlags, printJson, reportError, runTask } from "../lib/cli/run.ts";
import { formatDemo, runDemo } from "../lib/services/demo.ts";
import { STRATEGIES } from "../strategies/mod.ts";

const HELP = `Usage: deno task demo [options]

Creates the SQLite database (DATABASE_PATH, default data/mts.db), loads the generated sample
market — bitcoin, ethereum, binancecoin daily OHLCV and market cap, VIX and DXY on weekdays,
2019-01-01 .. 2024-12-31 — and prints a summary. The sample market is generated data (seed 42),
not real prices. Running it again changes nothing.

Options:
  --days <n>     recent days to show (default 10, 1..3650)
  --json         print the summary as JSON
  -h, --help     show this help`;

/** Entry point. */
export async function main(args: string[]): Promise<number> {
  let flags;
  let days = 10;
  try {
    flags = parseFlags(args, {
      days: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    }).values;
    days = intFlag(flags.days, "days", { min: 1, max: 3650, fallback: 10 });
  } catch (e) {
    return reportError("demo", e);
  }
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const json = flags.json ?? false;
  return await runTask("demo", async (ctx) => {
    const report = await runDemo(ctx.store(), ctx.config, { days, registry: STRATEGIES });
    if (json) printJson(report);
    else console.log(formatDemo(report));
    return 0;
  }, { json });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
