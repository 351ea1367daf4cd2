/**
 * CBOE's VIX history (`DATE,OPEN,HIGH,LOW,CLOSE`, no volume; dates `MM/DD/YYYY` as CBOE writes
 * them, or ISO), or any OHLC index file named
 * `*vix*` or imported with `--series`: the close becomes a macro series. Quirks: some days
 * publish only a close (open = high = low = close), and some opens lie outside [low, high] —
 * both are flagged, not rejected, since only the close is stored.
 * @module
 */
import { hasOhlc, ohlcDateColumn } from "./columns.ts";
import type { DetectOptions, FileFormat, Header } from "./types.ts";

/** An OHLC file that is an index level rather than a tradable price. */
export const CBOE_VIX_FORMAT: FileFormat = {
  name: "cboe_vix",
  expects: "CBOE DATE,OPEN,HIGH,LOW,CLOSE",
  recognises: looksVix,
  plan(ctx) {
    const { header: h } = ctx;
    const dateCol = ohlcDateColumn(h);
    const series = ctx.requireSeries("VIX", "an index");
    const close = ctx.field("close", h.col("close"));
    return {
      ...ctx.base,
      format: "cboe_vix",
      kind: "macro",
      source: ctx.source(series === "VIX" ? "cboe" : "csv"),
      subject: series,
      dateCol,
      dateLabel: h.labels[dateCol] || "(first column)",
      // CBOE writes MM/DD/YYYY (VIX_History.csv); mirrors such as vix-daily.csv use ISO dates
      dateStyle: "mdy",
      fields: [
        ctx.field("open", h.col("open")),
        ctx.field("high", h.col("high")),
        ctx.field("low", h.col("low")),
        { ...close, field: series },
      ],
      inconsistentOhlc: "flag",
      flagCloseOnly: true,
      notes: [`OHLC index file: the close is stored as macro series ${series}`],
    };
  },
};

function looksVix(h: Header, options: DetectOptions): boolean {
  if (!hasOhlc(h) || options.asset !== undefined) return false;
  if (h.names.some((n) => n === "volume" || n.startsWith("volume"))) return false;
  return options.series !== undefined || h.raw.join(",") === "DATE,OPEN,HIGH,LOW,CLOSE" ||
    /vix/i.test(options.file.replace(/^.*[\\/]/, ""));
}
