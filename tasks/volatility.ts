/**
 * `deno task volatility`: annualised rolling volatility of log returns per asset (the seed's
 * rolling volatility script).
 *
 * `vol[i] = stdev(r[i-window+1..i]) * sqrt(periodsPerYear)`, sample standard deviation of the
 * log returns `r[i] = ln(close[i] / close[i-1])`; periods per year default to a calendar year of
 * bars (365 for daily crypto, which trades every day; pass 252 for trading-day series). A return
 * across a gap in the bars is left out (the window containing it has no value) rather than
 * spread over the missing days.
 * @module
 */
import { dirname } from "node:path";
import { UsageError } from "../lib/core/errors.ts";
import { DAY_MS, type Interval, intervalMs, isoDate } from "../lib/core/time.ts";
import {
  checkOrder,
  dateFlag,
  intervalFlag,
  intFlag,
  listFlag,
  numberFlag,
} from "../lib/cli/flags.ts";
import { printJson } from "../lib/cli/output.ts";
import { outputPath } from "../lib/cli/paths.ts";
import { defineTask } from "../lib/cli/task.ts";
import { fmtNum, fmtPct, formatTable } from "../lib/cli/table.ts";
import { logReturns } from "../lib/indicators/returns.ts";
import { rollingVolatility } from "../lib/indicators/volatility.ts";
import { DataError } from "../lib/core/errors.ts";
import { pickSource, type Store } from "../lib/storage/store.ts";

const HELP = `Usage: deno task volatility [options]

Annualised rolling volatility of log returns per asset, from the stored bars.

Options:
  --assets <a,b>           assets, a,b or a b (default: COLLECT_ASSETS)
  --window <n>             returns per window (default 30)
  --periods-per-year <n>   annualisation factor (default: a year of bars, 365 for 1d)
  --interval <i>           bar interval (default 1d)
  --source <name>          price source (default: preferred stored source per asset)
  --start <YYYY-MM-DD>     first bar date to report (earlier bars still warm up the window)
  --end <YYYY-MM-DD>       last bar date to report
  --out <file.csv>         write date,asset,close,log_return,volatility rows (- for stdout);
                           must be under data/ or reports/ (where the task may write)
  --json                   print JSON (the full series per asset)
  -h, --help               show this help

Examples:
  deno task volatility --assets bitcoin,ethereum
  deno task volatility --assets bitcoin --window 60 --out reports/btc_vol.csv`;

/** One row of the volatility series. */
export interface VolatilityRow {
  date: string;
  ts: number;
  close: number;
  logReturn: number | null;
  volatility: number | null;
}

/** Per-asset result. */
export interface AssetVolatility {
  asset: string;
  source: string;
  gaps: number;
  rows: VolatilityRow[];
  latest: VolatilityRow | null;
  mean: number | null;
  min: number | null;
  max: number | null;
}

/** Computes the rolling volatility of one series of bars. */
export function assetVolatility(
  bars: readonly { ts: number; close: number }[],
  options: { window: number; periodsPerYear: number; interval: Interval },
): { rows: VolatilityRow[]; gaps: number } {
  const step = intervalMs(options.interval);
  const closes = bars.map((b) => b.close);
  const r = logReturns(closes);
  let gaps = 0;
  for (let i = 1; i < bars.length; i++) {
    if (options.interval !== "1M" && bars[i].ts - bars[i - 1].ts !== step) {
      r[i] = NaN;
      gaps++;
    }
  }
  const vol = rollingVolatility(r, options.window, options.periodsPerYear);
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    gaps,
    rows: bars.map((b, i) => ({
      date: isoDate(b.ts),
      ts: b.ts,
      close: b.close,
      logReturn: num(r[i]),
      volatility: num(vol[i]),
    })),
  };
}

async function load(
  store: Store,
  assets: readonly string[],
  options: { interval: Interval; source?: string; from?: number; to?: number; window: number },
) {
  const stored = await store.listSeries();
  const out: { asset: string; source: string; bars: { ts: number; close: number }[] }[] = [];
  const problems: string[] = [];
  for (const asset of assets) {
    const available = stored.filter((s) => s.asset === asset && s.interval === options.interval)
      .map((s) => s.source);
    const source = options.source ?? pickSource(available);
    if (!source || !available.includes(source)) {
      problems.push(
        `no ${options.interval} prices for ${asset} (stored: ${available.join(", ") || "none"})`,
      );
      continue;
    }
    const warm = options.from === undefined
      ? undefined
      : options.from - (options.window + 1) * intervalMs(options.interval);
    const candles = await store.getCandles({ source, asset, interval: options.interval }, {
      from: warm,
      to: options.to,
    });
    out.push({ asset, source, bars: candles.filter((c) => c.close > 0) });
  }
  if (problems.length) throw new DataError(`Cannot compute volatility: ${problems.join("; ")}`);
  return out;
}

const task = defineTask({
  name: "volatility",
  help: HELP,
  flags: {
    assets: { type: "string" },
    window: { type: "string" },
    "periods-per-year": { type: "string" },
    interval: { type: "string" },
    source: { type: "string" },
    start: { type: "string" },
    end: { type: "string" },
    out: { type: "string" },
  },
  lists: ["assets"],
  machineOutput: (flags) => flags.out === "-",
  run: async ({ flags, json, ...ctx }) => {
    if (json && flags.out) throw new UsageError("--json and --out: use one of them, not both");
    const window = intFlag(flags.window, "window", { min: 2, max: 10_000, fallback: 30 });
    const interval = intervalFlag(flags.interval) ?? "1d";
    const ppy =
      numberFlag(flags["periods-per-year"], "periods-per-year", { min: 0, minExclusive: true }) ??
        365 * DAY_MS / intervalMs(interval);
    const assets = listFlag(flags.assets) ?? [...ctx.config.collect.assets];
    if (assets.length === 0) throw new UsageError("--assets: no asset given");
    const from = dateFlag(flags.start, "start");
    const to = dateFlag(flags.end, "end", { endOfDay: true });
    checkOrder({ flag: "start", value: from, text: flags.start }, {
      flag: "end",
      value: to,
      text: flags.end,
    });
    const out = flags.out === undefined ? undefined : outputPath("out", flags.out, {
      task: "volatility",
      dataDir: ctx.config.dataDir,
      allowStdout: true,
    });
    const loaded = await load(ctx.store(), assets, {
      interval,
      source: flags.source,
      from,
      to,
      window,
    });
    const results: AssetVolatility[] = loaded.map(({ asset, source, bars }) => {
      const { rows: all, gaps } = assetVolatility(bars, { window, periodsPerYear: ppy, interval });
      const rows = all.filter((r) => from === undefined || r.ts >= from);
      const vols = rows.map((r) => r.volatility).filter((v): v is number => v !== null);
      const withVol = rows.filter((r) => r.volatility !== null);
      return {
        asset,
        source,
        gaps,
        rows,
        latest: withVol.at(-1) ?? null,
        mean: vols.length ? vols.reduce((a, b) => a + b, 0) / vols.length : null,
        min: vols.length ? Math.min(...vols) : null,
        max: vols.length ? Math.max(...vols) : null,
      };
    });
    if (out) {
      const lines = ["date,asset,close,log_return,volatility"];
      for (const a of results) {
        for (const r of a.rows) {
          lines.push(`${r.date},${a.asset},${r.close},${r.logReturn ?? ""},${r.volatility ?? ""}`);
        }
      }
      const text = lines.join("\n") + "\n";
      if (out === "-") {
        await Deno.stdout.write(new TextEncoder().encode(text));
        return 0;
      }
      await Deno.mkdir(dirname(out), { recursive: true });
      await Deno.writeTextFile(out, text);
      console.error(`Wrote ${lines.length - 1} rows to ${out}`);
      return 0;
    }
    if (json) {
      printJson({
        window,
        periodsPerYear: ppy,
        interval,
        assets: results.map((a) => ({
          asset: a.asset,
          source: a.source,
          gaps: a.gaps,
          latest: a.latest,
          mean: a.mean,
          min: a.min,
          max: a.max,
          series: a.rows.map(({ ts: _ts, ...r }) => r),
        })),
      });
      return 0;
    }
    console.log(
      `Annualised ${window}-bar volatility of log returns (x sqrt(${fmtNum(ppy, 0)}))\n`,
    );
    console.log(formatTable(results, [
      { header: "asset", value: (a) => a.asset },
      { header: "source", value: (a) => a.source },
      { header: "date", value: (a) => a.latest?.date },
      { header: "close", value: (a) => fmtNum(a.latest?.close), align: "right" },
      { header: "volatility", value: (a) => fmtPct(a.latest?.volatility), align: "right" },
      { header: "mean", value: (a) => fmtPct(a.mean), align: "right" },
      { header: "min", value: (a) => fmtPct(a.min), align: "right" },
      { header: "max", value: (a) => fmtPct(a.max), align: "right" },
      { header: "gaps", value: (a) => a.gaps, align: "right" },
    ]));
    return 0;
  },
});

/** Entry point; returns the exit code. */
export function main(args: string[]): Promise<number> {
  return task(args);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
