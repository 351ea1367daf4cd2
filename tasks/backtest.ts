/**
 * `deno task backtest`: backtest a strategy over the database or one CSV file, print the
 * metrics, store the run and optionally write result.json, trades.csv, equity.csv and report.html.
 * @module
 */
import { resolve, sep } from "node:path";
import { formatTable } from "../lib/cli/table.ts";
import { parseFlags, printJson, reportError, resolveUserPath, runTask } from "../lib/cli/run.ts";
import { UsageError } from "../lib/core/errors.ts";
import { describeSources } from "../lib/core/provenance.ts";
import { DAY_MS, isoTime, parseDateArg, parseInterval } from "../lib/core/time.ts";
import { runBacktestJob } from "../lib/services/backtest_runner.ts";
import { metricRows } from "../lib/report/summary.ts";
import { createSignalPipeline } from "../lib/signals/pipeline.ts";
import { STRATEGIES } from "../strategies/mod.ts";

const HELP = `Usage: deno task backtest [options]

Backtest a strategy over stored bars (--symbols) or one OHLCV CSV file (--data).

Data
  --symbols <id...>       assets from the database, e.g. --symbols bitcoin ethereum (or a,b)
  --data <file.csv>       backtest one CSV file instead (any format the importer reads)
  --asset <id>            with --data: the asset's id (default: guessed from the file)
  --start <date>          first bar, YYYY-MM-DD or ISO time (UTC; default: first stored)
  --end <date>            last bar; a date alone includes that whole day (default: last stored)
  --interval <i>          bar interval in the database (default 1d)
  --source <name>         price source in the database (default: preferred one per asset)
  --macro-source <name>   macro source, e.g. cboe or sample (default: preferred per series)
  --allow-mixed-sources   run on generated (sample) and real series together, with a warning
                          (default: refused, naming the series and their sources)
  --strict                fail when the data-quality ledger lists gaps inside the range

Strategy
  --strategy <name>       ${STRATEGIES.names().join(", ")} (class-style
                          names such as BuyHoldStrategy work too; default buy_hold)
  --params '<json>'       parameter overrides, e.g. '{"fast":10,"slow":30}'; with several
                          strategies keyed by name: '{"mean_reversion":{"lookback_days":20}}'
  --strategy a,b          several strategies: their signals are aggregated per asset (weight x
                          confidence, opposite directions net out) and pass the risk manager
                          (MAX_POSITION_SIZE, MAX_DAILY_TRADES, MAX_PORTFOLIO_RISK, default
                          stop-loss / take-profit), as in deno task signals
  --risk                  apply that aggregation + risk pipeline to a single strategy too
  --check-lookahead       also re-run on data truncated at sampled points and report every
                          signal that differs from the full run (exit code 1 when any does)
  --lookahead-points <n>  truncation points for --check-lookahead (default 10)

Execution
  --capital <n>           starting cash (default 100000)
  --commission <rate>     commission per side as a fraction of notional (default 0)
  --commission-fixed <n>  fixed commission per fill (default 0)
  --slippage-bps <n>      slippage against the trader on market and stop fills (default 0)
  --fill open|close       market orders fill at the next bar's open (default) or this close
  --units fractional|whole  position units (default fractional)
  --close-at-end last_close|none  close open positions at the end (default last_close)

Metrics
  --periods-per-year <n>  for annualised metrics (default: a year of bars, 365 for 1d)
  --risk-free <rate>      annual risk-free rate for Sharpe/Sortino (default 0)

Output
  --out <dir>             write result.json, trades.csv, equity.csv, report.html
                          (must be under data/ or reports/)
  --no-save               do not store the run in the database
  --json                  print the whole result as JSON (nothing else on stdout)
  --help                  this text
`;

const FLAGS = {
  symbols: { type: "string", multiple: true },
  data: { type: "string" },
  asset: { type: "string" },
  start: { type: "string" },
  end: { type: "string" },
  interval: { type: "string" },
  source: { type: "string" },
  "macro-source": { type: "string" },
  "allow-mixed-sources": { type: "boolean" },
  strict: { type: "boolean" },
  strategy: { type: "string" },
  params: { type: "string" },
  risk: { type: "boolean" },
  "check-lookahead": { type: "boolean" },
  "lookahead-points": { type: "string" },
  capital: { type: "string" },
  commission: { type: "string" },
  "commission-fixed": { type: "string" },
  "slippage-bps": { type: "string" },
  fill: { type: "string" },
  units: { type: "string" },
  "close-at-end": { type: "string" },
  "periods-per-year": { type: "string" },
  "risk-free": { type: "string" },
  out: { type: "string" },
  "no-save": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function number(
  v: string | undefined,
  flag: string,
  check: (n: number) => boolean,
  expect: string,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || !check(n)) {
    throw new UsageError(`--${flag} must be ${expect}, got "${v}"`);
  }
  return n;
}

function oneOf<T extends string>(v: string | undefined, flag: string, values: readonly T[]) {
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    throw new UsageError(`--${flag} must be one of ${values.join(", ")}, got "${v}"`);
  }
  return v as T;
}

/** Runs a flag parser; its RangeError becomes a usage error (exit 2), as for any bad flag value. */
function flagValue<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw e instanceof RangeError ? new UsageError(e.message) : e;
  }
}

/** `--end 2023-12-31` means through the end of that day. */
function endOf(text: string): number {
  const t = parseDateArg(text, "--end");
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? t + DAY_MS - 1 : t;
}

/** The output directory, which must lie under data/ or reports/ (the task's write permission). */
function outDir(path: string): string {
  const abs = resolve(resolveUserPath(path));
  const root = Deno.cwd();
  const ok = ["data", "reports"].some((d) => {
    const base = resolve(root, d);
    return abs === base || abs.startsWith(base + sep);
  });
  if (!ok) {
    throw new UsageError(
      `--out ${path} must be under data/ or reports/ of the project (the task may write only there)`,
    );
  }
  return abs;
}

/** Splits `--params` keyed by strategy name over several strategies. */
function splitParams(params: unknown, names: readonly string[]) {
  const findStrategy = (name: string) => STRATEGIES.find(name);
  const obj = (params ?? {}) as Record<string, unknown>;
  if (typeof obj !== "object" || Array.isArray(obj)) {
    throw new UsageError("--params must be a JSON object keyed by strategy name");
  }
  for (const k of Object.keys(obj)) {
    const def = findStrategy(k);
    if (!def || !names.some((n) => findStrategy(n) === def)) {
      throw new UsageError(
        `--params key "${k}" is not one of the strategies (${names.join(", ")}); with several ` +
          `strategies, key the overrides by strategy name`,
      );
    }
  }
  return names.map((name) => {
    const def = findStrategy(name);
    const key = Object.keys(obj).find((k) => findStrategy(k) === def);
    return { name, params: key === undefined ? {} : obj[key] };
  });
}

/** Entry point. */
export async function main(args: string[]): Promise<number> {
  let flags;
  let positionals: string[];
  try {
    const parsed = parseFlags(args, FLAGS, true);
    flags = parsed.values;
    positionals = parsed.positionals;
  } catch (e) {
    return reportError("backtest", e);
  }
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const json = flags.json === true;
  return await runTask("backtest", async (ctx) => {
    if (positionals.length > 0 && !flags.symbols) {
      throw new UsageError(`unexpected argument "${positionals[0]}"`);
    }
    const symbols = [...(flags.symbols ?? []), ...positionals]
      .flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== "");
    if (flags.data !== undefined && symbols.length > 0) {
      throw new UsageError("give either --symbols or --data, not both");
    }
    if (flags.asset !== undefined && flags.data === undefined) {
      throw new UsageError(
        "--asset names the asset of a --data file; use --symbols for the database",
      );
    }
    if (flags.data === undefined && symbols.length === 0) {
      throw new UsageError("give --symbols <asset...> (database) or --data <file.csv>");
    }
    let params: unknown = {};
    if (flags.params !== undefined) {
      try {
        params = JSON.parse(flags.params);
      } catch (e) {
        throw new UsageError(`--params is not valid JSON: ${(e as Error).message}`);
      }
    }
    const names = (flags.strategy ?? "buy_hold").split(",").map((s) => s.trim()).filter(Boolean);
    const perStrategy = names.length > 1
      ? splitParams(params, names)
      : names.map((name) => ({ name, params }));
    const makePipeline = names.length > 1 || flags.risk
      ? () => createSignalPipeline({ limits: ctx.config.risk })
      : undefined;
    const lookaheadPoints = number(
      flags["lookahead-points"],
      "lookahead-points",
      (n) => Number.isInteger(n) && n >= 1 && n <= 1000,
      "a whole number from 1 to 1000",
    ) ?? 10;
    const start = flags.start !== undefined
      ? flagValue(() => parseDateArg(flags.start!, "--start"))
      : undefined;
    const end = flags.end !== undefined ? flagValue(() => endOf(flags.end!)) : undefined;
    if (start !== undefined && end !== undefined && start > end) {
      throw new UsageError(`--start ${flags.start} is after --end ${flags.end}`);
    }
    const out = await runBacktestJob({
      registry: STRATEGIES,
      strategies: perStrategy,
      pipeline: makePipeline?.(),
      // recorded in the manifest: the config hash must change with the risk limits
      pipelineParams: makePipeline ? { aggregateAndRisk: { limits: ctx.config.risk } } : undefined,
      lookahead: flags["check-lookahead"] ? { points: lookaheadPoints, makePipeline } : undefined,
      symbols: flags.data === undefined ? symbols : undefined,
      dataFile: flags.data !== undefined ? resolveUserPath(flags.data) : undefined,
      asset: flags.asset,
      start,
      end,
      interval: flags.interval !== undefined
        ? flagValue(() => parseInterval(flags.interval!))
        : undefined,
      source: flags.source,
      macroSource: flags["macro-source"],
      allowMixedSources: flags["allow-mixed-sources"] === true,
      capital: number(flags.capital, "capital", (n) => n > 0, "a positive number") ?? 100_000,
      commission: number(
        flags.commission,
        "commission",
        (n) => n >= 0 && n < 1,
        "a rate in [0, 1)",
      ),
      commissionFixed: number(flags["commission-fixed"], "commission-fixed", (n) => n >= 0, ">= 0"),
      slippageBps: number(
        flags["slippage-bps"],
        "slippage-bps",
        (n) => n >= 0 && n < 10_000,
        ">= 0",
      ),
      fill: oneOf(flags.fill, "fill", ["open", "close"] as const),
      units: oneOf(flags.units, "units", ["fractional", "whole"] as const),
      closeAtEnd: oneOf(flags["close-at-end"], "close-at-end", ["last_close", "none"] as const),
      periodsPerYear: number(flags["periods-per-year"], "periods-per-year", (n) => n > 0, "> 0"),
      riskFree: number(flags["risk-free"], "risk-free", (n) => n > -1 && n < 10, "an annual rate"),
      strict: flags.strict === true,
      outDir: flags.out !== undefined ? outDir(flags.out) : undefined,
      save: flags["no-save"] ? false : undefined,
    }, { store: () => ctx.store() });

    const leaks = out.lookahead?.differences.length ?? 0;
    if (json) {
      printJson(out.lookahead ? { ...out.json, lookahead: out.lookahead } : out.json);
      return leaks > 0 ? 1 : 0;
    }
    const r = out.result;
    for (const w of out.warnings) console.error(`warning: ${w}`);
    const lastBar = r.equity.ts[r.equity.ts.length - 1];
    console.log(
      `${out.json.strategy} on ${r.assets.join(", ")} · bars ${isoTime(r.startTs)} … ${
        isoTime(lastBar)
      } (${r.equity.ts.length} × ${r.interval}) · capital ${r.capital}`,
    );
    console.log(`Data: ${describeSources(out.sources)}`);
    console.log(
      formatTable(metricRows(r.metrics), [
        { header: "Metric", value: (m) => m.label },
        { header: "Value", value: (m) => m.value, align: "right" },
      ]),
    );
    if (r.openPositions.length > 0) {
      console.log(
        `\nOpen positions (not counted as trades): ${
          r.openPositions.map((p) => `${p.asset} ${p.side} ${p.size}`).join(", ")
        }`,
      );
    }
    if (r.rejections.length > 0) {
      console.log(`\n${r.rejections.length} order(s) reduced or rejected; see result.json`);
    }
    if (out.runId !== undefined) console.log(`\nStored as backtest run ${out.runId}.`);
    for (const f of out.written) console.log(`wrote ${f}`);
    if (out.lookahead) {
      const la = out.lookahead;
      console.log(
        `\nLookahead check: ${la.points.length} truncation points, ${la.compared} signals compared, ${la.differences.length} difference(s)`,
      );
      for (const d of la.differences) {
        console.log(
          `  truncated at ${isoTime(d.point)}: ${d.strategy} ${d.asset} at ${
            isoTime(d.ts)
          } ${d.kind}${d.fields.length ? ` (${d.fields.join(", ")})` : ""}`,
        );
      }
      if (leaks > 0) {
        console.error("mts backtest: lookahead check failed: signals depend on later data");
        return 1;
      }
    }
    return 0;
  }, { json });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
