/**
 * Candles in PostgreSQL's binary COPY format: each number goes over as its 8 bytes, with no
 * number-to-text formatting on this side and no text parsing on the server's — the fastest way to
 * move many rows (see prices.ts). A COPY stream is a header, rows, and a trailer; it may be cut
 * into pieces anywhere, so a long one is encoded and sent piece by piece ({@link CandleCopy}):
 * the server stores one piece while the next is encoded.
 * @module
 */
import type { Candle } from "../../core/candle.ts";

/** The 11-byte signature, then 4 bytes of flags and 4 of header-extension length (all 0). */
const HEADER = [
  0x50,
  0x47,
  0x43,
  0x4f,
  0x50,
  0x59,
  0x0a,
  0xff,
  0x0d,
  0x0a,
  0x00,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
];
/** Number columns per candle: open, high, low, close, volume, market_cap. */
const NUMS = 6;
const TWO_32 = 2 ** 32;

/** What each row carries besides the candle's own columns. */
export interface CopyRowShape {
  /**
   * Text columns written before `ts` in every row, the same for all (the series key of the
   * `candles` table: source, asset, interval); none for the staging table.
   */
  texts?: readonly string[];
  /** An int8 column written after `market_cap` in every row (`updated_at`); none if undefined. */
  trailingInt8?: number;
}

/**
 * An encoder of candles into one binary COPY stream for the columns
 * `([texts…,] ts bigint, open, high, low, close, volume, market_cap double precision
 * [, trailing bigint])`; NaN and undefined numbers become NULL.
 */
export class CandleCopy {
  readonly #prefix: Uint8Array;
  readonly #fields: number;
  readonly #trailing: number | undefined;
  readonly #rowBytes: number;

  /** An encoder of rows shaped as `shape`. */
  constructor(shape: CopyRowShape = {}) {
    const enc = new TextEncoder();
    const texts = (shape.texts ?? []).map((t) => enc.encode(t));
    this.#prefix = new Uint8Array(texts.reduce((n, t) => n + 4 + t.length, 0));
    const view = new DataView(this.#prefix.buffer);
    let o = 0;
    for (const t of texts) {
      view.setInt32(o, t.length);
      this.#prefix.set(t, o + 4);
      o += 4 + t.length;
    }
    this.#trailing = shape.trailingInt8;
    this.#fields = texts.length + 1 + NUMS + (this.#trailing === undefined ? 0 : 1);
    this.#rowBytes = 2 + this.#prefix.length + 12 * (1 + NUMS) +
      (this.#trailing === undefined ? 0 : 12);
  }

  /**
   * The bytes of `candles[from, to)`, preceded by the stream's header when `first` and followed
   * by its trailer when `last`.
   */
  encode(candles: readonly Candle[], from: number, to: number, first: boolean, last: boolean) {
    const buf = new Uint8Array(
      (first ? HEADER.length : 0) + (to - from) * this.#rowBytes + (last ? 2 : 0),
    );
    const view = new DataView(buf.buffer);
    const prefix = this.#prefix, plen = prefix.length, trailing = this.#trailing;
    let o = 0;
    if (first) {
      buf.set(HEADER, 0);
      o = HEADER.length;
    }
    for (let i = from; i < to; i++) {
      const c = candles[i];
      view.setInt16(o, this.#fields);
      o += 2;
      for (let k = 0; k < plen; k++) buf[o + k] = prefix[k];
      o += plen;
      o = int8(view, o, c.ts);
      o = float8(view, o, c.open);
      o = float8(view, o, c.high);
      o = float8(view, o, c.low);
      o = float8(view, o, c.close);
      o = float8(view, o, c.volume);
      o = float8(view, o, c.marketCap);
      if (trailing !== undefined) o = int8(view, o, trailing);
    }
    if (last) {
      view.setInt16(o, -1);
      o += 2;
    }
    return buf.subarray(0, o);
  }
}

/** Writes the int8 field `v` (a safe integer) at `o`; returns the offset after it. */
function int8(view: DataView, o: number, v: number): number {
  view.setInt32(o, 8);
  const hi = Math.floor(v / TWO_32);
  view.setInt32(o + 4, hi);
  view.setUint32(o + 8, v - hi * TWO_32);
  return o + 12;
}

/** Writes the float8 field `v` (NULL for NaN or undefined) at `o`; returns the offset after it. */
function float8(view: DataView, o: number, v: number | undefined): number {
  if (v === undefined || v !== v) {
    view.setInt32(o, -1);
    return o + 4;
  }
  view.setInt32(o, 8);
  view.setFloat64(o + 4, v);
  return o + 12;
}
