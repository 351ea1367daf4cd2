/**
 * Reading a file's header: skipping blank lines and a banner line, choosing the field separator,
 * normalising the column names and refusing duplicate ones.
 * @module
 */
import { DataError } from "../../../core/errors.ts";
import { safeEcho } from "../../../core/text.ts";
import type { Delimiter, Header, MtsBanner } from "./types.ts";

const MTS_BANNER = /^#\s*mts export:\s*(candles|macro)\b(.*)$/i;

/** Normalises a header cell: trimmed, lower case, without quotes or a byte-order mark. */
export function headerName(cell: string): string {
  return cell.replace(/^\uFEFF/, "").trim().replace(/^"(.*)"$/, "$1").trim().toLowerCase();
}

/**
 * Reads the header from the first lines of a file (`lines[0]` is line 1). Throws a
 * {@link DataError} at `file:line` for an empty file, a banner without a header, or two columns
 * with the same name.
 */
export function readHeader(lines: readonly string[], file: string): Header {
  let index = skipBlank(lines, 0);
  if (index >= lines.length) throw new DataError("the file is empty", `${file}:1`);
  const first = lines[index].replace(/^\uFEFF/, "");
  const mts = mtsBanner(first, `${file}:${index + 1}`);
  let banner: string | undefined;
  if (mts || isBanner(first, lines[skipBlank(lines, index + 1)])) {
    banner = safeEcho(first.trim());
    index = skipBlank(lines, index + 1);
    if (index >= lines.length) {
      throw new DataError("no header line after the banner", `${file}:${index}`);
    }
  }
  const line = lines[index].replace(/^\uFEFF/, "");
  const delimiter = delimiterOf(line);
  const raw = line.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
  const names = raw.map(headerName);
  const where = `${file}:${index + 1}`;
  refuseDuplicates(raw, names, where);
  return {
    index,
    raw,
    labels: raw.map((c) => safeEcho(c)),
    names,
    delimiter,
    banner,
    mts,
    where,
    lines,
    col: (name: string) => names.indexOf(name),
  };
}

function skipBlank(lines: readonly string[], from: number): number {
  let i = from;
  while (i < lines.length && lines[i].trim() === "") i++;
  return i;
}

/**
 * A header separated by semicolons (common where the decimal separator is a comma) has no comma
 * and at least one semicolon.
 */
function delimiterOf(line: string): Delimiter {
  return !line.includes(",") && line.includes(";") ? ";" : ",";
}

/**
 * A first line is a banner (not the header) when it is a URL, or has no comma and is not a
 * semicolon-separated header (one whose next line, if any, has as many semicolons).
 */
function isBanner(first: string, next: string | undefined): boolean {
  if (/^https?:\/\//i.test(first.trim())) return true;
  if (first.includes(",")) return false;
  const semis = count(first, ";");
  return semis === 0 || (next !== undefined && count(next, ";") !== semis);
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

function mtsBanner(line: string, where: string): MtsBanner | undefined {
  const m = MTS_BANNER.exec(line.trim());
  if (!m) return undefined;
  const values = Object.fromEntries(
    [...m[2].matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((p) => [p[1], p[2].replace(/^"|"$/g, "")]),
  );
  return { kind: m[1].toLowerCase() as MtsBanner["kind"], values, where };
}

/** Two columns with the same (case-insensitive) name make every lookup ambiguous. */
function refuseDuplicates(raw: readonly string[], names: readonly string[], where: string): void {
  const seen = new Map<string, number>();
  for (let j = 0; j < names.length; j++) {
    if (names[j] === "") continue;
    const i = seen.get(names[j]);
    if (i === undefined) {
      seen.set(names[j], j);
      continue;
    }
    const same = raw[i] === raw[j];
    throw new DataError(
      same
        ? `duplicate column "${safeEcho(raw[j])}" (columns ${i + 1} and ${j + 1})`
        : `duplicate column: "${safeEcho(raw[i])}" (column ${i + 1}) and "${
          safeEcho(raw[j])
        }" (column ${j + 1}) are the same name`,
      where,
    );
  }
}
