/**
 * The data, execution and metric flags that `deno task backtest` and `deno task optimize` share:
 * one definition of each flag, its help line and its parsing, so that an optimisation trial is
 * configured exactly as the backtest the CLI would run.
 *
 * - {@link DATA_FLAGS} / {@link readDataFlags}: `--symbols`, `--data`, `--asset`, `--start`,
 *   `--end`, `--interval`, `--source`, `--macro-source`, `--allow-mixed-sources`, `--strict`;
 * - {@link EXECUTION_FLAGS} / {@link readExecutionFlags}: `--capital`, `--commission`,
 *   `--commission-fixed`, `--slippage-bps`, `--fill`, `--units`, `--close-at-end`,
 *   `--periods-per-year`, `--risk-free`.
 * @module
 */
import { UsageError } from "../core/errors.ts";
import type { Interval } from "../core/time.ts";
import { checkOrder, choiceFlag, dateFlag, intervalFlag, listFlag, numberFlag } from "./flags.ts";
import { resolveUserPath } from "./paths.ts";

/** The data flags' parse options. */
export const DATA_FLAGS = {
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
} as const;

/** The execution and metric flags' parse options. */
export const EXECUTION_FLAGS = {
  capital: { type: "string" },
  commission: { type: "string" },
  "commission-fixed": { type: "string" },
  "slippage-bps": { type: "string" },
  fill: { type: "string" },
  units: { type: "string" },
  "close-at-end": { type: "string" },
  "periods-per-year": { type: "string" },
  "risk-free": { type: "string" },
} as const;

/** Help lines of the data flags (under a "Data" heading). */
export const DATA_HELP =
  `  --symbols <id...>       assets from the database, e.g. --symbols bitcoin ethereum (or a,b)
  --data <file.csv>       one CSV file instead (any format the importer reads)
  --asset <id>            with --data: the asset's id (default: guessed from the file)
  --start <date>          first bar, YYYY-MM-DD or ISO time (UTC; default: first stored)
  --end <date>            last bar; a date alone includes that whole day (default: last stored)
  --interval <i>          bar interval in the database (default 1d)
  --source <name>         price source in the database (default: preferred one per asset)
  --macro-source <name>   macro source, e.g. cboe or sample (default: preferred per series)
  --allow-mixed-sources   run on generated (sample) and real series together, with a warning
                          (default: refused, naming the series and their sources)
  --strict                fail when the data-quality ledger lists gaps inside the range`;

/** Help lines of the execution and metric flags (under "Execution" and "Metrics" headings). */
export const EXECUTION_HELP = `Execution
  --capital <n>           starting cash (default 100000)
  --commission <rate>     commission per side as a fraction of notional (default 0)
  --commission-fixed <n>  fixed commission per fill (default 0)
  --slippage-bps <n>      slippage against the trader on market and stop fills (default 0)
  --fill open|close       market orders fill at the next bar's open (default) or this close
  --units fractional|whole  position units (default fractional)
  --close-at-end last_close|none  close open positions at the end (default last_close)

Metrics
  --periods-per-year <n>  for annualised metrics (default: a year of bars, 365 for 1d)
  --risk-free <rate>      annual risk-free rate for Sharpe/Sortino (default 0)`;

/** Raw values of the data flags. */
export interface DataFlagValues {
  readonly symbols?: string | string[];
  readonly data?: string;
  readonly asset?: string;
  readonly start?: string;
  readonly end?: string;
  readonly interval?: string;
  readonly source?: string;
  readonly "macro-source"?: string;
  readonly "allow-mixed-sources"?: boolean;
  readonly strict?: boolean;
}

/** Raw values of the execution flags. */
export type ExecutionFlagValues = { readonly [K in keyof typeof EXECUTION_FLAGS]?: string };

/** Where the bars come from and which range: the data part of a backtest job. */
export interface DataSelection {
  /** Assets from the database (database mode). */
  readonly symbols?: readonly string[];
  /** A CSV file, resolved against the directory the task was started from (CSV mode). */
  readonly dataFile?: string;
  readonly asset?: string;
  /** First and last bar, UTC ms, both inclusive. */
  readonly start?: number;
  readonly end?: number;
  readonly interval?: Interval;
  readonly source?: string;
  readonly macroSource?: string;
  readonly allowMixedSources: boolean;
  readonly strict: boolean;
}

/** The engine's cost, fill and metric settings as the flags give them. */
export interface ExecutionSettings {
  readonly capital: number;
  readonly commission?: number;
  readonly commissionFixed?: number;
  readonly slippageBps?: number;
  readonly fill?: "open" | "close";
  readonly units?: "fractional" | "whole";
  readonly closeAtEnd?: "last_close" | "none";
  readonly periodsPerYear?: number;
  readonly riskFree?: number;
}

/** Reads the data flags; a contradiction (both or neither of --symbols and --data) is exit 2. */
export function readDataFlags(flags: DataFlagValues): DataSelection {
  const symbols = listFlag(flags.symbols) ?? [];
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
  const start = dateFlag(flags.start, "start");
  const end = dateFlag(flags.end, "end", { endOfDay: true });
  checkOrder({ flag: "start", value: start, text: flags.start }, {
    flag: "end",
    value: end,
    text: flags.end,
  });
  return {
    symbols: flags.data === undefined ? symbols : undefined,
    dataFile: flags.data !== undefined ? resolveUserPath(flags.data) : undefined,
    asset: flags.asset,
    start,
    end,
    interval: intervalFlag(flags.interval),
    source: flags.source,
    macroSource: flags["macro-source"],
    allowMixedSources: flags["allow-mixed-sources"] === true,
    strict: flags.strict === true,
  };
}

/** Reads the execution and metric flags (each bad value is exit 2 naming its flag). */
export function readExecutionFlags(flags: ExecutionFlagValues): ExecutionSettings {
  return {
    capital: numberFlag(flags.capital, "capital", { min: 0, minExclusive: true }) ?? 100_000,
    commission: numberFlag(flags.commission, "commission", {
      min: 0,
      max: 1,
      maxExclusive: true,
    }),
    commissionFixed: numberFlag(flags["commission-fixed"], "commission-fixed", { min: 0 }),
    slippageBps: numberFlag(flags["slippage-bps"], "slippage-bps", {
      min: 0,
      max: 10_000,
      maxExclusive: true,
    }),
    fill: choiceFlag(flags.fill, "fill", ["open", "close"] as const),
    units: choiceFlag(flags.units, "units", ["fractional", "whole"] as const),
    closeAtEnd: choiceFlag(flags["close-at-end"], "close-at-end", ["last_close", "none"] as const),
    periodsPerYear: numberFlag(flags["periods-per-year"], "periods-per-year", {
      min: 0,
      minExclusive: true,
    }),
    riskFree: numberFlag(flags["risk-free"], "risk-free", {
      min: -1,
      max: 10,
      minExclusive: true,
      maxExclusive: true,
    }),
  };
}
