/**
 * CryptoDataDownload's exchange exports (Binance and others): a banner line (the site URL), then
 * `unix,date,symbol,open,high,low,close,Volume <base>,Volume <quote>,tradecount`. Quirks: newest
 * row first, `unix` in milliseconds or seconds (checked against `date`), `NULL` trade counts, a
 * partial last day.
 * @module
 */
import { safeEcho } from "../../../core/text.ts";
import { assetFromFileName } from "../assets.ts";
import { hasOhlc, symbolAsset } from "./columns.ts";
import type { FieldSpec, FileFormat, Header } from "./types.ts";

/** `Binance_BTCUSDT_d.csv` and its siblings. */
export const CRYPTODATADOWNLOAD_FORMAT: FileFormat = {
  name: "cryptodatadownload",
  expects: "a CryptoDataDownload export (unix,date,symbol,open,high,low,close,Volume …)",
  recognises: (h) => h.col("unix") >= 0 && h.col("date") >= 0 && hasOhlc(h),
  plan(ctx) {
    const { header: h, options } = ctx;
    const vol = h.names.findIndex((n) => n.startsWith("volume"));
    const fields: FieldSpec[] = [
      ctx.field("open", h.col("open")),
      ctx.field("high", h.col("high")),
      ctx.field("low", h.col("low")),
      ctx.field("close", h.col("close")),
    ];
    if (vol >= 0) fields.push(ctx.field("volume", vol));
    fields.push(...extraColumns(h, vol));
    const guess = symbolAsset(h, h.col("symbol")) ?? assetFromFileName(options.file);
    return {
      ...ctx.base,
      format: "cryptodatadownload",
      kind: "candles",
      source: ctx.source("cryptodatadownload"),
      subject: ctx.requireAsset(guess, "prices"),
      dateCol: h.col("unix"),
      dateLabel: h.labels[h.col("unix")],
      dateStyle: "epoch",
      crossCheckDateCol: h.col("date"),
      fields,
      checkPartialLastBar: vol >= 0,
      notes: [
        `CryptoDataDownload export${h.banner ? ` (banner "${h.banner}")` : ""}: ` +
        `unix open times in ms or s, volume from "${vol >= 0 ? h.labels[vol] : "-"}"`,
      ],
    };
  },
};

/** The trade count and the other volume columns: checked for missing values, not stored. */
function extraColumns(h: Header, vol: number): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (let i = 0; i < h.names.length; i++) {
    if (h.names[i] === "tradecount" || (h.names[i].startsWith("volume") && i !== vol)) {
      out.push({
        target: "extra",
        col: i,
        label: h.labels[i],
        field: safeEcho(h.names[i]),
        rule: "amount",
      });
    }
  }
  return out;
}
