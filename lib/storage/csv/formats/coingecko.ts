/**
 * CoinGecko's CSV export: `snapped_at,price,market_cap,total_volume`, one 00:00 UTC snapshot a
 * day. Quirks: a snapshot is a close, not a bar (stored at the day before, open/high/low empty),
 * and 0 means "unknown" for market cap and volume.
 * @module
 */
import { assetFromFileName } from "../assets.ts";
import type { FieldSpec, FileFormat } from "./types.ts";

/** CoinGecko `…-usd-max.csv` exports. */
export const COINGECKO_FORMAT: FileFormat = {
  name: "coingecko",
  expects: "a CoinGecko export (snapped_at,price,market_cap,total_volume)",
  recognises: (h) => h.names[0] === "snapped_at" && h.col("price") > 0,
  plan(ctx) {
    const { header: h, options } = ctx;
    const fields: FieldSpec[] = [ctx.field("close", h.col("price"))];
    if (h.col("market_cap") > 0) {
      fields.push({ ...ctx.field("marketCap", h.col("market_cap")), zeroIsMissing: true });
    }
    if (h.col("total_volume") > 0) {
      fields.push({ ...ctx.field("volume", h.col("total_volume")), zeroIsMissing: true });
    }
    return {
      ...ctx.base,
      format: "coingecko",
      kind: "candles",
      source: ctx.source("coingecko"),
      subject: ctx.requireAsset(assetFromFileName(options.file), "prices"),
      dateCol: 0,
      dateLabel: h.labels[0],
      dateStyle: "iso",
      timeMode: "snapshot",
      fields,
      interval: ctx.base.interval ?? "1d",
      notes: [
        "CoinGecko export: one 00:00 UTC price snapshot per day, stored as the close of the day before (open/high/low empty)",
        "CoinGecko writes 0 for an unknown market cap or volume: stored as missing",
      ],
    };
  },
};
