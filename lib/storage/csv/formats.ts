/**
 * Recognises a CSV file's format from its first lines and turns it into a reading plan: which
 * column holds the time, which hold prices, what a missing value looks like, how to name the
 * series. Pure; `parse.ts` executes the plan.
 *
 * The formats are a table ({@link FORMATS}): each is a small object in `formats/` that says how
 * its header is recognised and how its rows map to candles or observations, with its quirks in
 * its module doc. The first format in table order that recognises the header builds the plan, so
 * the specific formats come before the general ones (CBOE VIX before generic OHLCV, FRED before
 * `Date,Value`). A new format is one new file and one row here.
 * @module
 */
import { DataError } from "../../core/errors.ts";
import { safeEcho } from "../../core/text.ts";
import { CBOE_VIX_FORMAT } from "./formats/cboe_vix.ts";
import { COINGECKO_FORMAT } from "./formats/coingecko.ts";
import { checkOptions, detectContext } from "./formats/context.ts";
import { CRYPTODATADOWNLOAD_FORMAT } from "./formats/cryptodatadownload.ts";
import { DATE_VALUE_FORMAT } from "./formats/date_value.ts";
import { FRED_FORMAT } from "./formats/fred.ts";
import { readHeader } from "./formats/header.ts";
import { MTS_FORMAT } from "./formats/mts.ts";
import { OHLCV_FORMAT } from "./formats/ohlcv.ts";
import type { DetectOptions, FileFormat, ReadPlan } from "./formats/types.ts";

export type {
  CsvFormat,
  Delimiter,
  DetectOptions,
  FieldSpec,
  FieldTarget,
  FileFormat,
  ReadPlan,
  ValueRule,
} from "./formats/types.ts";
export { headerName } from "./formats/header.ts";
export { normaliseSubject } from "./formats/context.ts";

/** Every format mts reads, in the order they are tried. */
export const FORMATS: readonly FileFormat[] = [
  MTS_FORMAT,
  COINGECKO_FORMAT,
  CRYPTODATADOWNLOAD_FORMAT,
  CBOE_VIX_FORMAT,
  OHLCV_FORMAT,
  FRED_FORMAT,
  DATE_VALUE_FORMAT,
];

/**
 * Builds the reading plan for a file from its first lines (`lines[0]` is line 1). Throws a
 * {@link DataError} naming the header line when the format is not recognised, and a
 * `UsageError` when the caller must say which asset or series the file holds.
 */
export function detectFormat(lines: readonly string[], options: DetectOptions): ReadPlan {
  const interval = checkOptions(options);
  const header = readHeader(lines, options.file);
  const format = FORMATS.find((f) => f.recognises(header, options));
  if (!format) {
    const expected = FORMATS.filter((f) => f !== MTS_FORMAT).map((f) => f.expects);
    throw new DataError(
      `unrecognised header "${safeEcho(header.raw.join(header.delimiter))}": expected ` +
        `${expected.slice(0, -1).join(", ")}, or ${expected[expected.length - 1]}`,
      header.where,
    );
  }
  const plan = format.plan(detectContext(header, options, interval));
  if (header.delimiter === ";") {
    plan.notes.unshift("fields are separated by semicolons");
  }
  return plan;
}
