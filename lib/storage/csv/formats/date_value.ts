/**
 * Two-column `Date,Value` files (`Date,Close`, month-end closes, …): a macro series with
 * `--series`, close-only bars with `--asset`; without either the file is ambiguous.
 * @module
 */
import { UsageError } from "../../../core/errors.ts";
import { safeEcho } from "../../../core/text.ts";
import { isDateValue } from "./fred.ts";
import type { FileFormat } from "./types.ts";

/** A date and one value, with the caller saying what the value is. */
export const DATE_VALUE_FORMAT: FileFormat = {
  name: "date_value",
  expects: "Date,Value with --series",
  recognises: isDateValue,
  plan(ctx) {
    const { header: h, options } = ctx;
    const common = {
      ...ctx.base,
      format: "date_value" as const,
      source: ctx.source("csv"),
      dateCol: 0,
      dateLabel: h.labels[0] || "(first column)",
    };
    if (options.series !== undefined) {
      const series = ctx.requireSeries(undefined, "a macro series");
      return {
        ...common,
        kind: "macro",
        subject: series,
        fields: [{ target: "close", col: 1, label: h.labels[1], field: series, rule: "value" }],
        notes: [],
      };
    }
    if (options.asset !== undefined) {
      return {
        ...common,
        kind: "candles",
        subject: ctx.requireAsset(undefined, "prices"),
        fields: [ctx.field("close", 1)],
        notes: ["date,value file: stored as close-only bars"],
      };
    }
    throw new UsageError(
      `Cannot tell what ${options.file} holds (${
        safeEcho(h.raw.join(h.delimiter))
      }): pass --series <id> for a macro series or --asset <id> for prices`,
    );
  },
};
