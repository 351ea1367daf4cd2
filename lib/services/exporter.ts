/**
 * CSV backups: writes every stored price series and macro series to one mts export file each.
 * `deno task import` reads these files back to identical data. Every selected series is checked
 * first (its ids must follow the id rule of `core/ids.ts`, so that its file name and banner line
 * are safe and unique); only then is anything written, and each file is written to a temporary
 * name and renamed, so a reader never sees half a file and a bad id never leaves half a backup.
 * @module
 */
import { join } from "node:path";
import { seriesLabel } from "../core/candle.ts";
import { DataError } from "../core/errors.ts";
import { idProblem } from "../core/ids.ts";
import { safeEcho } from "../core/text.ts";
import { type BackupPart, exportFileName } from "../storage/csv/backup_names.ts";
import { candlesToCsv, macroToCsv } from "../storage/csv/to_csv.ts";
import type { Store } from "../storage/store.ts";
import { getLogger } from "../log/logger.ts";

/** Label written into exports of the generated sample market. */
export const SAMPLE_LABEL = "generated sample data";

/** Options for {@link exportStore}. */
export interface ExportOptions {
  /** Only these assets (price series). */
  assets?: readonly string[];
  /** Only these macro series. */
  series?: readonly string[];
  /** Only these sources. */
  sources?: readonly string[];
  /** Skip price series (`false`) or macro series. Both default to true. */
  candles?: boolean;
  /** Skip macro series (`false`). */
  macro?: boolean;
}

/** One written file. */
export interface ExportedFile {
  /** Where the file was written. */
  path: string;
  /** Price series or macro series. */
  kind: "candles" | "macro";
  /** Source of the series. */
  source: string;
  /** Asset id or macro series id, exactly as stored. */
  subject: string;
  /** Bar interval (price series only). */
  interval?: string;
  /** Rows written. */
  rows: number;
}

/**
 * Writes one CSV per stored price series and per macro series into `dir` (created if needed).
 * With `assets` but no `series`, only price series are written (and the reverse). Throws a
 * {@link DataError} naming the series, and writes nothing, when a selected series has an id that
 * does not follow the id rule.
 */
export async function exportStore(
  store: Store,
  dir: string,
  options: ExportOptions = {},
): Promise<{ files: string[]; rows: number; details: ExportedFile[] }> {
  const parts = await selectParts(store, options);
  for (const part of parts) checkIds(part);
  await Deno.mkdir(dir, { recursive: true });
  const details: ExportedFile[] = [];
  for (const part of parts) details.push(await writePart(store, dir, part));
  const rows = details.reduce((n, d) => n + d.rows, 0);
  getLogger("export").info("exported", { dir, files: details.length, rows });
  return { files: details.map((d) => d.path), rows, details };
}

/** The stored series the options select, price series first. */
async function selectParts(store: Store, options: ExportOptions): Promise<BackupPart[]> {
  const norm = (xs?: readonly string[]) => xs?.map((x) => x.toLowerCase());
  const assets = norm(options.assets), series = norm(options.series);
  const sources = norm(options.sources);
  const wanted = (source: string) => !sources || sources.includes(source.toLowerCase());
  const parts: BackupPart[] = [];
  if (options.candles ?? !(series && !assets)) {
    for (const s of await store.listSeries()) {
      if (assets && !assets.includes(s.asset.toLowerCase())) continue;
      if (!wanted(s.source)) continue;
      parts.push({
        kind: "candles",
        key: { source: s.source, asset: s.asset, interval: s.interval },
      });
    }
  }
  if (options.macro ?? !(assets && !series)) {
    for (const m of await store.listMacroSeries()) {
      if (series && !series.includes(m.series.toLowerCase())) continue;
      if (!wanted(m.source)) continue;
      parts.push({ kind: "macro", series: m.series, source: m.source });
    }
  }
  return parts;
}

function checkIds(part: BackupPart): void {
  const problem = part.kind === "candles"
    ? idProblem("source", part.key.source) ?? idProblem("asset", part.key.asset)
    : idProblem("source", part.source) ?? idProblem("series", part.series);
  if (!problem) return;
  throw new DataError(
    `Cannot export ${describe(part)}: ${problem}; nothing was written ` +
      "(select the other series with --asset, --series or --source)",
  );
}

function describe(part: BackupPart): string {
  return part.kind === "candles"
    ? `price series ${safeEcho(seriesLabel(part.key))}`
    : `macro series ${safeEcho(part.series)} (source ${safeEcho(part.source)})`;
}

async function writePart(store: Store, dir: string, part: BackupPart): Promise<ExportedFile> {
  const path = join(dir, exportFileName(part));
  if (part.kind === "candles") {
    const { key } = part;
    const candles = await store.getCandles(key);
    const label = key.source === "sample" ? SAMPLE_LABEL : undefined;
    await writeAtomic(path, candlesToCsv(key, candles, { label }));
    return {
      path,
      kind: "candles",
      source: key.source,
      subject: key.asset,
      interval: key.interval,
      rows: candles.length,
    };
  }
  const obs = await store.getMacro(part.series, { source: part.source });
  const label = part.source === "sample" ? SAMPLE_LABEL : undefined;
  await writeAtomic(path, macroToCsv(part.series, part.source, obs, { label }));
  return { path, kind: "macro", source: part.source, subject: part.series, rows: obs.length };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}
