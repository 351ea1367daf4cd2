/**
 * Recognises a CSV file's format from its first lines and turns it into a reading plan: which
 * column holds the time, which hold prices, what a missing value looks like, how to name the
 * series. Pure; `parse.ts` executes the plan.
 * @module
 */
import { DataError, UsageError } from "../../core/errors.ts";
import { type Interval, isInterval } from "../../core/time.ts";
import { assetFromFileName } from "./assets.ts";
import type { DateStyle } from "./dates.ts";

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

/** One numeric column to read. */
export interface FieldSpec {
  readonly target: FieldTarget;
  readonly col: number;
  /** Column name as written in the header (for messages). */
  readonly label: string;
  /** Name used in quality issues (`open`, `market_cap`, the macro series id, …). */
  readonly field: string;
  /** A 0 means "no value" (CoinGecko market cap and volume). */
  readonly zeroIsMissing?: boolean;
  /** Must be > 0 when present (prices). */
  readonly positive?: boolean;
  /** Must be >= 0 when present (volumes, market caps). */
  readonly nonNegative?: boolean;
}

/** How to read a recognised file. */
export interface ReadPlan {
  readonly format: CsvFormat;
  readonly kind: "candles" | "macro";
  readonly source: string;
  /** Asset id (candles) or series id (macro). */
  readonly subject: string;
  /** 0-based index of the header line. */
  readonly headerIndex: number;
  readonly columns: number;
  readonly dateCol: number;
  readonly dateLabel: string;
  readonly dateStyle: DateStyle;
  /** `snapshot`: a price stamped D+1 00:00 is the close of day D (CoinGecko). */
  readonly timeMode: "bar_open" | "snapshot";
  /** Column whose date must agree with the epoch in `dateCol` (CryptoDataDownload). */
  readonly crossCheckDateCol?: number;
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
  file: string;
  asset?: string;
  series?: string;
  source?: string;
  interval?: string;
}

const DATE_NAMES = new Set([
  "date",
  "datetime",
  "time",
  "timestamp",
  "date_time",
  "open_time",
  "opentime",
  "day",
  "observation_date",
]);
const VALUE_NAMES = new Set(["close", "value", "price", "adj close", "adj_close", "level"]);
const MTS_BANNER = /^#\s*mts export:\s*(candles|macro)\b(.*)$/i;

/** Normalises a header cell: trimmed, lower case, without quotes or a byte-order mark. */
export function headerName(cell: string): string {
  return cell.replace(/^\uFEFF/, "").trim().replace(/^"(.*)"$/, "$1").trim().toLowerCase();
}

/** Normalises an asset id (lower case) or a macro series id (upper case). */
export function normaliseSubject(kind: "candles" | "macro", id: string): string {
  return kind === "candles" ? id.trim().toLowerCase() : id.trim().toUpperCase();
}

/**
 * Builds the reading plan for a file from its first lines (`lines[0]` is line 1). Throws a
 * {@link DataError} naming the header line when the format is not recognised, and a
 * {@link UsageError} when the caller must say which asset or series the file holds.
 */
export function detectFormat(lines: readonly string[], options: DetectOptions): ReadPlan {
  if (options.asset !== undefined && options.series !== undefined) {
    throw new UsageError("Cannot use --asset and --series together: a file holds one series");
  }
  if (options.interval !== undefined && !isInterval(options.interval)) {
    throw new UsageError(`Cannot use --interval "${options.interval}": not a known interval`);
  }
  const interval = options.interval as Interval | undefined;
  let headerIndex = 0;
  while (headerIndex < lines.length && lines[headerIndex].trim() === "") headerIndex++;
  if (headerIndex >= lines.length) throw new DataError("the file is empty", `${options.file}:1`);
  const first = lines[headerIndex].replace(/^\uFEFF/, "");
  const mts = MTS_BANNER.exec(first.trim());
  let banner: string | undefined;
  if (mts || !first.includes(",") || /^https?:\/\//i.test(first.trim())) {
    banner = first.trim();
    headerIndex++;
    while (headerIndex < lines.length && lines[headerIndex].trim() === "") headerIndex++;
    if (headerIndex >= lines.length) {
      throw new DataError("no header line after the banner", `${options.file}:${headerIndex}`);
    }
  }
  const rawHeader = lines[headerIndex].replace(/^\uFEFF/, "").split(",").map((c) =>
    c.trim().replace(/^"(.*)"$/, "$1")
  );
  const h = rawHeader.map(headerName);
  const where = `${options.file}:${headerIndex + 1}`;
  const base = {
    headerIndex,
    columns: h.length,
    dateStyle: "auto" as DateStyle,
    timeMode: "bar_open" as const,
    inconsistentOhlc: "reject" as const,
    flagCloseOnly: false,
    checkPartialLastBar: false,
    interval,
  };
  const col = (name: string) => h.indexOf(name);
  const price = (target: FieldTarget, i: number, positive = true): FieldSpec => ({
    target,
    col: i,
    label: rawHeader[i],
    field: target === "marketCap" ? "market_cap" : target,
    positive,
    nonNegative: !positive && (target === "volume" || target === "marketCap"),
  });
  const requireAsset = (guess: string | undefined, what: string): string => {
    if (options.series !== undefined) {
      throw new UsageError(
        `Cannot import ${options.file} as macro series ${options.series}: it holds ${what}; use --asset`,
      );
    }
    const a = options.asset ?? guess;
    if (!a) {
      throw new UsageError(
        `Cannot tell which asset ${options.file} holds: pass --asset <id> (e.g. --asset bitcoin)`,
      );
    }
    return normaliseSubject("candles", a);
  };
  const noAsset = (what: string) => {
    if (options.asset !== undefined) {
      throw new UsageError(
        `Cannot import ${options.file} as asset ${options.asset}: it holds ${what}; use --series`,
      );
    }
  };

  // 1. Our own export format.
  if (mts) {
    const kv = Object.fromEntries(
      [...mts[2].matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2].replace(/^"|"$/g, "")]),
    );
    const kind = mts[1].toLowerCase() as "candles" | "macro";
    const stated = kv.interval && isInterval(kv.interval) ? kv.interval : undefined;
    if (kind === "candles") {
      expectHeader(h, ["date", "open", "high", "low", "close", "volume", "market_cap"], where);
      return {
        ...base,
        format: "mts",
        kind,
        source: options.source ?? kv.source ?? "csv",
        subject: requireAsset(kv.asset, "prices"),
        dateCol: 0,
        dateLabel: rawHeader[0],
        dateStyle: "iso",
        fields: [
          price("open", 1),
          price("high", 2),
          price("low", 3),
          price("close", 4),
          price("volume", 5, false),
          price("marketCap", 6, false),
        ],
        interval: interval ?? stated,
        notes: ["mts export: empty open/high/low mean a close-only source"],
        label: kv.label,
      };
    }
    expectHeader(h, ["date", "value"], where);
    noAsset("a macro series");
    const series = normaliseSubject("macro", options.series ?? kv.series ?? "");
    if (!series) {
      throw new UsageError(`Cannot tell which series ${options.file} holds: pass --series`);
    }
    return {
      ...base,
      format: "mts",
      kind,
      source: options.source ?? kv.source ?? "csv",
      subject: series,
      dateCol: 0,
      dateLabel: rawHeader[0],
      dateStyle: "iso",
      fields: [{ target: "close", col: 1, label: rawHeader[1], field: "value" }],
      interval: interval ?? stated,
      notes: [],
      label: kv.label,
    };
  }

  // 2. CoinGecko export: snapped_at,price,market_cap,total_volume.
  if (h[0] === "snapped_at" && col("price") > 0) {
    const fields: FieldSpec[] = [price("close", col("price"))];
    if (col("market_cap") > 0) {
      fields.push({ ...price("marketCap", col("market_cap"), false), zeroIsMissing: true });
    }
    if (col("total_volume") > 0) {
      fields.push({ ...price("volume", col("total_volume"), false), zeroIsMissing: true });
    }
    return {
      ...base,
      format: "coingecko",
      kind: "candles",
      source: options.source ?? "coingecko",
      subject: requireAsset(assetFromFileName(options.file), "prices"),
      dateCol: 0,
      dateLabel: rawHeader[0],
      dateStyle: "iso",
      timeMode: "snapshot",
      fields,
      interval: interval ?? "1d",
      notes: [
        "CoinGecko export: one 00:00 UTC price snapshot per day, stored as the close of the day before (open/high/low empty)",
        "CoinGecko writes 0 for an unknown market cap or volume: stored as missing",
      ],
    };
  }

  // 3. CryptoDataDownload (Binance) export: banner, unix,date,symbol,open,high,low,close,Volume X,...
  if (col("unix") >= 0 && col("date") >= 0 && hasOhlc(h)) {
    const vol = h.findIndex((n) => n.startsWith("volume"));
    const fields: FieldSpec[] = [
      price("open", col("open")),
      price("high", col("high")),
      price("low", col("low")),
      price("close", col("close")),
    ];
    if (vol >= 0) fields.push(price("volume", vol, false));
    for (let i = 0; i < h.length; i++) {
      if (h[i] === "tradecount" || (h[i].startsWith("volume") && i !== vol)) {
        fields.push({
          target: "extra",
          col: i,
          label: rawHeader[i],
          field: h[i],
          nonNegative: true,
        });
      }
    }
    return {
      ...base,
      format: "cryptodatadownload",
      kind: "candles",
      source: options.source ?? "cryptodatadownload",
      subject: requireAsset(
        options.asset ?? symbolAsset(lines, headerIndex, col("symbol")) ??
          assetFromFileName(options.file),
        "prices",
      ),
      dateCol: col("unix"),
      dateLabel: rawHeader[col("unix")],
      dateStyle: "epoch",
      crossCheckDateCol: col("date"),
      fields,
      checkPartialLastBar: vol >= 0,
      notes: [
        `CryptoDataDownload export${
          banner ? ` (banner "${banner}")` : ""
        }: unix open times in ms or s, volume from "${vol >= 0 ? rawHeader[vol] : "-"}"`,
      ],
    };
  }

  // 4. Generic OHLC(V) with a date column (possibly unnamed, possibly after a pandas index).
  if (hasOhlc(h)) {
    let dateCol = h.findIndex((n) => DATE_NAMES.has(n));
    if (dateCol === -1 && (h[0] === "" || h[0].startsWith("unnamed"))) dateCol = 0;
    if (dateCol === -1) {
      throw new DataError(
        `no date column: expected one named Date, Datetime, Time or Timestamp, or an unnamed first column (header: ${
          rawHeader.join(",")
        })`,
        where,
      );
    }
    const vol = h.findIndex((n) => n === "volume" || n.startsWith("volume"));
    const cap = h.findIndex((n) => ["market_cap", "marketcap", "market cap"].includes(n));
    const looksVix = vol === -1 && options.asset === undefined &&
      (options.series !== undefined || rawHeader.join(",") === "DATE,OPEN,HIGH,LOW,CLOSE" ||
        /vix/i.test(options.file.replace(/^.*[\\/]/, "")));
    if (looksVix) {
      const series = normaliseSubject("macro", options.series ?? "VIX");
      return {
        ...base,
        format: "cboe_vix",
        kind: "macro",
        source: options.source ?? (series === "VIX" ? "cboe" : "csv"),
        subject: series,
        dateCol,
        dateLabel: rawHeader[dateCol] || "(first column)",
        fields: [
          price("open", col("open")),
          price("high", col("high")),
          price("low", col("low")),
          { ...price("close", col("close")), field: series },
        ],
        inconsistentOhlc: "flag",
        flagCloseOnly: true,
        notes: [`OHLC index file: the close is stored as macro series ${series}`],
      };
    }
    const fields: FieldSpec[] = [
      price("open", col("open")),
      price("high", col("high")),
      price("low", col("low")),
      price("close", col("close")),
    ];
    if (vol >= 0) fields.push(price("volume", vol, false));
    if (cap >= 0) fields.push(price("marketCap", cap, false));
    const symbolCol = h.findIndex((n) => n === "symbol" || n === "ticker");
    const notes: string[] = [];
    if (dateCol > 0 && (h[0] === "" || h[0].startsWith("unnamed"))) {
      notes.push("first column is an index; dates read from the " + rawHeader[dateCol] + " column");
    }
    return {
      ...base,
      format: "ohlcv",
      kind: "candles",
      source: options.source ?? "csv",
      subject: requireAsset(
        symbolAsset(lines, headerIndex, symbolCol) ?? assetFromFileName(options.file),
        "prices",
      ),
      dateCol,
      dateLabel: rawHeader[dateCol] || "(first column)",
      fields,
      checkPartialLastBar: vol >= 0,
      notes,
    };
  }

  // 5. Two columns: a date and one value (FRED, month-end closes, …).
  if (h.length === 2 && (DATE_NAMES.has(h[0]) || h[0] === "")) {
    const isFred = h[0] === "observation_date" ||
      (!VALUE_NAMES.has(h[1]) && /^[A-Z0-9_]+$/.test(rawHeader[1]));
    if (isFred) {
      noAsset(`FRED series ${rawHeader[1]}`);
      const series = normaliseSubject("macro", options.series ?? rawHeader[1]);
      return {
        ...base,
        format: "fred",
        kind: "macro",
        source: options.source ?? "fred",
        subject: series,
        dateCol: 0,
        dateLabel: rawHeader[0],
        dateStyle: "iso",
        fields: [{ target: "close", col: 1, label: rawHeader[1], field: series }],
        notes: [`FRED series ${rawHeader[1]}: blank or "." values are missing observations`],
      };
    }
    if (options.series !== undefined) {
      const series = normaliseSubject("macro", options.series);
      return {
        ...base,
        format: "date_value",
        kind: "macro",
        source: options.source ?? "csv",
        subject: series,
        dateCol: 0,
        dateLabel: rawHeader[0] || "(first column)",
        fields: [{ target: "close", col: 1, label: rawHeader[1], field: series }],
        notes: [],
      };
    }
    if (options.asset !== undefined) {
      return {
        ...base,
        format: "date_value",
        kind: "candles",
        source: options.source ?? "csv",
        subject: normaliseSubject("candles", options.asset),
        dateCol: 0,
        dateLabel: rawHeader[0] || "(first column)",
        fields: [price("close", 1)],
        notes: ["date,value file: stored as close-only bars"],
      };
    }
    throw new UsageError(
      `Cannot tell what ${options.file} holds (${
        rawHeader.join(",")
      }): pass --series <id> for a macro series or --asset <id> for prices`,
    );
  }

  throw new DataError(
    `unrecognised header "${rawHeader.join(",")}": expected a CoinGecko export ` +
      "(snapped_at,price,market_cap,total_volume), a CryptoDataDownload export, " +
      "Date,Open,High,Low,Close[,Volume], FRED observation_date,<SERIES>, " +
      "CBOE DATE,OPEN,HIGH,LOW,CLOSE, or Date,Value with --series",
    where,
  );
}

function hasOhlc(h: readonly string[]): boolean {
  return ["open", "high", "low", "close"].every((n) => h.includes(n));
}

function expectHeader(h: readonly string[], expected: readonly string[], where: string): void {
  if (h.length !== expected.length || h.some((n, i) => n !== expected[i])) {
    throw new DataError(
      `mts export header should be "${expected.join(",")}", got "${h.join(",")}"`,
      where,
    );
  }
}

/** Asset guessed from the symbol column of the first data row (`BTC/USDT` → bitcoin). */
function symbolAsset(lines: readonly string[], headerIndex: number, col: number) {
  if (col < 0) return undefined;
  for (let i = headerIndex + 1; i < lines.length && i < headerIndex + 5; i++) {
    const cell = lines[i].split(",")[col];
    if (cell && cell.trim()) {
      const base = cell.trim().split(/[/\-_:]/)[0];
      return assetFromFileName(base) ?? assetFromFileName(cell.trim().replace("/", ""));
    }
  }
  return undefined;
}
