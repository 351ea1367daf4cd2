/**
 * Formats stored series as mts export CSV: a banner line that names the series, a header, one row
 * per bar or observation. `parseCsvText` reads these files back to exactly the same data (numbers
 * are written with JavaScript's shortest round-trip form; an empty cell is a missing value).
 * @module
 */
import type { Candle, MacroObservation, SeriesKey } from "../../core/candle.ts";
import { DAY_MS, intervalMs, isoDate, isoTime } from "../../core/time.ts";

/** Header of an mts candle export. */
export const CANDLE_HEADER = "date,open,high,low,close,volume,market_cap";
/** Header of an mts macro export. */
export const MACRO_HEADER = "date,value";

const cell = (v: number | undefined): string => v === undefined || Number.isNaN(v) ? "" : String(v);

function bannerValue(v: string): string {
  return /[\s"]/.test(v) ? `"${v.replaceAll('"', "'")}"` : v;
}

function dateWriter(tss: readonly number[], dayOrLonger: boolean): (ts: number) => string {
  const daily = dayOrLonger && tss.every((t) => t % DAY_MS === 0);
  return daily ? isoDate : isoTime;
}

/** CSV text of one price series (with a trailing newline). */
export function candlesToCsv(
  key: SeriesKey,
  candles: readonly Candle[],
  options: { label?: string } = {},
): string {
  const date = dateWriter(candles.map((c) => c.ts), intervalMs(key.interval) >= DAY_MS);
  const banner = `# mts export: candles source=${bannerValue(key.source)} asset=${
    bannerValue(key.asset)
  } interval=${key.interval}${options.label ? ` label=${bannerValue(options.label)}` : ""}`;
  const out: string[] = [banner, CANDLE_HEADER];
  for (const c of candles) {
    out.push(
      `${date(c.ts)},${cell(c.open)},${cell(c.high)},${cell(c.low)},${cell(c.close)},${
        cell(c.volume)
      },${cell(c.marketCap)}`,
    );
  }
  return out.join("\n") + "\n";
}

/** CSV text of one macro series (with a trailing newline). */
export function macroToCsv(
  series: string,
  source: string,
  observations: readonly MacroObservation[],
  options: { label?: string } = {},
): string {
  const date = dateWriter(observations.map((o) => o.ts), true);
  const banner = `# mts export: macro series=${bannerValue(series)} source=${bannerValue(source)}${
    options.label ? ` label=${bannerValue(options.label)}` : ""
  }`;
  const out: string[] = [banner, MACRO_HEADER];
  for (const o of observations) out.push(`${date(o.ts)},${cell(o.value)}`);
  return out.join("\n") + "\n";
}
