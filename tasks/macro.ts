/**
 * `deno task macro` — fetch macro indicators (FRED; VIX from CBOE without a FRED key) into the
 * database with their vintage, then write a CSV backup of what was collected.
 * @module
 */
import { fredSeriesId } from "../lib/clients/fred/series.ts";
import { badFlag, intFlag, listFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { fmtNum, formatTable } from "../lib/cli/table.ts";
import { defineTask } from "../lib/cli/task.ts";
import { UsageError } from "../lib/core/errors.ts";
import { safeEcho } from "../lib/core/text.ts";
import { isoDate } from "../lib/core/time.ts";
import type { NetEvent } from "../lib/net/resilient_client.ts";
import { checkNetAccess, macroClientsFor, macroUrls } from "../lib/services/api_clients.ts";
import { backupCollected } from "../lib/services/collect_backup.ts";
import { interruptSignal, TerminalProgress } from "../lib/services/collect_cli.ts";
import { collectMacro } from "../lib/services/macro_collector.ts";
import { openEventPublisher } from "../lib/services/event_publisher.ts";
import { publishedCollectionRun, runStartedEvent } from "../lib/services/published_events.ts";

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

const task = defineTask({
  name: "macro",
  help: HELP,
  flags: {
    indicators: { type: "string" },
    days: { type: "string" },
    "no-backup": { type: "boolean" },
  },
  lists: ["indicators"],
  run: async ({ flags: values, json, config, store, redact }) => {
    const days = intFlag(values.days, "days", { min: 1, max: 100_000, fallback: 30 });
    const indicators = (listFlag(values.indicators) ?? [...config.collect.macroIndicators])
      .map((s) => s.toUpperCase());
    if (indicators.length === 0) throw new UsageError("--indicators: no indicators given");
    for (const i of indicators) {
      if (!/^[A-Z0-9_.-]+$/.test(i)) {
        badFlag("indicators", "series names (letters, digits, _ . -)", i);
      }
    }
    const hasKey = config.fred.apiKey !== undefined;
    await checkNetAccess(macroUrls(config, indicators));

    const progress = new TerminalProgress(!json && Deno.stderr.isTerminal());
    const interrupt = interruptSignal();
    const wiring = { signal: interrupt.signal, onEvent: (e: NetEvent) => progress.net(e), redact };
    const { fred, cboe } = macroClientsFor(config, indicators, wiring);
    let report;
    // with REDIS_URL, the run's start and outcome reach the API server's WebSocket clients
    const events = await openEventPublisher(config, {
      warn: (m) => console.error(`mts macro: warning: ${safeEcho(m, 400)}`),
    });
    try {
      const started = runStartedEvent({ task: "macro", subjects: indicators, days });
      report = await publishedCollectionRun(
        events.sink,
        started,
        "macro",
        undefined,
        () =>
          collectMacro(store(), {
            indicators,
            days,
            nowMs: Date.now(),
            fred,
            cboe,
            seriesMap: config.fred.seriesMap,
            signal: interrupt.signal,
            onProgress: (p) => progress.collect(p),
            redact,
          }),
        redact,
      );
    } finally {
      progress.done();
      interrupt.dispose();
      await events.close();
    }

    const collected = report.items.filter((i) => i.status !== "skipped").map((i) => i.indicator);
    const backup = config.collect.csvBackup && !values["no-backup"] && collected.length
      ? await backupCollected(
        store(),
        config.dataDir,
        { series: collected, candles: false },
        redact,
      )
      : undefined;

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
      console.error(`mts macro: ${safeEcho(report.error ?? report.status, 400)}`);
      return 1;
    }
    if (skipped.length && !json && !Deno.stdout.isTerminal()) {
      // the table already says it on a terminal; keep a one-line trace for cron logs
      console.error(
        `mts macro: skipped ${skipped.map((s) => s.indicator).join(", ")} (no FRED_API_KEY)`,
      );
    }
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
