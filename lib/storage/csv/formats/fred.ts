/**
 * FRED's fredgraph CSV: `observation_date,<SERIES>` (or the legacy `DATE,<SERIES>`), one macro
 * series whose id is the second column's name. Quirk: blank or `.` values are missing
 * observations (holidays).
 * @module
 */
import { normaliseSubject } from "./context.ts";
import { DATE_NAMES, VALUE_NAMES } from "./columns.ts";
import type { FileFormat, Header } from "./types.ts";

/** A date column and one column named like a FRED series id. */
export const FRED_FORMAT: FileFormat = {
  name: "fred",
  expects: "FRED observation_date,<SERIES>",
  recognises: (h) =>
    isDateValue(h) &&
    (h.names[0] === "observation_date" ||
      (!VALUE_NAMES.has(h.names[1]) && /^[A-Z0-9_]+$/.test(h.raw[1]))),
  plan(ctx) {
    const { header: h } = ctx;
    ctx.noAsset(`FRED series ${h.labels[1]}`);
    const series = ctx.requireSeries(normaliseSubject("macro", h.raw[1]), "a FRED series");
    return {
      ...ctx.base,
      format: "fred",
      kind: "macro",
      source: ctx.source("fred"),
      subject: series,
      dateCol: 0,
      dateLabel: h.labels[0],
      dateStyle: "iso",
      fields: [{ target: "close", col: 1, label: h.labels[1], field: series, rule: "value" }],
      notes: [`FRED series ${h.labels[1]}: blank or "." values are missing observations`],
    };
  },
};

/** Two columns, the first a date (or unnamed). */
export function isDateValue(h: Header): boolean {
  return h.names.length === 2 && (DATE_NAMES.has(h.names[0]) || h.names[0] === "");
}
