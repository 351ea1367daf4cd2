/**
 * CSV backups: writes every stored price series and macro series to one mts export file each.
 * `deno task import` reads these files back to identical data. Files are written to a temporary
 * name first and renamed, so a reader never sees half a file.
 * @module
 */
import { join } from "node:path";
import { candlesToCsv, exportFileName, macroToCsv } from "../storage/csv/to_csv.ts";
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
  macro?: boolean;
}

/** One written file. */
export interface ExportedFile {
  path: string;
  kind: "candles" | "macro";
  source: string;
  subject: string;
  interval?: string;
  rows: number;
}

/**
 * Writes one CSV per stored price series and per macro series into `dir` (created if needed).
 * With `assets` but no `series`, only price series are written (and the reverse).
 */
export async function exportStore(
  store: Store,
  dir: string,
  options: ExportOptions = {},
): Promise<{ files: string[]; rows: number; details: ExportedFile[] }> {
  await Deno.mkdir(dir, { recursive: true });
  const norm = (xs?: readonly string[]) => xs?.map((x) => x.toLowerCase());
  const assets = norm(options.assets), series = norm(options.series);
  const sources = norm(options.sources);
  const wantCandles = options.candles ?? !(series && !assets);
  const wantMacro = options.macro ?? !(assets && !series);
  const details: ExportedFile[] = [];
  if (wantCandles) {
    for (const s of await store.listSeries()) {
      if (assets && !assets.includes(s.asset.toLowerCase())) continue;
      if (sources && !sources.includes(s.source.toLowerCase())) continue;
      const key = { source: s.source, asset: s.asset, interval: s.interval };
      const candles = await store.getCandles(key);
      const path = join(dir, exportFileName({ kind: "candles", key }));
      await writeAtomic(
        path,
        candlesToCsv(key, candles, { label: s.source === "sample" ? SAMPLE_LABEL : undefined }),
      );
      details.push({
        path,
        kind: "candles",
        source: s.source,
        subject: s.asset,
        interval: s.interval,
        rows: candles.length,
      });
    }
  }
  if (wantMacro) {
    for (const m of await store.listMacroSeries()) {
      if (series && !series.includes(m.series.toLowerCase())) continue;
      if (sources && !sources.includes(m.source.toLowerCase())) continue;
      const obs = await store.getMacro(m.series, { source: m.source });
      const path = join(dir, exportFileName({ kind: "macro", series: m.series, source: m.source }));
      await writeAtomic(
        path,
        macroToCsv(m.series, m.source, obs, {
          label: m.source === "sample" ? SAMPLE_LABEL : undefined,
        }),
      );
      details.push({ path, kind: "macro", source: m.source, subject: m.series, rows: obs.length });
    }
  }
  const rows = details.reduce((n, d) => n + d.rows, 0);
  getLogger("export").info("exported", { dir, files: details.length, rows });
  return { files: details.map((d) => d.path), rows, details };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}
