/**
 * `deno task collect` — fetch crypto candles from CoinGecko or Binance into the database,
 * incrementally, then write a CSV backup of what was collected.
 * @module
 */
import { choiceFlag, intervalFlag, intFlag, listFlag } from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { fmtNum, formatTable } from "../lib/cli/table.ts";
import { defineTask } from "../lib/cli/task.ts";
import { UsageError } from "../lib/core/errors.ts";
import { safeEcho } from "../lib/core/text.ts";
import { isoTime } from "../lib/core/time.ts";
import type { NetEvent } from "../lib/net/resilient_client.ts";
import {
  checkNetAccess,
  pingCoinGecko,
  PRICE_SOURCES,
  priceSourceFor,
  priceSourceUrls,
} from "../lib/services/api_clients.ts";
import { backupCollected } from "../lib/services/collect_backup.ts";
import { interruptSignal, TerminalProgress } from "../lib/services/collect_cli.ts";
import { collectPrices } from "../lib/services/collector.ts";
import { openEventPublisher } from "../lib/services/event_publisher.ts";
import { publishedCollectionRun, runStartedEvent } from "../lib/services/published_events.ts";

const HELP = `Usage: deno task collect [options]

Fetches complete candles for the configured assets into the database. Only bars missing from
the database are fetched (holes inside the window are backfilled); the bar still forming is
never stored. A CSV backup of the collected series is written afterwards.

Options:
  --days N            days of history to make complete (default 1: the latest complete bars)
  --assets A [B ...]  asset ids, space- or comma-separated (default: COLLECT_ASSETS)
  --source S          coingecko (default) or binance
  --interval I        bar interval: 1d (default), 1h, 4h, ... (coingecko: 1h or coarser)
  --refetch-gaps      ask again for bars the source earlier did not have
  --no-backup         skip the CSV backup (also: CSV_BACKUP=false)
  --ping              only check that the source answers (CoinGecko /ping: shows the host used)
  --json              print the run report as JSON only
  -h, --help          show this help

Examples:
  deno task collect --days 7 --assets bitcoin ethereum
  deno task collect --source binance --interval 1h --days 30 --assets bitcoin
`;

const task = defineTask({
  name: "collect",
  help: HELP,
  flags: {
    days: { type: "string" },
    assets: { type: "string" },
    source: { type: "string" },
    interval: { type: "string" },
    "refetch-gaps": { type: "boolean" },
    "no-backup": { type: "boolean" },
    ping: { type: "boolean" },
  },
  lists: ["assets"],
  run: async ({ flags: values, json, config, store, redact }) => {
    const days = intFlag(values.days, "days", { min: 1, max: 10_000, fallback: 1 });
    const sourceName = choiceFlag(values.source, "source", PRICE_SOURCES) ?? "coingecko";
    const interval = intervalFlag(values.interval) ?? "1d";
    const assets = listFlag(values.assets) ?? [...config.collect.assets];
    if (assets.length === 0) throw new UsageError("--assets: no assets given");
    if (values.ping && sourceName !== "coingecko") {
      throw new UsageError("--ping: only --source coingecko has a ping endpoint");
    }
    await checkNetAccess(priceSourceUrls(config, sourceName));

    const progress = new TerminalProgress(!json && Deno.stderr.isTerminal());
    const interrupt = interruptSignal();
    const wiring = { signal: interrupt.signal, onEvent: (e: NetEvent) => progress.net(e), redact };
    let report;
    // with REDIS_URL, the run's start and outcome reach the API server's WebSocket clients
    const events = values.ping ? undefined : await openEventPublisher(config, {
      warn: (m) => console.error(`mts collect: warning: ${safeEcho(m, 400)}`),
    });
    try {
      if (values.ping) {
        const r = await pingCoinGecko(config, wiring);
        const out = { source: sourceName, plan: config.coingecko.plan, ...r };
        if (json) printJson(out);
        else console.log(`coingecko (${out.plan} plan) answered via ${r.endpoint}: ${r.message}`);
        return 0;
      }
      const source = priceSourceFor(config, sourceName, wiring);
      source.checkRequest(interval, days);
      const started = runStartedEvent({
        task: "collect",
        source: sourceName,
        subjects: [...assets],
        interval,
        days,
      });
      report = await publishedCollectionRun(
        events?.sink,
        started,
        "collect",
        undefined,
        () =>
          collectPrices(store(), {
            source,
            assets,
            interval,
            days,
            nowMs: Date.now(),
            refetchGaps: values["refetch-gaps"] ?? false,
            signal: interrupt.signal,
            onProgress: (p) => progress.collect(p),
            params: sourceName === "coingecko" ? { plan: config.coingecko.plan } : {},
            redact,
          }),
        redact,
      );
    } finally {
      progress.done();
      interrupt.dispose();
      await events?.close();
    }

    const backup = config.collect.csvBackup && !values["no-backup"]
      ? await backupCollected(store(), config.dataDir, {
        assets,
        sources: [sourceName],
        macro: false,
      }, redact)
      : undefined;

    if (json) {
      printJson({
        ...report,
        from: isoTime(report.window.from),
        to: isoTime(report.window.to),
        backup,
      });
    } else {
      console.log(
        `collect run ${report.runId}: ${report.status}, ${report.rowsWritten} rows written ` +
          `(${sourceName}, ${interval} bars ${isoTime(report.window.from)} .. ${
            isoTime(report.window.to)
          })`,
      );
      console.log(formatTable(report.items, [
        { header: "asset", value: (i) => i.asset },
        { header: "status", value: (i) => i.status },
        { header: "missing", value: (i) => i.missingBefore, align: "right" },
        { header: "new", value: (i) => i.inserted, align: "right" },
        { header: "updated", value: (i) => i.updated, align: "right" },
        { header: "requests", value: (i) => i.requests, align: "right" },
        { header: "via", value: (i) => i.via },
        {
          header: "note",
          value: (i) =>
            i.error ?? [
              i.missingAfter - i.pending
                ? `${i.missingAfter - i.pending} bars missing at source`
                : "",
              i.pending ? `${i.pending} newest not published yet (retried next run)` : "",
            ].filter(Boolean).join("; "),
        },
      ]));
      if (backup && "dir" in backup) {
        console.log(
          `backup: ${backup.files} file(s), ${fmtNum(backup.rows, 0)} rows in ${backup.dir}`,
        );
      } else if (backup) console.log(backup.error);
    }
    if (report.status !== "success") {
      console.error(`mts collect: ${safeEcho(report.error ?? report.status, 400)}`);
      return 1;
    }
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
