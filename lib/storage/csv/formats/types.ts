/**
 * The shapes shared by format detection and row reading: what a format is (a small object in the
 * table of `formats.ts`), what the header of a file looks like once read, and the reading plan a
 * format produces for `parse.ts` to execute.
 * @module
 */
import type { Interval } from "../../../core/time.ts";
import type { DateStyle } from "../dates.ts";

/** File formats mts reads. `mts` is the format `deno task export` writes. */
export type CsvFormat =
  | "coingecko"
  | "cryptodatadownload"
  | "ohlcv"
  | "fred"
  | "cboe_vix"
  | "date_value"
  | "mts";

/** Where a numeric column goes. `extra` columns are checked for missing values but not stored. */
export type FieldTarget = "open" | "high" | "low" | "close" | "volume" | "marketCap" | "extra";

/**
 * Which rule of `core/bounds.ts` a column's values follow: `price` (> 0, at most 1e12), `amount`
 * (>= 0, at most 1e30: volumes, market caps, trade counts) or `value` (a macro value, any sign).
 */
export type ValueRule = "price" | "amount" | "value";

/** One numeric column to read. */
export interface FieldSpec {
  /** Where the value goes. */
  readonly target: FieldTarget;
  /** 0-based column index. */
  readonly col: number;
  /** Column name as written in the header (for messages). */
  readonly label: string;
  /** Name used in quality issues (`open`, `market_cap`, the macro series id, …). */
  readonly field: string;
  /** The value rule its numbers must follow. */
  readonly rule: ValueRule;
  /** A 0 means "no value" (CoinGecko market cap and volume). */
  readonly zeroIsMissing?: boolean;
}

/** Field separator of a file: a comma, or a semicolon (detected from the header). */
export type Delimiter = "," | ";";

/** How to read a recognised file. */
export interface ReadPlan {
  /** The recognised format. */
  readonly format: CsvFormat;
  /** Price bars or a macro series. */
  readonly kind: "candles" | "macro";
  /** Source to store under. */
  readonly source: string;
  /** Asset id (candles) or series id (macro). */
  readonly subject: string;
  /** 0-based index of the header line. */
  readonly headerIndex: number;
  /** Number of columns every row must have. */
  readonly columns: number;
  /** Field separator. */
  readonly delimiter: Delimiter;
  /** 0-based index of the time column. */
  readonly dateCol: number;
  /** Name of the time column in messages. */
  readonly dateLabel: string;
  /** How the time column is written. */
  readonly dateStyle: DateStyle;
  /** `snapshot`: a price stamped D+1 00:00 is the close of day D (CoinGecko). */
  readonly timeMode: "bar_open" | "snapshot";
  /** Column whose date must agree with the epoch in `dateCol` (CryptoDataDownload). */
  readonly crossCheckDateCol?: number;
  /** The numeric columns to read. */
  readonly fields: readonly FieldSpec[];
  /** OHLC that is inconsistent: reject the row (candles) or only flag it (VIX as macro). */
  readonly inconsistentOhlc: "reject" | "flag";
  /** Record rows with open = high = low = close as `close_only` (CBOE VIX). */
  readonly flagCloseOnly: boolean;
  /** Check whether the newest bar looks unfinished (per-bar volume available). */
  readonly checkPartialLastBar: boolean;
  /** Interval stated by the file (mts exports) or the user. */
  readonly interval?: Interval;
  /** Human notes about the format (shown in the import summary). */
  readonly notes: string[];
  /** Label carried by the file (mts exports of sample data). */
  readonly label?: string;
}

/** What the caller knows about the file. */
export interface DetectOptions {
  /** File name as the user typed it (for `file:line`). */
  file: string;
  /** `--asset`: the asset id of a price file. */
  asset?: string;
  /** `--series`: the id of a macro series. */
  series?: string;
  /** `--source`: the source to store under. */
  source?: string;
  /** `--interval`: the bar interval. */
  interval?: string;
}

/** The `# mts export: <kind> key=value …` banner of an mts export. */
export interface MtsBanner {
  /** What the export holds. */
  readonly kind: "candles" | "macro";
  /** The banner's `key=value` pairs (quotes removed). */
  readonly values: Readonly<Record<string, string>>;
  /** `file:line` of the banner. */
  readonly where: string;
}

/** A file's header, read once and handed to every format in the table. */
export interface Header {
  /** 0-based index of the header line. */
  readonly index: number;
  /** Cells as written (trimmed, without surrounding quotes). */
  readonly raw: readonly string[];
  /** Cells as shown in messages: capped and escaped (a header cell may be megabytes long). */
  readonly labels: readonly string[];
  /** Cells normalised for matching (lower case, see `headerName`). */
  readonly names: readonly string[];
  /** Field separator. */
  readonly delimiter: Delimiter;
  /** A line before the header (CryptoDataDownload's site URL), capped for display. */
  readonly banner?: string;
  /** The mts export banner, when the file has one. */
  readonly mts?: MtsBanner;
  /** `file:line` of the header. */
  readonly where: string;
  /** The first lines of the file (`lines[0]` is line 1), for formats that peek at data rows. */
  readonly lines: readonly string[];
  /** Index of a column by normalised name, or -1. */
  col(name: string): number;
}

/** Plan fields every format starts from. */
export type PlanBase = Pick<
  ReadPlan,
  | "headerIndex"
  | "columns"
  | "delimiter"
  | "dateStyle"
  | "timeMode"
  | "inconsistentOhlc"
  | "flagCloseOnly"
  | "checkPartialLastBar"
  | "interval"
>;

/** Helpers a format uses to build its plan; they apply the caller's flags and the id rule. */
export interface DetectContext {
  /** The file's header. */
  readonly header: Header;
  /** What the caller said about the file. */
  readonly options: DetectOptions;
  /** Plan fields every format starts from. */
  readonly base: PlanBase;
  /** A numeric column following the price rule (or the amount rule for volume / market cap). */
  field(target: FieldTarget, col: number): FieldSpec;
  /** The asset id for a price file: `--asset`, else `guess`; a UsageError if neither. */
  requireAsset(guess: string | undefined, what: string, where?: string): string;
  /** The series id for a macro file: `--series`, else `fromFile` (checked at `where`). */
  requireSeries(fromFile: string | undefined, what: string, where?: string): string;
  /** A UsageError when `--asset` was given for a file that holds `what` (a macro series). */
  noAsset(what: string): void;
  /** `--source`, else the format's default. */
  source(fallback: string, where?: string): string;
}

/**
 * One file format: how its header is recognised and how its rows map to candles or
 * observations (the plan). Formats are tried in table order; the first that recognises the
 * header builds the plan.
 */
export interface FileFormat {
  /** The format's name (`ParsedCsv.format`). */
  readonly name: CsvFormat;
  /** How the header looks, for the "unrecognised header" message and the docs. */
  readonly expects: string;
  /** True when this format reads a file with this header. */
  recognises(header: Header, options: DetectOptions): boolean;
  /** The reading plan for a recognised file; throws when flags and file disagree. */
  plan(ctx: DetectContext): ReadPlan;
}
