/**
 * Generic OHLC(V) files: `Open,High,Low,Close` in any case, optional `Volume`, `market_cap` and
 * `symbol`, a date column named like a date or unnamed first (also after a pandas index).
 * @module
 */
import { assetFromFileName } from "../assets.ts";
import { firstColumnUnnamed, hasOhlc, ohlcDateColumn, symbolAsset } from "./columns.ts";
import type { FieldSpec, FileFormat } from "./types.ts";

const CAP_NAMES = ["market_cap", "marketcap", "market cap"];

/** Any file with open, high, low and close columns and a date. */
export const OHLCV_FORMAT: FileFormat = {
  name: "ohlcv",
  expects: "Date,Open,High,Low,Close[,Volume]",
  recognises: hasOhlc,
  plan(ctx) {
    const { header: h, options } = ctx;
    const dateCol = ohlcDateColumn(h);
    const vol = h.names.findIndex((n) => n === "volume" || n.startsWith("volume"));
    const cap = h.names.findIndex((n) => CAP_NAMES.includes(n));
    const fields: FieldSpec[] = [
      ctx.field("open", h.col("open")),
      ctx.field("high", h.col("high")),
      ctx.field("low", h.col("low")),
      ctx.field("close", h.col("close")),
    ];
    if (vol >= 0) fields.push(ctx.field("volume", vol));
    if (cap >= 0) fields.push(ctx.field("marketCap", cap));
    const symbolCol = h.names.findIndex((n) => n === "symbol" || n === "ticker");
    const notes: string[] = [];
    if (dateCol > 0 && firstColumnUnnamed(h)) {
      notes.push(`first column is an index; dates read from the ${h.labels[dateCol]} column`);
    }
    return {
      ...ctx.base,
      format: "ohlcv",
      kind: "candles",
      source: ctx.source("csv"),
      subject: ctx.requireAsset(
        symbolAsset(h, symbolCol) ?? assetFromFileName(options.file),
        "prices",
      ),
      dateCol,
      dateLabel: h.labels[dateCol] || "(first column)",
      fields,
      checkPartialLastBar: vol >= 0,
      notes,
    };
  },
};
