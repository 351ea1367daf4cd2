/**
 * The mts export format (`deno task export`): a `# mts export: candles|macro key=value …` banner
 * naming the series exactly, then `date,open,high,low,close,volume,market_cap` or `date,value`.
 * Ids and source come from the banner unchanged (no case folding), so a backup re-imports to the
 * exact series it was written from; a banner that lost one (a hand-edited file) falls back to the
 * backup file name, which encodes the series reversibly (`backup_names.ts`).
 * @module
 */
import { DataError } from "../../../core/errors.ts";
import { isInterval } from "../../../core/time.ts";
import { safeEcho } from "../../../core/text.ts";
import { type BackupPart, parseExportFileName } from "../backup_names.ts";
import type { DetectContext, FileFormat, Header, MtsBanner, ReadPlan } from "./types.ts";

const CANDLE_COLUMNS = ["date", "open", "high", "low", "close", "volume", "market_cap"];
const MACRO_COLUMNS = ["date", "value"];

/** Files written by `deno task export`. */
export const MTS_FORMAT: FileFormat = {
  name: "mts",
  expects: "an mts export (# mts export: … banner)",
  recognises: (header) => header.mts !== undefined,
  plan(ctx) {
    const mts = ctx.header.mts!;
    return mts.kind === "candles" ? candlePlan(ctx, mts) : macroPlan(ctx, mts);
  },
};

function candlePlan(ctx: DetectContext, mts: MtsBanner): ReadPlan {
  const { header } = ctx;
  expectColumns(header, CANDLE_COLUMNS);
  const part = fromName(ctx);
  const named = part?.kind === "candles" ? part : undefined;
  return {
    ...ctx.base,
    format: "mts",
    kind: "candles",
    source: ctx.source(mts.values.source ?? named?.key.source ?? "csv", mts.where),
    subject: ctx.requireAsset(mts.values.asset ?? named?.key.asset, "prices", mts.where),
    dateCol: 0,
    dateLabel: header.labels[0],
    dateStyle: "iso",
    fields: [
      ctx.field("open", 1),
      ctx.field("high", 2),
      ctx.field("low", 3),
      ctx.field("close", 4),
      ctx.field("volume", 5),
      ctx.field("marketCap", 6),
    ],
    interval: ctx.base.interval ?? statedInterval(mts) ?? named?.key.interval,
    notes: ["mts export: empty open/high/low mean a close-only source"],
    label: label(mts),
  };
}

function macroPlan(ctx: DetectContext, mts: MtsBanner): ReadPlan {
  const { header } = ctx;
  expectColumns(header, MACRO_COLUMNS);
  ctx.noAsset("a macro series");
  const part = fromName(ctx);
  const named = part?.kind === "macro" ? part : undefined;
  return {
    ...ctx.base,
    format: "mts",
    kind: "macro",
    source: ctx.source(mts.values.source ?? named?.source ?? "csv", mts.where),
    subject: ctx.requireSeries(mts.values.series ?? named?.series, "a macro series", mts.where),
    dateCol: 0,
    dateLabel: header.labels[0],
    dateStyle: "iso",
    fields: [{ target: "close", col: 1, label: header.labels[1], field: "value", rule: "value" }],
    interval: ctx.base.interval ?? statedInterval(mts),
    notes: [],
    label: label(mts),
  };
}

/** The series the file's name stands for, when it is a backup name. */
function fromName(ctx: DetectContext): BackupPart | undefined {
  return parseExportFileName(ctx.options.file.replace(/^.*[\\/]/, ""));
}

function statedInterval(mts: MtsBanner) {
  const stated = mts.values.interval;
  return stated && isInterval(stated) ? stated : undefined;
}

function label(mts: MtsBanner): string | undefined {
  return mts.values.label === undefined ? undefined : safeEcho(mts.values.label);
}

function expectColumns(header: Header, expected: readonly string[]): void {
  const h = header.names;
  if (h.length !== expected.length || h.some((n, i) => n !== expected[i])) {
    throw new DataError(
      `mts export header should be "${expected.join(",")}", got "${safeEcho(h.join(","))}"`,
      header.where,
    );
  }
}
