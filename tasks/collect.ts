/**
 * `deno task collect` — fetch crypto candles from CoinGecko or Binance into the database,
 * incrementally, then write a CSV backup of what was collected.
 * @module
 */
import { join } from "node:path";
import { BinanceClient } from "../lib/clients/binance/client.ts";
import { CoinGeckoClient } from "../lib/clients/coingecko/client.ts";
import { fmtNum } from "../lib/cli/table.ts";
import { formatTable } from "../lib/cli/table.ts";
import { intFlag, parseFlags, printJson, runTask } from "../lib/cli/run.ts";
import { ConfigError, UsageError } from "../lib/core/errors.ts";
import { isoTime, parseInterval } from "../lib/core/time.ts";
import { missingNetPermissions } from "../lib/net/permissions.ts";
import {
  apiClientOptions,
  expandListFlags,
  interruptSignal,
  splitList,
  TerminalProgress,
} from "../lib/services/collect_cli.ts";
import { collectPrices } from "../lib/services/collector.ts";
import { exportStore } from "../lib/services/exporter.ts";
import { binanceSource, coinGeckoSource, type PriceSource } from "../lib/services/price_sources.ts";

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

/** Entry point; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const json = args.includes("--json");
  return await runTask("collect", async ({ config, store }) => {
    const { values } = parseFlags(expandListFlags(args, ["--assets"]), {
      days: { type: "string" },
      assets: { type: "string" },
      source: { type: "string" },
      interval: { type: "string" },
      "refetch-gaps": { type: "boolean" },
      "no-backup": { type: "boolean" },
      ping: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const days = intFlag(values.days, "days", { min: 1, max: 10_000, fallback: 1 });
    const sourceName = values.source ?? "coingecko";
    if (sourceName !== "coingecko" && sourceName !== "binance") {
      throw new UsageError(`--source: expected coingecko or binance, got "${sourceName}"`);
    }
    let interval;
    try {
      interval = parseInterval(values.interval ?? "1d");
    } catch (e) {
      throw new UsageError(`--interval: ${(e as Error).message}`);
    }
    const assets = splitList(values.assets) ?? [...config.collect.assets];
    if (assets.length === 0) throw new UsageError("--assets: no assets given");

    const urls = sourceName === "coingecko"
      ? [
        ...(config.coingecko.plan === "pro"
          ? [{ variable: "COINGECKO_PRO_BASE_URL", url: config.coingecko.proBaseUrl }]
          : []),
        { variable: "COINGECKO_BASE_URL", url: config.coingecko.baseUrl },
      ]
      : [{ variable: "BINANCE_BASE_URL", url: config.binance.baseUrl }];
    const denied = await missingNetPermissions(urls);
    if (denied.length) throw new ConfigError(denied.join("; "));

    const progress = new TerminalProgress(!json && Deno.stderr.isTerminal());
    const interrupt = interruptSignal();
    const common = apiClientOptions(config, interrupt.signal, (e) => progress.net(e));
    const gecko = sourceName === "coingecko"
      ? new CoinGeckoClient({
        ...common,
        plan: config.coingecko.plan,
        apiKey: config.coingecko.apiKey,
        baseUrl: config.coingecko.baseUrl,
        proBaseUrl: config.coingecko.proBaseUrl,
        ratePerMinute: config.coingecko.ratePerMinute,
      })
      : undefined;
    if (values.ping) {
      try {
        if (!gecko) throw new UsageError("--ping: only --source coingecko has a ping endpoint");
        const r = await gecko.ping();
        const out = { source: sourceName, plan: config.coingecko.plan, ...r };
        if (json) printJson(out);
        else console.log(`coingecko (${out.plan} plan) answered via ${r.endpoint}: ${r.message}`);
        return 0;
      } finally {
        interrupt.dispose();
      }
    }
    const source: PriceSource = gecko ? coinGeckoSource(gecko) : binanceSource(
      new BinanceClient({
        ...common,
        baseUrl: config.binance.baseUrl,
        weightPerMinute: config.binance.weightPerMinute,
      }),
      config.binance.symbolMap,
    );
    source.checkRequest(interval, days);

    const db = store();
    let report;
    try {
      report = await collectPrices(db, {
        source,
        assets,
        interval,
        days,
        nowMs: Date.now(),
        refetchGaps: values["refetch-gaps"] ?? false,
        signal: interrupt.signal,
        onProgress: (p) => progress.collect(p),
        params: sourceName === "coingecko" ? { plan: config.coingecko.plan } : {},
      });
    } finally {
      progress.done();
      interrupt.dispose();
    }

    let backup: { dir: string; files: number; rows: number } | { error: string } | undefined;
    if (config.collect.csvBackup && !values["no-backup"]) {
      const dir = join(config.dataDir, "backup");
      try {
        const r = await exportStore(db, dir, { assets, sources: [sourceName], macro: false });
        backup = { dir, files: r.files.length, rows: r.rows };
      } catch (e) {
        backup = { error: `CSV backup failed: ${(e as Error).message}` };
      }
    }

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
      console.error(`mts collect: ${report.error ?? report.status}`);
      return 1;
    }
    return 0;
  }, { json });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
