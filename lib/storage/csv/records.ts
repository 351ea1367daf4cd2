/**
 * Cutting CSV text into records: one record per line, or several lines when a quoted field
 * holds a line break. Field boundaries are kept as offsets (no string per field), so a clean
 * million-row file is scanned without allocating per cell.
 *
 * Broken quoting is contained: a quote that opens a field and is never closed, or that closes
 * only on a later line in a way that gives the wrong number of fields, makes the record's first
 * line bad ({@link RecordScanner.quoteProblem}) and scanning resumes at the very next line — so
 * one stray quote costs one row, not the rest of the file.
 * @module
 */
import type { Delimiter } from "./formats.ts";
import { hasOpenQuote, splitCsvLine } from "./fields.ts";

/** Reads records one at a time; the current record's fields are `src[starts[k], ends[k])`. */
export class RecordScanner {
  /** Start offsets of the first `columns` fields of the current record. */
  readonly starts: Int32Array;
  /** End offsets (exclusive) of the first `columns` fields of the current record. */
  readonly ends: Int32Array;
  /** Text the offsets point into: the file text, or the record's unquoted fields joined. */
  src = "";
  /** Number of fields of the current record (may differ from `columns`). */
  count = 0;
  /** 1-based line number of the current record's first line. */
  line = 0;
  /** Set when the current record's quoting is broken; the record is then bad. */
  quoteProblem: string | undefined;

  readonly #text: string;
  readonly #columns: number;
  readonly #delimiter: Delimiter;
  #pos: number;
  #lineNo: number;
  #nextQuote = -1;

  /** Scans `text` from line `firstLine` (0-based) for records of `columns` fields. */
  constructor(text: string, firstLine: number, columns: number, delimiter: Delimiter) {
    this.#text = text;
    this.#columns = columns;
    this.#delimiter = delimiter;
    this.starts = new Int32Array(columns);
    this.ends = new Int32Array(columns);
    this.#lineNo = firstLine;
    this.#pos = offsetOfLine(text, firstLine);
  }

  /** Moves to the next non-blank record; false at the end of the text. */
  next(): boolean {
    const text = this.#text, n = text.length;
    while (this.#pos < n) {
      const pos = this.#pos;
      let eol = text.indexOf("\n", pos);
      if (eol === -1) eol = n;
      const end = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
      const line = ++this.#lineNo;
      this.#pos = eol + 1;
      if (end === pos || (text.charCodeAt(pos) <= 32 && text.slice(pos, end).trim() === "")) {
        continue;
      }
      this.line = line;
      this.quoteProblem = undefined;
      if (this.#nextQuote !== Infinity && this.#nextQuote < pos) {
        this.#nextQuote = text.indexOf('"', pos);
        if (this.#nextQuote === -1) this.#nextQuote = Infinity;
      }
      if (this.#nextQuote < end) this.#quoted(pos, end, eol);
      else this.#plain(pos, end);
      return true;
    }
    return false;
  }

  /** Splits an unquoted line at the delimiter, in place. */
  #plain(pos: number, end: number): void {
    const text = this.#text, cols = this.#columns, d = this.#delimiter;
    const starts = this.starts, ends = this.ends;
    let count = 0;
    for (let p = pos;;) {
      const c = text.indexOf(d, p);
      if (c === -1 || c >= end) {
        if (count < cols) {
          starts[count] = p;
          ends[count] = end;
        }
        count++;
        break;
      }
      if (count < cols) {
        starts[count] = p;
        ends[count] = c;
      }
      count++;
      p = c + 1;
    }
    this.src = text;
    this.count = count;
  }

  /** A line with quotes; a quoted field may continue on the following lines. */
  #quoted(pos: number, end: number, eol: number): void {
    const text = this.#text;
    const first = text.slice(pos, end);
    if (!hasOpenQuote(first)) return this.#take(splitCsvLine(first, this.#delimiter));
    const closing = this.#closingLineEnd(eol);
    if (closing === -1) {
      this.quoteProblem = "unterminated quote: a quoted field opened on this line is never closed";
      return this.#take(splitCsvLine(first, this.#delimiter));
    }
    const joined = text.slice(pos, closing).replaceAll("\r\n", "\n").replace(/\r$/, "");
    const parts = splitCsvLine(joined, this.#delimiter);
    const spanned = countLines(text, eol, closing);
    if (parts.length !== this.#columns) {
      // Resume at the next line: the lines the broken field swallowed may be good rows.
      this.quoteProblem = `unbalanced quote: a quoted field opened on this line closes on line ${
        this.line + spanned
      }, giving ${parts.length} fields instead of ${this.#columns}`;
      return this.#take(splitCsvLine(first, this.#delimiter));
    }
    this.#pos = closing + 1;
    this.#lineNo += spanned;
    this.#take(parts);
  }

  /** Makes `parts` the current record (offsets into their concatenation). */
  #take(parts: string[]): void {
    const cols = this.#columns;
    this.count = parts.length;
    this.src = parts.join("");
    for (let k = 0, off = 0; k < parts.length && k < cols; k++) {
      this.starts[k] = off;
      off += parts[k].length;
      this.ends[k] = off;
    }
  }

  /**
   * The end offset of the line on which a quoted field left open at `eol` closes: the first
   * later line after which the quotes seen so far are balanced. -1 when that never happens.
   */
  #closingLineEnd(eol: number): number {
    const text = this.#text, n = text.length;
    let from = eol + 1;
    while (from < n) {
      const q = text.indexOf('"', from);
      if (q === -1) return -1;
      let lineEnd = text.indexOf("\n", q);
      if (lineEnd === -1) lineEnd = n;
      let quotes = 0;
      for (let i = q; i !== -1 && i < lineEnd; i = text.indexOf('"', i + 1)) quotes++;
      if (quotes % 2 === 1) return lineEnd;
      from = lineEnd + 1;
    }
    return -1;
  }
}

/** Offset of the start of line `index` (0-based). */
function offsetOfLine(text: string, index: number): number {
  let pos = 0;
  for (let i = 0; i < index; i++) {
    const eol = text.indexOf("\n", pos);
    if (eol === -1) return text.length;
    pos = eol + 1;
  }
  return pos;
}

/** Line breaks in `text[from, to)`. */
function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
