/**
 * The pieces the one-pass frame readers (`binance/depth_scan.ts`, `bybit/book_scan.ts`) share: a
 * cursor over compact JSON text that reads a frame's fixed keys, integers and escape-free strings
 * exactly as `JSON.parse` would, and gives up (rather than guesses) at anything written another
 * way, so the caller can hand the frame to the general path. Strings it returns are copies of
 * their own ({@link ownText}): none keeps the frame's text alive.
 * @module
 */
import { ownCopy } from "./levels.ts";

const QUOTE = 34, BACKSLASH = 92, MINUS = 45, ZERO = 48, NINE = 57, SPACE = 32;

/** Most digits an id or time may have here (15: always a safe integer; longer ones go the general way). */
const MAX_INT_DIGITS = 15;

/** The string a reader returned last for one field: a connection's frames repeat them. */
export interface TextMemo {
  /** The last string read (`""` at first). */
  last: string;
}

/**
 * `text[start, end)` as a string of its own (a plain slice would keep the whole frame alive in a
 * buffered event, or wherever a caller keeps it): the one read last when it is the same, else a
 * copy remembered in `memo` for the next frame.
 */
export function ownText(text: string, start: number, end: number, memo: TextMemo): string {
  if (end - start < 13) return text.slice(start, end); // a copy already
  const last = memo.last;
  if (last.length === end - start && text.startsWith(last, start)) return last;
  return memo.last = ownCopy(text, start, end);
}

/** Index of the closing quote of a string whose content starts at `start`; -1 for an escape. */
export function stringEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    // an escape needs JSON's decoding, a control character is a JSON error: the general path
    if (c === BACKSLASH || c < SPACE) return -1;
  }
  return -1;
}

/** A cursor over a frame's fields; `at` becomes -1 at the first thing it cannot read. */
export class FrameReader {
  /** Reads `text` from `at`. */
  constructor(readonly text: string, public at: number) {}

  /** Whether `literal` is next (and steps over it). */
  key(literal: string): boolean {
    if (this.at < 0 || !this.text.startsWith(literal, this.at)) {
      this.at = -1;
      return false;
    }
    this.at += literal.length;
    return true;
  }

  /** A JSON integer of 1–15 digits without a leading zero, or -1 (and `at` -1). */
  uint(): number {
    const text = this.text, start = this.at;
    if (start < 0) return -1;
    let v = 0, i = start;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      v = v * 10 + (c - ZERO);
    }
    const n = i - start;
    const c = text.charCodeAt(i);
    // 1.0, 1e3, 01 are JSON too (or errors): the general path reads them
    if (
      n === 0 || n > MAX_INT_DIGITS || (n > 1 && text.charCodeAt(start) === ZERO) || c === 46 ||
      c === 101 || c === 69
    ) {
      this.at = -1;
      return -1;
    }
    this.at = i;
    return v;
  }

  /** Like {@link uint}, with an optional minus sign (not `-0`); NaN when it cannot. */
  int(): number {
    if (this.at >= 0 && this.text.charCodeAt(this.at) === MINUS) {
      this.at++;
      const v = this.uint();
      return v > 0 ? -v : NaN;
    }
    const v = this.uint();
    return v < 0 ? NaN : v;
  }

  /**
   * The rest of a string (after its opening quote) without escapes, as {@link ownText} with
   * `memo`; or "" (and `at` -1).
   */
  str(memo: TextMemo): string {
    if (this.at < 0) return "";
    const end = stringEnd(this.text, this.at);
    if (end < 0) {
      this.at = -1;
      return "";
    }
    const s = ownText(this.text, this.at, end, memo);
    this.at = end + 1;
    return s;
  }
}
