/**
 * `deno task macro` — fetch macro indicators (FRED; VIX from CBOE without a FRED key) into the
 * database with their vintage, then write a CSV backup of what was collected.
 * @module
 */
import { join } from "node:path";
import { CboeClient } from "../lib/clients/cboe/client.ts";
import { FredClient } from "../lib/clients/fred/client.ts";
import { fredSeriesId } from "../lib/clients/fred/series.ts";
import { intFlag, parseFlags, printJson, runTask } from "../lib/cli/run.ts";
import { fmtNum, formatTable } from "../lib/cli/table.ts";
import { ConfigError, UsageError } from "../lib/core/errors.ts";
import { isoDate } from "../lib/core/time.ts";
import { missingNetPermissions } from "../lib/net/permissions.ts";
import {
  apiClientOptions,
  expandListFlags,
  interruptSignal,
  splitList,
  TerminalProgress,
} from "../lib/services/collect_cli.ts";
import { exportStore } from "../lib/services/exporter.ts";
import { collectMacro } from "../lib/services/macro_collector.ts";

const HELP = `Usage: deno task macro [options]

Fetches macro indicators into the database. With FRED_API_KEY every indicator comes from FRED
(names map to FRED ids: VIX=VIXCLS, DXY=DTWEXBGS, DGS10=DGS10, ...; extend with FRED_SERIES_MAP;
an unknown name is used as a FRED id). Without a key, VIX comes from CBOE's VIX history CSV and
the other indicators are skipped. Each value is stored with its vintage (fetch time); a changed
value becomes a revision. A CSV backup of the collected series is written afterwards.

Options:
  --indicators A [B ...]  indicator names, space- or comma-separated (default: MACRO_INDICATORS)
  --days N                days of history to make complete (default 30)
  --no-backup             skip the CSV backup (also: CSV_BACKUP=false)
  --json                  print the run report as JSON only
  -h, --help              show this help

Examples:
  deno task macro --indicators VIX DXY
  deno task macro --indicators DGS10 T10Y2Y --days 365
`;

/** Entry point; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const json = args.includes("--json");
  return await runTask("macro", async ({ config, store }) => {
    const { values } = parseFlags(expandListFlags(args, ["--indicators"]), {
      indicators: { type: "string" },
      days: { type: "string" },
      "no-backup": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const days = intFlag(values.days, "days", { min: 1, max: 100_000, fallback: 30 });
    const indicators = (splitList(values.indicators) ?? [...config.collect.macroIndicators])
      .map((s) => s.toUpperCase());
    if (indicators.length === 0) throw new UsageError("--indicators: no indicators given");
    for (const i of indicators) {
      if (!/^[A-Z0-9_.-]+$/.test(i)) {
        throw new UsageError(`--indicators: "${i}" is not a series name (letters, digits, _ . -)`);
      }
    }

    const hasKey = config.fred.apiKey !== undefined;
    const needsCboe = !hasKey && indicators.includes("VIX");
    const urls = [
      ...(hasKey ? [{ variable: "FRED_BASE_URL", url: config.fred.baseUrl }] : []),
      ...(needsCboe ? [{ variable: "CBOE_VIX_URL", url: config.cboeVixUrl }] : []),
    ];
    const denied = await missingNetPermissions(urls);
    if (denied.length) throw new ConfigError(denied.join("; "));

    const progress = new TerminalProgress(!json && Deno.stderr.isTerminal());
    const interrupt = interruptSignal();
    const common = apiClientOptions(config, interrupt.signal, (e) => progress.net(e));
    const fred = hasKey
      ? new FredClient({
        ...common,
        apiKey: config.fred.apiKey!,
        baseUrl: config.fred.baseUrl,
        ratePerMinute: config.fred.ratePerMinute,
      })
      : undefined;
    const cboe = needsCboe ? new CboeClient({ ...common, vixUrl: config.cboeVixUrl }) : undefined;

    const db = store();
    let report;
    try {
      report = await collectMacro(db, {
        indicators,
        days,
        nowMs: Date.now(),
        fred,
        cboe,
        seriesMap: config.fred.seriesMap,
        signal: interrupt.signal,
        onProgress: (p) => progress.collect(p),
      });
    } finally {
      progress.done();
      interrupt.dispose();
    }

    let backup: { dir: string; files: number; rows: number } | { error: string } | undefined;
    const collected = report.items.filter((i) => i.status !== "skipped").map((i) => i.indicator);
    if (config.collect.csvBackup && !values["no-backup"] && collected.length) {
      const dir = join(config.dataDir, "backup");
      try {
        const r = await exportStore(db, dir, { series: collected, candles: false });
        backup = { dir, files: r.files.length, rows: r.rows };
      } catch (e) {
        backup = { error: `CSV backup failed: ${(e as Error).message}` };
      }
    }

    if (json) {
      printJson({ ...report, backup });
    } else {
      console.log(
        `macro run ${report.runId}: ${report.status}, ${report.rowsWritten} rows written` +
          (hasKey ? " (FRED)" : " (no FRED_API_KEY: VIX from CBOE only)"),
      );
      console.log(formatTable(report.items, [
        { header: "indicator", value: (i) => i.indicator },
        {
          header: "series",
          value: (i) =>
            i.seriesId ?? (hasKey ? fredSeriesId(i.indicator, config.fred.seriesMap) : ""),
        },
        { header: "source", value: (i) => i.source },
        { header: "status", value: (i) => i.status },
        {
          header: "from",
          value: (i) => (i.fetchedFrom === undefined ? "" : isoDate(i.fetchedFrom)),
        },
        { header: "new", value: (i) => i.inserted, align: "right" },
        { header: "revised", value: (i) => i.revised, align: "right" },
        { header: "missing", value: (i) => i.missingValues, align: "right" },
        { header: "note", value: (i) => i.error ?? "" },
      ]));
      if (backup && "dir" in backup) {
        console.log(
          `backup: ${backup.files} file(s), ${fmtNum(backup.rows, 0)} rows in ${backup.dir}`,
        );
      } else if (backup) console.log(backup.error);
    }
    const skipped = report.items.filter((i) => i.status === "skipped");
    if (report.status !== "success") {
      console.error(`mts macro: ${report.error ?? report.status}`);
      return 1;
    }
    if (skipped.length && !json && !Deno.stdout.isTerminal()) {
      // the table already says it on a terminal; keep a one-line trace for cron logs
      console.error(
        `mts macro: skipped ${skipped.map((s) => s.indicator).join(", ")} (no FRED_API_KEY)`,
      );
    }
    return 0;
  }, { json });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
