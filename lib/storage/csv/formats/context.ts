/**
 * The helpers every format builds its plan with: numeric columns under the value rules, and the
 * asset / series / source of the file, from the caller's flags or the file itself, checked
 * against the one id rule of `core/ids.ts`. A bad flag is a UsageError (exit 2); a bad id read
 * from the file is a DataError at its `file:line`.
 * @module
 */
import { DataError, UsageError } from "../../../core/errors.ts";
import { idFlagProblem, type IdKind, idProblem } from "../../../core/ids.ts";
import { type Interval, isInterval } from "../../../core/time.ts";
import { safeEcho } from "../../../core/text.ts";
import type { DetectContext, DetectOptions, FieldTarget, Header, PlanBase } from "./types.ts";

/**
 * Normalises an asset id (lower case) or a macro series id (upper case) typed by a user. Spaces
 * are kept, so that the id rule rejects them rather than a trim hiding them.
 */
export function normaliseSubject(kind: "candles" | "macro", id: string): string {
  return kind === "candles" ? id.toLowerCase() : id.toUpperCase();
}

/** Checks the caller's flags that do not depend on the file. */
export function checkOptions(options: DetectOptions): Interval | undefined {
  if (options.asset !== undefined && options.series !== undefined) {
    throw new UsageError("Cannot use --asset and --series together: a file holds one series");
  }
  if (options.interval !== undefined && !isInterval(options.interval)) {
    throw new UsageError(
      `Cannot use --interval "${safeEcho(options.interval)}": not a known interval`,
    );
  }
  return options.interval as Interval | undefined;
}

/** The context the formats of the table build their plans with. */
export function detectContext(
  header: Header,
  options: DetectOptions,
  interval: Interval | undefined,
): DetectContext {
  const base: PlanBase = {
    headerIndex: header.index,
    columns: header.names.length,
    delimiter: header.delimiter,
    dateStyle: "auto",
    timeMode: "bar_open",
    inconsistentOhlc: "reject",
    flagCloseOnly: false,
    checkPartialLastBar: false,
    interval,
  };
  const file = options.file;
  return {
    header,
    options,
    base,
    field: (target: FieldTarget, col: number) => ({
      target,
      col,
      label: header.labels[col],
      field: target === "marketCap" ? "market_cap" : target,
      rule: target === "volume" || target === "marketCap" ? "amount" : "price",
    }),
    requireAsset(guess, what, where = header.where) {
      if (options.series !== undefined) {
        throw new UsageError(
          `Cannot import ${file} as macro series ${
            safeEcho(options.series)
          }: it holds ${what}; use --asset`,
        );
      }
      if (options.asset !== undefined) {
        return flagId("asset", normaliseSubject("candles", options.asset));
      }
      if (!guess) {
        throw new UsageError(
          `Cannot tell which asset ${file} holds: pass --asset <id> (e.g. --asset bitcoin)`,
        );
      }
      return fileId("asset", guess, where);
    },
    requireSeries(fromFile, _what, where = header.where) {
      if (options.series !== undefined) {
        return flagId("series", normaliseSubject("macro", options.series));
      }
      if (!fromFile) {
        throw new UsageError(`Cannot tell which series ${file} holds: pass --series`);
      }
      return fileId("series", fromFile, where);
    },
    noAsset(what) {
      if (options.asset !== undefined) {
        throw new UsageError(
          `Cannot import ${file} as asset ${
            safeEcho(options.asset)
          }: it holds ${what}; use --series`,
        );
      }
    },
    source(fallback, where = header.where) {
      if (options.source !== undefined) return flagId("source", options.source);
      return fileId("source", fallback, where);
    },
  };
}

function flagId(kind: IdKind, id: string): string {
  const problem = idFlagProblem(kind, kind, id);
  if (problem) throw new UsageError(problem);
  return id;
}

function fileId(kind: IdKind, id: string, where: string): string {
  const problem = idProblem(kind, id);
  if (problem) throw new DataError(problem, where);
  return id;
}
