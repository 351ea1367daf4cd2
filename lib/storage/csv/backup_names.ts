/**
 * File names of CSV backups: `candles_<source>_<asset>_<interval>.csv` and
 * `macro_<source>_<series>.csv`, readable for ordinary ids (`candles_coingecko_bitcoin_1d.csv`,
 * `macro_fred_DGS10.csv`) and never the same for two different series — not even on a
 * case-insensitive file system (macOS, Windows).
 *
 * How: ids follow the rule of `core/ids.ts` (`A–Z a–z 0–9 . _ -`), and each part has a usual case
 * (lower for sources and assets, upper for macro series). A letter in the usual case is written as
 * is; a letter in the other case is written after a `~`, and so is `_`, which separates the
 * parts. So `foo_bar` is `foo~_bar` and `foo-bar` stays `foo-bar`; asset `Foo` is `~Foo`, which no
 * case folding turns into `foo`. The name alone determines the series (see
 * {@link parseExportFileName}); the banner line inside the file names it too. With ids of at most
 * 64 characters and sources of at most 32, a name is at most 209 bytes.
 * @module
 */
import type { SeriesKey } from "../../core/candle.ts";
import { isInterval } from "../../core/time.ts";

/** What a backup file holds. */
export type BackupPart =
  | { kind: "candles"; key: SeriesKey }
  | { kind: "macro"; series: string; source: string };

type Usual = "lower" | "upper";

/** The backup file name of a series (see the module doc for the encoding). */
export function exportFileName(part: BackupPart): string {
  if (part.kind === "candles") {
    const iv = part.key.interval === "1M" ? "1mo" : part.key.interval;
    return `candles_${encodePart(part.key.source, "lower")}_${
      encodePart(part.key.asset, "lower")
    }_${iv}.csv`;
  }
  return `macro_${encodePart(part.source, "lower")}_${encodePart(part.series, "upper")}.csv`;
}

/**
 * The series a backup file name stands for, whatever case the file system gave the name back
 * in; `undefined` when the name is not one {@link exportFileName} writes.
 */
export function parseExportFileName(name: string): BackupPart | undefined {
  const m = /^(candles|macro)_(.*)\.csv$/i.exec(name);
  if (!m) return undefined;
  const parts = splitParts(m[2]);
  if (!parts) return undefined;
  if (m[1].toLowerCase() === "macro") {
    if (parts.length !== 2) return undefined;
    return {
      kind: "macro",
      source: decodePart(parts[0], "lower"),
      series: decodePart(parts[1], "upper"),
    };
  }
  if (parts.length !== 3) return undefined;
  // Months are written `1mo`, so a bare `1m` (in any case) is minutes.
  const lower = parts[2].toLowerCase();
  const iv = lower === "1mo" ? "1M" : lower;
  if (!isInterval(iv)) return undefined;
  return {
    kind: "candles",
    key: {
      source: decodePart(parts[0], "lower"),
      asset: decodePart(parts[1], "lower"),
      interval: iv,
    },
  };
}

function isLetter(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z");
}

function inUsualCase(ch: string, usual: Usual): boolean {
  return usual === "lower" ? ch === ch.toLowerCase() : ch === ch.toUpperCase();
}

function encodePart(id: string, usual: Usual): string {
  let out = "";
  for (const ch of id) {
    out += ch === "_" || (isLetter(ch) && !inUsualCase(ch, usual)) ? `~${ch}` : ch;
  }
  return out;
}

/** Splits the encoded parts at unescaped `_`; undefined when a `~` ends a part. */
function splitParts(text: string): string[] | undefined {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "~") {
      if (i + 1 >= text.length) return undefined;
      cur += ch + text[++i];
    } else if (ch === "_") {
      parts.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

function decodePart(text: string, usual: Usual): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "~") {
      const next = text[++i];
      out += next === "_" ? "_" : usual === "lower" ? next.toUpperCase() : next.toLowerCase();
    } else {
      out += isLetter(ch) ? (usual === "lower" ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    }
  }
  return out;
}
