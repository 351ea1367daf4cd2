/**
 * Turning a file's bytes into the text the parser reads: UTF-8 (with or without a byte-order
 * mark) or UTF-16 little- or big-endian with a byte-order mark; CR-only line ends (old Mac
 * exports) become line feeds. What cannot be read unambiguously — UTF-16 without a byte-order
 * mark, binary files — is refused with the line it shows up on. Pure.
 * @module
 */
import { DataError } from "../../core/errors.ts";

/**
 * Decodes a CSV file's bytes. UTF-8 is decoded leniently (an invalid byte becomes U+FFFD and
 * shows up in the cell it spoils), so a stray Latin-1 byte in a column mts does not read is
 * harmless.
 */
export function decodeCsvBytes(bytes: Uint8Array, file: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  const order = bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0
    ? "little"
    : bytes.length >= 2 && bytes[0] === 0 && bytes[1] !== 0
    ? "big"
    : undefined;
  if (order) {
    throw new DataError(
      `the file looks like UTF-16 (${order}-endian) without a byte-order mark, which cannot be ` +
        "told apart from other encodings reliably: save it as UTF-8, or as UTF-16 with a BOM",
      `${file}:1`,
    );
  }
  return new TextDecoder("utf-8").decode(bytes);
}

/**
 * Normalises decoded text for the parser: CR-only line ends become `\n` (CRLF is read as is), and
 * a NUL character — which no CSV text holds, but UTF-16 read as UTF-8 and binary files do — is
 * refused at its `file:line`.
 */
export function prepareCsvText(text: string, file: string): string {
  const nul = text.indexOf("\0");
  if (nul !== -1) {
    throw new DataError(
      "the file contains NUL characters: it is not UTF-8 text (UTF-16 without a byte-order mark, " +
        "or a binary file?); save it as UTF-8 CSV",
      `${file}:${lineAt(text, nul)}`,
    );
  }
  // Old Mac exports end lines with CR alone: the first line break tells (only the first line is
  // searched, so a large LF file is not scanned for a CR it does not have).
  const lf = text.indexOf("\n");
  const firstLine = lf === -1 ? text : text.slice(0, text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf);
  if (firstLine.indexOf("\r") !== -1) return text.replace(/\r\n?/g, "\n");
  return text;
}

/** 1-based line number of the character at `index`. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
