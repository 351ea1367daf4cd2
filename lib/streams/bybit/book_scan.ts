/**
 * The fast path of `parseBybitFrame` (`./parse.ts`) for the frame a Bybit connection carries
 * most: an `orderbook.{depth}.{symbol}` snapshot or delta written the way Bybit writes it —
 * compact JSON, no escapes, keys in the order of the futures frames or of the spot ones (which
 * put `ts` before `type`), `cts` last or absent:
 *
 * ```text
 * {"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1687940967466,"data":{"s":"BTCUSDT","b":[["30247.20","30.028"]],"a":[],"u":177400507,"seq":66544703342},"cts":1687940967464}
 * spot: {"topic":"orderbook.50.BTCUSDT","ts":1687940967466,"type":"delta","data":{…},"cts":…}
 * ```
 *
 * It reads the text once, checking every field with the rules of the general path (a topic
 * `orderbook.{1–4 digits}.{[A-Z0-9_-]{1,40}}`, `data.s` the topic's symbol, `ts`, `cts`, `u`
 * and `seq` safe non-negative integers, every level through {@link scanLevels}) and gives
 * exactly what `JSON.parse` and the general checks would give. It never rejects a frame:
 * anything else — other keys or order, whitespace, escapes, numbers written another way, a value
 * the checks refuse — returns `undefined`, and the general path parses the frame, accepting what
 * is valid and naming what is not in its error.
 * @module
 */
import { FrameReader, ownText, type TextMemo } from "../frame_reader.ts";
import { type CheckedLevels, scannedBids, scannedLevels, scanSides } from "../levels.ts";

/** An `orderbook.{depth}.{symbol}` message. `u` is the update id; `seq` is never used as one. */
export interface BybitBookMessage {
  /** The topic, e.g. `orderbook.50.BTCUSDT`. */
  readonly topic: string;
  /** Depth of the topic (1, 50, 200, 1000). */
  readonly depth: number;
  /** Symbol. */
  readonly symbol: string;
  /** A snapshot resets the book; a delta updates it. */
  readonly type: "snapshot" | "delta";
  /** Update id (`u = 1`: the service restarted and this snapshot overwrites the book). */
  readonly u: number;
  /** Cross sequence (for comparing depths; kept for records only). */
  readonly seq: number;
  /** System time the message was generated, ms. */
  readonly tsMs: number;
  /** Matching-engine time, ms, or `null` when absent. */
  readonly ctsMs: number | null;
  /** Bid levels (size 0 deletes). */
  readonly bids: CheckedLevels;
  /** Ask levels. */
  readonly asks: CheckedLevels;
}

/** A book frame as {@link scanBybitBook} reads it (one of `parseBybitFrame`'s kinds). */
export interface ScannedBookFrame {
  /** Always `book`. */
  readonly kind: "book";
  /** The message. */
  readonly book: BybitBookMessage;
}

const QUOTE = 34, DOT = 46, ZERO = 48, NINE = 57, UPPER_A = 65, UPPER_Z = 90;
const UNDERSCORE = 95, MINUS = 45, CLOSE_BRACE = 125;

/** `{"topic":"` is 10 characters: the topic starts there. */
const TOPIC_START = 10;
const HEAD = '{"topic":"orderbook.';
const DELTA = ',"type":"delta"', SNAPSHOT = ',"type":"snapshot"';

/** The last topic and symbol read: a connection's frames repeat them. */
const TOPIC: TextMemo = { last: "" }, SYMBOL: TextMemo = { last: "" };

/** The frame as an order-book message when it is written the plain way and valid; else `undefined`. */
export function scanBybitBook(text: string): ScannedBookFrame | undefined {
  if (!text.startsWith(HEAD)) return undefined;
  // the topic, as the general path's /^orderbook\.(\d{1,4})\.([A-Z0-9_-]{1,40})$/
  let i = HEAD.length, depth = 0, c = 0;
  for (;; i++) {
    c = text.charCodeAt(i);
    // written so that NaN (past the end of a cut-off frame) stops the loop too
    if (!(c >= ZERO && c <= NINE)) break;
    depth = depth * 10 + (c - ZERO);
  }
  const digits = i - HEAD.length;
  if (digits === 0 || digits > 4 || c !== DOT) return undefined;
  const ss = i + 1;
  for (i = ss;; i++) {
    c = text.charCodeAt(i);
    if (
      !((c >= UPPER_A && c <= UPPER_Z) || (c >= ZERO && c <= NINE) || c === UNDERSCORE ||
        c === MINUS)
    ) break;
  }
  const se = i;
  if (se === ss || se - ss > 40 || c !== QUOTE) return undefined;
  const r = new FrameReader(text, se + 1);
  let type: "snapshot" | "delta" | undefined, ts: number;
  if (text.startsWith(',"ts":', r.at)) {
    // spot: ts, then type
    r.at += 6;
    ts = r.uint();
    type = readType(r);
  } else {
    type = readType(r);
    ts = r.key(',"ts":') ? r.uint() : -1;
  }
  if (type === undefined || ts < 0 || !r.key(',"data":{"s":"')) return undefined;
  // data.s: the topic's symbol, character for character (and so without escapes)
  const sn = se - ss;
  for (let k = 0; k < sn; k++) {
    if (text.charCodeAt(r.at + k) !== text.charCodeAt(ss + k)) return undefined;
  }
  r.at += sn;
  if (!r.key('","b":')) return undefined;
  const at = scanSides(text, r.at);
  if (at < 0) return undefined;
  const bids = scannedBids(), asks = scannedLevels();
  r.at = at;
  const u = r.key(',"u":') ? r.uint() : -1;
  const seq = r.key(',"seq":') ? r.uint() : -1;
  if (u < 0 || seq < 0 || !r.key("}")) return undefined;
  let ctsMs: number | null = null;
  if (text.startsWith(',"cts":', r.at)) {
    r.at += 7;
    ctsMs = r.uint();
    if (ctsMs < 0) return undefined;
  }
  // the root's `}`, then nothing
  if (text.charCodeAt(r.at) !== CLOSE_BRACE || r.at + 1 !== text.length) return undefined;
  const book: BybitBookMessage = {
    topic: ownText(text, TOPIC_START, se, TOPIC),
    depth,
    symbol: ownText(text, ss, se, SYMBOL),
    type,
    u,
    seq,
    tsMs: ts,
    ctsMs,
    bids,
    asks,
  };
  return { kind: "book", book };
}

/** `,"type":"delta"` or `,"type":"snapshot"` next (stepped over), or `undefined` (and `at` -1). */
function readType(r: FrameReader): "snapshot" | "delta" | undefined {
  if (r.at < 0) return undefined;
  if (r.text.startsWith(DELTA, r.at)) {
    r.at += DELTA.length;
    return "delta";
  }
  return r.key(SNAPSHOT) ? "snapshot" : undefined;
}
