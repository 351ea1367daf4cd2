/**
 * Price levels as they come off the wire (`[["35743.98000000","0.00001500"], …]`) and the one
 * check that lets the order book trust them. {@link checkLevels} validates every price and
 * quantity of a message before the book sees any of it, so a bad level rejects the whole message
 * and never leaves a book half-updated; the branded {@link CheckedLevels} type makes "validated"
 * visible to the compiler, and the book's bulk methods accept nothing else. {@link scanLevels}
 * applies the same rules straight to a frame's text (the hot path: each string read once).
 * @module
 */
import {
  digitsKey,
  MAX_PRICE_CHARS,
  MAX_QTY_CHARS,
  priceKey,
  priceProblem,
  qtyKind,
} from "./decimal.ts";
import { FrameError } from "./errors.ts";
import { path, show } from "./validate.ts";

/** One level as sent: the price and the absolute quantity at it, both decimal strings. */
export type WireLevel = readonly [price: string, qty: string];

/**
 * Levels whose prices passed {@link priceKey} and whose quantities passed {@link qtyKind}: the
 * very arrays `JSON.parse` built (no copy), or the ones {@link scanLevels} built from the text;
 * only {@link checkLevels}, {@link trustLevels} and {@link scanLevels} produce the type.
 */
export type CheckedLevels = readonly WireLevel[] & { readonly __checkedLevels: true };

/** An empty checked list (for messages that change one side only). */
export const NO_LEVELS = [] as unknown as CheckedLevels;

/**
 * Validates `v` as a list of `[price, qty]` string pairs. Throws a {@link FrameError} at
 * `where`/`field[i][j]` naming the first bad entry: not a pair, a price that is not a positive
 * plain decimal of at most 15 significant digits, or a quantity that is not a plain decimal.
 */
export function checkLevels(v: unknown, where: string, field: string): CheckedLevels {
  if (!Array.isArray(v)) throw new FrameError(where, field, `expected a list, got ${show(v)}`);
  const memo = MEMOS[next];
  next ^= 1;
  memo.levels = undefined; // while checking, nothing is remembered
  if (memo.keys.length < v.length) memo.keys = new Float64Array(2 * v.length);
  const keys = memo.keys, prices = memo.prices, qtys = memo.qtys;
  for (let i = 0; i < v.length; i++) {
    const l = v[i];
    if (!Array.isArray(l) || l.length !== 2) {
      throw new FrameError(where, path(field, i), `expected [price, qty], got ${show(l)}`);
    }
    const p = l[0], q = l[1];
    const key = typeof p === "string" ? priceKey(p) : NaN;
    if (!(key > 0)) {
      throw new FrameError(
        where,
        `${path(field, i)}[0]`,
        `price ${show(p)} ${priceProblem(p) ?? "is invalid"}`,
      );
    }
    const kind = typeof q === "string" ? qtyKind(q) : -1;
    if (kind < 0) {
      throw new FrameError(
        where,
        `${path(field, i)}[1]`,
        `expected a decimal quantity, got ${show(q)}`,
      );
    }
    // a zero quantity (a delete) is remembered as the negated key
    keys[i] = kind === 0 ? -key : key;
    prices[i] = p;
    qtys[i] = q;
  }
  memo.levels = v;
  memo.count = v.length;
  return v as unknown as CheckedLevels;
}

const QUOTE = 34, COMMA = 44, DOT = 46, ZERO = 48, NINE = 57, OPEN = 91, CLOSE = 93;

/** The list the last successful {@link scanLevels} read. */
let scanned: CheckedLevels = NO_LEVELS;

/**
 * Reads a level list straight from JSON text, `text[start]` being its `[`, when it is written the
 * plain way (`[["35743.98","0.0015"],…]`: no whitespace, no escapes) and every level passes the
 * rules of {@link checkLevels} — what `JSON.parse` then {@link checkLevels} would give, with each
 * string scanned once instead of twice. Returns the index after the closing `]` (the list is then
 * {@link scannedLevels}), or `-1` when the text there is anything else: the caller then parses
 * the frame the general way, which accepts what is valid and names what is not.
 */
export function scanLevels(text: string, start: number): number {
  if (text.charCodeAt(start) !== OPEN) return -1;
  const memo = MEMOS[next];
  next ^= 1;
  memo.levels = undefined;
  const list: WireLevel[] = [];
  let i = start + 1;
  if (text.charCodeAt(i) === CLOSE) return sealScan(memo, list, i + 1);
  for (let k = 0;; k++) {
    if (text.charCodeAt(i) !== OPEN || text.charCodeAt(i + 1) !== QUOTE) return -1;
    // the price: digits and dots up to the quote, gathered as priceKey's fast path does
    const ps = i + 2;
    let m = 0, span = 0, dot = -1, c = 0;
    for (i = ps;; i++) {
      c = text.charCodeAt(i);
      if (c >= ZERO && c <= NINE) {
        m = m * 10 + (c - ZERO);
        if (m !== 0) span++;
      } else if (c === DOT && dot < 0) dot = i;
      else break;
    }
    if (c !== QUOTE || i - ps > MAX_PRICE_CHARS) return -1;
    const plain = dot > ps && dot < i - 1, frac = dot < 0 ? 0 : i - dot - 1;
    let key = plain || dot < 0 ? digitsKey(m, span, frac) : NaN;
    let p: string;
    if (key === key) p = priceString(text, ps, i, key, m, frac);
    else {
      p = ownCopy(text, ps, i);
      key = priceKey(p); // the rare spellings, and every bad one
      if (!(key > 0)) return -1;
    }
    if (text.charCodeAt(i + 1) !== COMMA || text.charCodeAt(i + 2) !== QUOTE) return -1;
    // the quantity: digits and at most one dot, not at either end
    const qs = i + 3;
    let nonZero = 0;
    dot = -1;
    for (i = qs;; i++) {
      c = text.charCodeAt(i);
      if (c >= ZERO && c <= NINE) nonZero |= c - ZERO;
      else if (c === DOT && dot < 0) dot = i;
      else break;
    }
    const qn = i - qs;
    if (c !== QUOTE || qn === 0 || qn > MAX_QTY_CHARS || dot === qs || dot === i - 1) return -1;
    const q = ownCopy(text, qs, i);
    if (k === memo.keys.length) {
      const keys = new Float64Array(2 * k);
      keys.set(memo.keys);
      memo.keys = keys;
    }
    memo.keys[k] = nonZero === 0 ? -key : key;
    memo.prices[k] = p;
    memo.qtys[k] = q;
    list.push([p, q]);
    if (text.charCodeAt(i + 1) !== CLOSE) return -1;
    c = text.charCodeAt(i + 2);
    i += 3;
    if (c === CLOSE) return sealScan(memo, list, i);
    if (c !== COMMA) return -1;
  }
}

/**
 * `text.slice(start, end)` that does not keep `text` alive: V8 makes a slice of 13 characters or
 * more a view into the whole frame, which a book level would then pin for as long as it lives;
 * slices of at most 12 characters are copies, and their concatenation references only them. So a
 * string of 25 characters or more takes three pieces or more: two would leave a view in the second.
 */
export function ownCopy(text: string, start: number, end: number): string {
  const n = end - start;
  if (n < 13) return text.slice(start, end);
  if (n < 25) return text.slice(start, start + 12) + text.slice(start + 12, end);
  let s = text.slice(start, start + 12);
  for (let i = start + 12; i < end; i += 12) s += text.slice(i, Math.min(i + 12, end));
  return s;
}

/**
 * The prices read lately: updates keep hitting the same few hundred prices near the top of the
 * book, so most prices are found here and cost no allocation. Direct-mapped by a hash of their
 * digits; an entry is used only for the same exact key (one decimal value: keys are exact), the
 * same length and the same number of fraction digits — which together fix the spelling.
 */
const CACHE_BITS = 12;
const cacheKeys = new Float64Array(1 << CACHE_BITS);
const cacheShapes = new Int32Array(1 << CACHE_BITS);
const cachePrices: string[] = Array.from({ length: 1 << CACHE_BITS }, () => "");

/**
 * The price `text[start, end)` — exact key `key`, digits `m` (from the first non-zero one),
 * `frac` fraction digits — as a string of its own.
 */
function priceString(
  text: string,
  start: number,
  end: number,
  key: number,
  m: number,
  frac: number,
): string {
  const shape = (end - start) * 64 + frac;
  const h = Math.imul((m >>> 0) ^ ((m / 4294967296) >>> 0), 0x9e3779b1) >>> (32 - CACHE_BITS);
  if (cacheKeys[h] === key && cacheShapes[h] === shape) return cachePrices[h];
  const p = ownCopy(text, start, end);
  cacheKeys[h] = key;
  cacheShapes[h] = shape;
  cachePrices[h] = p;
  return p;
}

function sealScan(memo: KeyMemo, list: WireLevel[], end: number): number {
  memo.levels = list;
  memo.count = list.length;
  scanned = list as unknown as CheckedLevels;
  return end;
}

/** The list the last {@link scanLevels} that succeeded read (checked, as {@link checkLevels}). */
export function scannedLevels(): CheckedLevels {
  return scanned;
}

let scannedBidList: CheckedLevels = NO_LEVELS;

/**
 * Both sides of a book message as both exchanges write them — `[…bids…],"a":[…asks…]` from
 * `start`, the bids' `[` — read by {@link scanLevels}: the index after the asks' `]`, or -1. The
 * lists are then {@link scannedBids} and {@link scannedLevels}.
 */
export function scanSides(text: string, start: number): number {
  const at = scanLevels(text, start);
  if (at < 0) return -1;
  const bids = scanned;
  if (!text.startsWith(',"a":', at)) return -1;
  const end = scanLevels(text, at + 5);
  if (end < 0) return -1;
  scannedBidList = bids;
  return end;
}

/** The bids the last {@link scanSides} that succeeded read. */
export function scannedBids(): CheckedLevels {
  return scannedBidList;
}

/**
 * The price keys {@link checkLevels} computed for the last two lists it checked (a message's bids
 * and asks), and whether each quantity is zero, so the book does not scan the same strings again
 * right after. A memo answers only for the very list it checked, and the book uses an entry only
 * where the price and the quantity at that position are still the very strings that were checked
 * ({@link memoKey}): strings are immutable, so a reused entry always describes the strings in hand.
 */
interface KeyMemo {
  levels: unknown;
  count: number;
  /** The price key, negated when the quantity is zero. */
  keys: Float64Array;
  prices: unknown[];
  qtys: unknown[];
}

const MEMOS: KeyMemo[] = [0, 1].map(() => ({
  levels: undefined,
  count: 0,
  keys: new Float64Array(64),
  prices: [],
  qtys: [],
}));
let next = 0;

/** The memo of `levels` when they were among the last two lists checked, else `undefined`. */
export function keyMemo(levels: CheckedLevels): KeyMemo | undefined {
  const a = MEMOS[0], b = MEMOS[1];
  const m = a.levels === levels ? a : b.levels === levels ? b : undefined;
  return m !== undefined && m.count === levels.length ? m : undefined;
}

/**
 * The memoised entry of `levels[i]` (see {@link keyMemo}): the price key, negated when the
 * quantity is zero; `NaN` when it cannot be trusted.
 */
export function memoKey(memo: KeyMemo | undefined, level: WireLevel, i: number): number {
  return memo !== undefined && memo.prices[i] === level[0] && memo.qtys[i] === level[1]
    ? memo.keys[i]
    : NaN;
}

/**
 * Validates hand-built levels (tests, replays of stored books), throwing a `RangeError` that names
 * the entry. The same rules as {@link checkLevels}.
 */
export function trustLevels(levels: readonly WireLevel[]): CheckedLevels {
  try {
    return checkLevels(levels, "levels", "levels");
  } catch (e) {
    throw new RangeError(`Cannot use levels: ${(e as Error).message}`);
  }
}
