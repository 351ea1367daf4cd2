/**
 * Candles in PostgreSQL's binary COPY format: each value goes over as its 8 bytes, with no
 * number-to-text formatting on this side and no text parsing on the server's — the fastest way to
 * move many rows (see prices.ts).
 * @module
 */
import type { Candle } from "../../core/candle.ts";

const HEADER = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
/** Columns per row: ts, open, high, low, close, volume, market_cap. */
const FIELDS = 7;
const ROW_BYTES = 2 + FIELDS * (4 + 8);
const TWO_32 = 2 ** 32;

/**
 * The binary COPY stream of `candles[from, to)` for the columns
 * `(ts bigint, open, high, low, close, volume, market_cap double precision)`; NaN and undefined
 * become NULL.
 */
export function candlesCopyBinary(
  candles: readonly Candle[],
  from: number,
  to: number,
): Uint8Array {
  const n = to - from;
  const buf = new Uint8Array(HEADER.length + 8 + n * ROW_BYTES + 2);
  const view = new DataView(buf.buffer);
  buf.set(HEADER, 0);
  let o = HEADER.length + 8; // flags and header-extension length: both 0
  const num = (v: number | undefined) => {
    if (v === undefined || Number.isNaN(v)) {
      view.setInt32(o, -1);
      o += 4;
    } else {
      view.setInt32(o, 8);
      view.setFloat64(o + 4, v);
      o += 12;
    }
  };
  for (let i = from; i < to; i++) {
    const c = candles[i];
    view.setInt16(o, FIELDS);
    view.setInt32(o + 2, 8);
    const hi = Math.floor(c.ts / TWO_32);
    view.setInt32(o + 6, hi);
    view.setUint32(o + 10, c.ts - hi * TWO_32);
    o += 14;
    num(c.open);
    num(c.high);
    num(c.low);
    num(c.close);
    num(c.volume);
    num(c.marketCap);
  }
  view.setInt16(o, -1);
  return buf.subarray(0, o + 2);
}
