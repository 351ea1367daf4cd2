import assert from "node:assert/strict";
import type { Candle } from "../../core/candle.ts";
import { CandleCopy } from "./copy_binary.ts";

// PostgreSQL's binary COPY layout, written out by hand from the protocol documentation
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
const NULL = [0xff, 0xff, 0xff, 0xff];
const len8 = [0, 0, 0, 8];

Deno.test("a candle row is the field count, the texts, then 8-byte big-endian numbers", () => {
  const c: Candle = { ts: 2 ** 32 + 1, open: 1.5, high: NaN, low: NaN, close: 2, volume: -0.5 };
  const got = new CandleCopy({ texts: ["s", "ab"], trailingInt8: 5 }).encode([c], 0, 1, true, true);
  assert.deepEqual([...got], [
    ...HEADER,
    0,
    10, // 2 texts + ts + 6 numbers + updated_at
    0,
    0,
    0,
    1,
    0x73, // "s"
    0,
    0,
    0,
    2,
    0x61,
    0x62, // "ab"
    ...len8,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    1, // ts = 2^32 + 1
    ...len8,
    0x3f,
    0xf8,
    0,
    0,
    0,
    0,
    0,
    0, // open 1.5
    ...NULL, // high NaN
    ...NULL, // low NaN
    ...len8,
    0x40,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // close 2
    ...len8,
    0xbf,
    0xe0,
    0,
    0,
    0,
    0,
    0,
    0, // volume -0.5
    ...NULL, // market_cap undefined
    ...len8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    5, // updated_at 5
    0xff,
    0xff, // trailer
  ]);
});

Deno.test("pieces of a stream join into the stream encoded at once; no texts for staging", () => {
  const rows: Candle[] = Array.from({ length: 5 }, (_, i) => ({
    ts: i * 60_000,
    open: i,
    high: i + 1,
    low: i - 1,
    close: i + 0.5,
    volume: i * 10,
    marketCap: i === 2 ? 1e12 : undefined,
  }));
  const enc = new CandleCopy();
  const whole = enc.encode(rows, 0, 5, true, true);
  const pieces = [enc.encode(rows, 0, 2, true, false), enc.encode(rows, 2, 5, false, true)];
  assert.deepEqual([...pieces[0], ...pieces[1]], [...whole]);
  // 19 header + 5 rows of (2 + 7 × 12) bytes, less 8 for each NULL market cap (4), + 2 trailer
  assert.equal(whole.length, 19 + 5 * 86 - 4 * 8 + 2);
  assert.deepEqual([...whole.subarray(19, 21)], [0, 7]);
});
