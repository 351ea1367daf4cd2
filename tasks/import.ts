/**
 * `deno task import --file <csv> [--asset <id> | --series <id>] [--source <name>]
 * [--interval <i>] [--skip-bad-rows] [--json]` — imports a CSV file (CoinGecko export,
 * CryptoDataDownload, generic OHLCV, FRED, CBOE VIX or an mts export) into the database and
 * reports every data-quality issue it found.
 * @module
 */
import { intervalFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { resolveUserPath } from "../lib/cli/paths.ts";
import { defineTask } from "../lib/cli/task.ts";
import { UsageError } from "../lib/core/errors.ts";
import { safeEcho } from "../lib/core/text.ts";
import { intervalMs, isoDate, isoTime } from "../lib/core/time.ts";
import { importCsvFile, type ImportReport } from "../lib/services/importer.ts";

const HELP = `Usage: deno task import --file <csv> [options]

Imports one CSV file into the database (DATABASE_PATH, default data/mts.db). The format is
detected from the header: CoinGecko export, CryptoDataDownload/Binance, generic
Date,Open,High,Low,Close[,Volume], FRED observation_date,<SERIES>, CBOE DATE,OPEN,HIGH,LOW,CLOSE,
Date,Value (with --series) and files written by 'deno task export'.

Options:
  --file <path>        CSV file to import (required)
  --asset <id>         asset id for price files (guessed for btc/eth/bnb files)
  --series <id>        macro series id (FRED files use the header's id); ids are 1-64
                       characters from A-Z a-z 0-9 . _ - starting with a letter or digit
  --source <name>      source to store under (default: coingecko, cryptodatadownload,
                       fred, cboe or csv, by format)
  --interval <i>       bar interval (default: inferred from the timestamps)
  --skip-bad-rows      import the good rows and record each bad row as a quality issue
                       (default: the first bad row fails the import; nothing is stored).
                       Bad rows: wrong field count, broken quoting, a date outside
                       1970..2100, a price outside (0, 1e12], a volume outside [0, 1e30]
  --json               print the report as JSON
  -h, --help           show this help

Examples:
  deno task import --file ../shared/reference/coingecko-export/btc-usd-max.csv
  deno task import --file prices.csv --asset goog --skip-bad-rows`;

const task = defineTask({
  name: "import",
  help: HELP,
  flags: {
    file: { type: "string" },
    asset: { type: "string" },
    series: { type: "string" },
    source: { type: "string" },
    interval: { type: "string" },
    "skip-bad-rows": { type: "boolean" },
  },
  run: async ({ flags, json, store }) => {
    if (!flags.file) throw new UsageError("missing --file <csv>");
    const interval = intervalFlag(flags.interval);
    const path = resolveUserPath(flags.file);
    try {
      await Deno.stat(path);
    } catch {
      throw new UsageError(`--file: no such file: ${safeEcho(flags.file)}`);
    }
    const report = await importCsvFile(store, path, {
      displayName: flags.file,
      asset: flags.asset,
      series: flags.series,
      source: flags.source,
      interval,
      skipBadRows: flags["skip-bad-rows"],
    });
    if (json) printJson(toJson(report));
    else console.log(formatReport(report));
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

function fmtTime(ts: number | undefined, interval: string): string {
  if (ts === undefined) return "-";
  return interval !== "1M" && intervalMs(interval as "1d") < 86_400_000 ? isoTime(ts) : isoDate(ts);
}

function toJson(r: ImportReport) {
  return {
    ...r,
    first: fmtTime(r.firstTs, r.interval),
    last: fmtTime(r.lastTs, r.interval),
  };
}

/** Human-readable import report. */
export function formatReport(r: ImportReport): string {
  const what = r.kind === "candles"
    ? `${r.source}:${r.subject}@${r.interval}`
    : `macro ${r.subject} (source ${r.source}, ${r.interval})`;
  const lines = [
    `Imported ${r.file} (${r.format}) into ${what}${r.label ? ` — ${r.label}` : ""}`,
    `  rows: ${r.rowsRead} read, ${r.rowsValid} valid, ${fmtTime(r.firstTs, r.interval)} .. ${
      fmtTime(r.lastTs, r.interval)
    }`,
    `  stored: ${r.inserted} new, ${r.updated} ${
      r.kind === "candles" ? "updated" : "revised"
    }, ${r.unchanged} unchanged`,
  ];
  for (const n of r.notes) lines.push(`  note: ${n}`);
  if (r.badRows.length) {
    lines.push(`  bad rows skipped: ${r.badRows.length}`);
  }
  lines.push(
    r.issues.total === 0
      ? "Quality issues: none"
      : `Quality issues: ${r.issues.total} (${r.issues.new} new)`,
  );
  for (const k of r.issues.byKind) {
    lines.push(`  ${k.kind.padEnd(22)} ${String(k.count).padStart(6)}`);
    for (const e of k.examples) lines.push(`      e.g. ${e}`);
  }
  return lines.join("\n");
}

if (import.meta.main) Deno.exit(await main(Deno.args));
